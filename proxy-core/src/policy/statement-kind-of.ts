/**
 * Parse-tree statement node → statement kind, for every statement node of libpg-query 18 (PostgreSQL 18's
 * parsenodes.h). A node type missing here is `unknown`, which no generic rule allows.
 */
import { objectStatementKind, type StatementKind, TABLE_LOCK_KINDS } from './statement-kinds';

type Obj = Record<string, unknown>;
type KindOf = StatementKind | ((p: Obj) => StatementKind);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const TRANSACTION_KINDS: Readonly<Record<string, StatementKind>> = {
  TRANS_STMT_BEGIN: 'begin',
  TRANS_STMT_START: 'begin',
  TRANS_STMT_COMMIT: 'commit',
  TRANS_STMT_ROLLBACK: 'rollback',
  TRANS_STMT_SAVEPOINT: 'savepoint',
  TRANS_STMT_RELEASE: 'release',
  TRANS_STMT_ROLLBACK_TO: 'rollback_to_savepoint',
  TRANS_STMT_PREPARE: 'prepare_transaction',
  TRANS_STMT_COMMIT_PREPARED: 'commit_prepared',
  TRANS_STMT_ROLLBACK_PREPARED: 'rollback_prepared',
};

/** SET / RESET: role and session_authorization are identity changes (issue 3 §1), the rest are `set` / `reset`. */
function variableSetKind(p: Obj): StatementKind {
  const name = str(p.name)?.toLowerCase();
  if (name === 'role') return 'set_role';
  if (name === 'session_authorization') return 'set_session_authorization';
  return p.kind === 'VAR_RESET' || p.kind === 'VAR_RESET_ALL' ? 'reset' : 'set';
}

