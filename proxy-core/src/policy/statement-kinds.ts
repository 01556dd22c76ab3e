/**
 * The statement-kind vocabulary of policy rules (issue 3 §1): every PostgreSQL statement maps to one kind.
 * `create_*`, `alter_*` and `drop_*` are named by object kind; the generic names in {@link GENERIC_KINDS}
 * let a rule say `drop` for every `drop_*`. `unknown` is what a statement type this vocabulary does not know
 * becomes: only a rule that names `unknown` itself matches it, never a generic name or `"*"`.
 */

/** Object kinds of CREATE / ALTER / DROP, from PostgreSQL's ObjectType (parsenodes.h). */
export const OBJECT_KINDS = [
  'access_method',
  'aggregate',
  'cast',
  'collation',
  'conversion',
  'database',
  'default_privileges',
  'domain',
  'event_trigger',
  'extension',
  'foreign_data_wrapper',
  'foreign_table',
  'function',
  'index',
  'language',
  'large_object',
  'materialized_view',
  'operator',
  'operator_class',
  'operator_family',
  'parameter',
  'policy',
  'procedure',
  'publication',
  'role',
  'routine',
  'rule',
  'schema',
  'sequence',
  'server',
  'statistics',
  'subscription',
  'table',
  'tablespace',
  'text_search_configuration',
  'text_search_dictionary',
  'text_search_parser',
  'text_search_template',
  'transform',
  'trigger',
  'type',
  'user_mapping',
  'view',
] as const;

export type ObjectKind = (typeof OBJECT_KINDS)[number];

export const OTHER_KINDS = [
  'select',
  'insert',
  'update',
  'delete',
  'merge',
  'copy_to',
  'copy_from',
  'copy_program',
  'truncate',
  'grant',
  'revoke',
  'set_role',
  'set_session_authorization',
  'alter_system',
  'vacuum',
  'analyze',
  'cluster',
  'reindex',
  'listen',
  'notify',
  'unlisten',
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'release',
  'rollback_to_savepoint',
  'prepare_transaction',
  'commit_prepared',
  'rollback_prepared',
  'set',
  'reset',
  'show',
  'set_constraints',
  'explain',
  'prepare',
  'execute',
  'deallocate',
  'declare_cursor',
  'fetch',
  'move',
  'close_cursor',
  'call',
  'do',
  'discard',
  'checkpoint',
  'load',
  'comment',
  'security_label',
  'refresh_materialized_view',
  'import_foreign_schema',
  'drop_owned',
  'reassign_owned',
  'unknown',
] as const;

/**
 * Locks by what they block. `LOCK TABLE … IN <mode> MODE` is named by its mode (ACCESS EXCLUSIVE when none is
 * given, as in PostgreSQL), so a rule can allow the ACCESS SHARE locks pg_dump takes and not the ACCESS EXCLUSIVE
 * one that stops every reader of a table; `SELECT … FOR UPDATE / SHARE` locks rows (`lock_rows`). The generic
 * `lock` names them all.
 */
export const LOCK_KINDS = [
  'lock_access_share',
  'lock_row_share',
  'lock_row_exclusive',
  'lock_share_update_exclusive',
  'lock_share',
  'lock_share_row_exclusive',
  'lock_exclusive',
  'lock_access_exclusive',
  'lock_rows',
] as const;

export type LockKind = (typeof LOCK_KINDS)[number];

/** `LockStmt.mode` (PostgreSQL's lockdefs.h, AccessShareLock = 1 … AccessExclusiveLock = 8) → its kind. */
export const TABLE_LOCK_KINDS: Readonly<Record<number, LockKind>> = {
  1: 'lock_access_share',
  2: 'lock_row_share',
  3: 'lock_row_exclusive',
  4: 'lock_share_update_exclusive',
  5: 'lock_share',
  6: 'lock_share_row_exclusive',
  7: 'lock_exclusive',
  8: 'lock_access_exclusive',
};

export type StatementKind =
  | `create_${ObjectKind}`
  | `alter_${ObjectKind}`
  | `drop_${ObjectKind}`
  | LockKind
  | (typeof OTHER_KINDS)[number];

/** Every statement kind, in a stable order. */
export const STATEMENT_KINDS: readonly StatementKind[] = [
  ...OBJECT_KINDS.map((o) => `create_${o}` as const),
  ...OBJECT_KINDS.map((o) => `alter_${o}` as const),
  ...OBJECT_KINDS.map((o) => `drop_${o}` as const),
  ...LOCK_KINDS,
  ...OTHER_KINDS,
];

const KIND_SET: ReadonlySet<string> = new Set(STATEMENT_KINDS);

export function isStatementKind(name: string): name is StatementKind {
  return KIND_SET.has(name);
}

const byPrefix = (prefix: string) => STATEMENT_KINDS.filter((k) => k.startsWith(prefix));