const KINDS: Readonly<Record<string, KindOf>> = {
  SelectStmt: 'select',
  InsertStmt: 'insert',
  UpdateStmt: 'update',
  DeleteStmt: 'delete',
  MergeStmt: 'merge',
  ReturnStmt: 'select',
  CopyStmt: (p) => (p.is_program === true ? 'copy_program' : p.is_from === true ? 'copy_from' : 'copy_to'),
  CreateStmt: 'create_table',
  CreateForeignTableStmt: 'create_foreign_table',
  CreateTableAsStmt: (p) => (p.objtype === 'OBJECT_MATVIEW' ? 'create_materialized_view' : 'create_table'),
  ViewStmt: 'create_view',
  IndexStmt: 'create_index',
  CreateSchemaStmt: 'create_schema',
  CreateSeqStmt: 'create_sequence',
  AlterSeqStmt: 'alter_sequence',
  CreateExtensionStmt: 'create_extension',
  AlterExtensionStmt: 'alter_extension',
  AlterExtensionContentsStmt: 'alter_extension',
  CreateFdwStmt: 'create_foreign_data_wrapper',
  AlterFdwStmt: 'alter_foreign_data_wrapper',
  CreateForeignServerStmt: 'create_server',
  AlterForeignServerStmt: 'alter_server',
  CreateUserMappingStmt: 'create_user_mapping',
  AlterUserMappingStmt: 'alter_user_mapping',
  DropUserMappingStmt: 'drop_user_mapping',
  ImportForeignSchemaStmt: 'import_foreign_schema',
  CreatePolicyStmt: 'create_policy',
  AlterPolicyStmt: 'alter_policy',
  CreateAmStmt: 'create_access_method',
  CreateTrigStmt: 'create_trigger',
  CreateEventTrigStmt: 'create_event_trigger',
  AlterEventTrigStmt: 'alter_event_trigger',
  CreatePLangStmt: 'create_language',
  CreateRoleStmt: 'create_role',
  AlterRoleStmt: 'alter_role',
  AlterRoleSetStmt: 'alter_role',
  DropRoleStmt: 'drop_role',
  DefineStmt: (p) => objectStatementKind('create', str(p.kind)),
  CreateDomainStmt: 'create_domain',
  AlterDomainStmt: 'alter_domain',
  CreateOpClassStmt: 'create_operator_class',
  CreateOpFamilyStmt: 'create_operator_family',
  AlterOpFamilyStmt: 'alter_operator_family',
  DropStmt: (p) => objectStatementKind('drop', str(p.removeType)),
  TruncateStmt: 'truncate',
  CommentStmt: 'comment',
  SecLabelStmt: 'security_label',
  DeclareCursorStmt: 'declare_cursor',
  ClosePortalStmt: 'close_cursor',
  FetchStmt: (p) => (p.ismove === true ? 'move' : 'fetch'),
  CreateStatsStmt: 'create_statistics',
  AlterStatsStmt: 'alter_statistics',
  CreateFunctionStmt: (p) => (p.is_procedure === true ? 'create_procedure' : 'create_function'),
  AlterFunctionStmt: (p) => objectStatementKind('alter', str(p.objtype)),
  DoStmt: 'do',
  CallStmt: 'call',
  RenameStmt: (p) => objectStatementKind('alter', str(p.renameType)),
  AlterObjectDependsStmt: (p) => objectStatementKind('alter', str(p.objectType)),
  AlterObjectSchemaStmt: (p) => objectStatementKind('alter', str(p.objectType)),
  AlterOwnerStmt: (p) => objectStatementKind('alter', str(p.objectType)),
  AlterOperatorStmt: 'alter_operator',
  AlterTypeStmt: 'alter_type',
  RuleStmt: 'create_rule',
  NotifyStmt: 'notify',
  ListenStmt: 'listen',
  UnlistenStmt: 'unlisten',
  TransactionStmt: (p) => TRANSACTION_KINDS[str(p.kind) ?? ''] ?? 'unknown',
  CompositeTypeStmt: 'create_type',
  CreateEnumStmt: 'create_type',
  CreateRangeStmt: 'create_type',
  AlterEnumStmt: 'alter_type',
  LoadStmt: 'load',
  CreatedbStmt: 'create_database',
  AlterDatabaseStmt: 'alter_database',
  AlterDatabaseRefreshCollStmt: 'alter_database',
  AlterDatabaseSetStmt: 'alter_database',
  DropdbStmt: 'drop_database',
  AlterSystemStmt: 'alter_system',
  ClusterStmt: 'cluster',
  VacuumStmt: (p) => (p.is_vacuumcmd === true ? 'vacuum' : 'analyze'),
  ExplainStmt: 'explain',
  RefreshMatViewStmt: 'refresh_materialized_view',
  CheckPointStmt: 'checkpoint',
  DiscardStmt: 'discard',
  LockStmt: (p) => TABLE_LOCK_KINDS[Number(p.mode)] ?? 'unknown',
  ConstraintsSetStmt: 'set_constraints',
  ReindexStmt: 'reindex',
  CreateConversionStmt: 'create_conversion',
  CreateCastStmt: 'create_cast',
  CreateTransformStmt: 'create_transform',
  PrepareStmt: 'prepare',
  ExecuteStmt: 'execute',
  DeallocateStmt: 'deallocate',
  DropOwnedStmt: 'drop_owned',
  ReassignOwnedStmt: 'reassign_owned',
  AlterTSDictionaryStmt: 'alter_text_search_dictionary',
  AlterTSConfigurationStmt: 'alter_text_search_configuration',
  CreatePublicationStmt: 'create_publication',
  AlterPublicationStmt: 'alter_publication',
  CreateSubscriptionStmt: 'create_subscription',
  AlterSubscriptionStmt: 'alter_subscription',
  DropSubscriptionStmt: 'drop_subscription',
  AlterCollationStmt: 'alter_collation',
  AlterDefaultPrivilegesStmt: 'alter_default_privileges',
  CreateTableSpaceStmt: 'create_tablespace',
  DropTableSpaceStmt: 'drop_tablespace',
  AlterTableSpaceOptionsStmt: 'alter_tablespace',
  AlterTableStmt: (p) => objectStatementKind('alter', str(p.objtype)),
  ReplicaIdentityStmt: 'alter_table',
  AlterTableMoveAllStmt: (p) => objectStatementKind('alter', str(p.objtype)),
  GrantStmt: (p) => (p.is_grant === true ? 'grant' : 'revoke'),
  GrantRoleStmt: (p) => (p.is_grant === true ? 'grant' : 'revoke'),
  VariableSetStmt: variableSetKind,
  VariableShowStmt: 'show',
};

/** Statement node types this module maps (for the test that every libpg-query statement node is covered). */
export const MAPPED_STATEMENT_NODES: readonly string[] = Object.keys(KINDS);

export function statementKindOf(nodeType: string, payload: Obj): StatementKind {
  const k = KINDS[nodeType];
  if (k === undefined) return 'unknown';
  return typeof k === 'string' ? k : k(payload);
}