/** Names a rule may use for a family of kinds. `unknown` is in none of them. */
export const GENERIC_KINDS: Readonly<Record<string, readonly StatementKind[]>> = {
  create: byPrefix('create_'),
  alter: [...byPrefix('alter_'), 'reassign_owned'],
  drop: byPrefix('drop_'),
  copy: ['copy_to', 'copy_from', 'copy_program'],
  lock: LOCK_KINDS,
  transaction: [
    'begin',
    'commit',
    'rollback',
    'savepoint',
    'release',
    'rollback_to_savepoint',
    'prepare_transaction',
    'commit_prepared',
    'rollback_prepared',
  ],
};

/** PostgreSQL ObjectType → object kind; members of one family (AMOP, TABCONSTRAINT …) map to their owner. */
const OBJECT_TYPE_KIND: Readonly<Record<string, ObjectKind>> = {
  OBJECT_ACCESS_METHOD: 'access_method',
  OBJECT_AGGREGATE: 'aggregate',
  OBJECT_AMOP: 'operator_family',
  OBJECT_AMPROC: 'operator_family',
  OBJECT_ATTRIBUTE: 'type',
  OBJECT_CAST: 'cast',
  OBJECT_COLUMN: 'table',
  OBJECT_COLLATION: 'collation',
  OBJECT_CONVERSION: 'conversion',
  OBJECT_DATABASE: 'database',
  OBJECT_DEFAULT: 'table',
  OBJECT_DEFACL: 'default_privileges',
  OBJECT_DOMAIN: 'domain',
  OBJECT_DOMCONSTRAINT: 'domain',
  OBJECT_EVENT_TRIGGER: 'event_trigger',
  OBJECT_EXTENSION: 'extension',
  OBJECT_FDW: 'foreign_data_wrapper',
  OBJECT_FOREIGN_SERVER: 'server',
  OBJECT_FOREIGN_TABLE: 'foreign_table',
  OBJECT_FUNCTION: 'function',
  OBJECT_INDEX: 'index',
  OBJECT_LANGUAGE: 'language',
  OBJECT_LARGEOBJECT: 'large_object',
  OBJECT_MATVIEW: 'materialized_view',
  OBJECT_OPCLASS: 'operator_class',
  OBJECT_OPERATOR: 'operator',
  OBJECT_OPFAMILY: 'operator_family',
  OBJECT_PARAMETER_ACL: 'parameter',
  OBJECT_POLICY: 'policy',
  OBJECT_PROCEDURE: 'procedure',
  OBJECT_PUBLICATION: 'publication',
  OBJECT_PUBLICATION_NAMESPACE: 'publication',
  OBJECT_PUBLICATION_REL: 'publication',
  OBJECT_ROLE: 'role',
  OBJECT_ROUTINE: 'routine',
  OBJECT_RULE: 'rule',
  OBJECT_SCHEMA: 'schema',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_SUBSCRIPTION: 'subscription',
  OBJECT_STATISTIC_EXT: 'statistics',
  OBJECT_TABCONSTRAINT: 'table',
  OBJECT_TABLE: 'table',
  OBJECT_TABLESPACE: 'tablespace',
  OBJECT_TRANSFORM: 'transform',
  OBJECT_TRIGGER: 'trigger',
  OBJECT_TSCONFIGURATION: 'text_search_configuration',
  OBJECT_TSDICTIONARY: 'text_search_dictionary',
  OBJECT_TSPARSER: 'text_search_parser',
  OBJECT_TSTEMPLATE: 'text_search_template',
  OBJECT_TYPE: 'type',
  OBJECT_USER_MAPPING: 'user_mapping',
  OBJECT_VIEW: 'view',
};

/** `create_table`, `drop_view` … for a PostgreSQL ObjectType; `unknown` for one this table lacks. */
export function objectStatementKind(verb: 'create' | 'alter' | 'drop', objectType: string | undefined): StatementKind {
  const kind = objectType === undefined ? undefined : OBJECT_TYPE_KIND[objectType];
  return kind === undefined ? 'unknown' : `${verb}_${kind}`;
}

/** Object types whose names are relations, so DROP / COMMENT / SECURITY LABEL on them touch a table. */
export const RELATION_OBJECT_TYPES: ReadonlySet<string> = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_FOREIGN_TABLE',
  'OBJECT_SEQUENCE',
]);

/** Object types named `table.object` (DROP TRIGGER tr ON t …): every name part but the last is the table. */
export const TABLE_MEMBER_OBJECT_TYPES: ReadonlySet<string> = new Set([
  'OBJECT_TRIGGER',
  'OBJECT_RULE',
  'OBJECT_POLICY',
  'OBJECT_TABCONSTRAINT',
  'OBJECT_COLUMN',
]);
