/**
 * Built-in categories of dangerous functions (issue 3 §1). A call to a function in a category is an action of
 * its own that only a rule naming `functions` or `categories` can allow (see policy-engine.ts), so
 * `statements: [select]` never lets `SELECT pg_read_file(...)` through. Names are matched case-insensitively on
 * the last name part, whatever schema is written: a user function shadowing a built-in is treated like it.
 */

export const FUNCTION_CATEGORIES = [
  'server_file_access',
  'large_object',
  'backend_signal',
  'foreign_access',
  'role_change',
  'config_change',
  'sleep',
  'admin',
  'dynamic_sql',
  'sequence_write',
  /** Session and transaction advisory locks: an agent holding one can stall an application that coordinates by it. */
  'advisory_lock',
  /** `pg_notify()`: a notification to every listener, as the NOTIFY statement sends. */
  'notify',
  /**
   * A function that is not one of PostgreSQL's built-ins (pg_catalog): its body may write, drop or
   * read anything, and Vigil does not follow it at execution time, so it needs a rule of its own.
   * Set by the gateway from the upstream's catalog (see pipeline/sql-interpreter.ts).
   */
  'user_function',
] as const;

export type FunctionCategory = (typeof FUNCTION_CATEGORIES)[number];

const EXACT: ReadonlyMap<string, readonly FunctionCategory[]> = new Map<string, readonly FunctionCategory[]>([
  // Server files: https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADMIN-GENFILE
  ...[
    'pg_read_file',
    'pg_read_binary_file',
    'pg_ls_dir',
    'pg_stat_file',
    'pg_ls_logdir',
    'pg_ls_waldir',
    'pg_ls_tmpdir',
    'pg_ls_archive_statusdir',
    'pg_ls_logicalsnapdir',
    'pg_ls_logicalmapdir',
    'pg_ls_replslotdir',
    'pg_ls_summariesdir',
    'pg_logdir_ls',
    'pg_file_read',
    'pg_file_write',
    'pg_file_rename',
    'pg_file_unlink',
    'pg_file_sync',
  ].map((n) => [n, ['server_file_access']] as const),
  // Server-side lo_import/lo_export read and write files as the server's OS user.
  ['lo_import', ['server_file_access', 'large_object']],
  ['lo_export', ['server_file_access', 'large_object']],
  ['loread', ['large_object']],
  ['lowrite', ['large_object']],
  ...[
    'pg_terminate_backend',
    'pg_cancel_backend',
    'pg_signal_backend',
    'pg_reload_conf',
    'pg_rotate_logfile',
    'pg_rotate_logfile_old',
    'pg_log_backend_memory_contexts',
  ].map((n) => [n, ['backend_signal']] as const),
  ['pg_sleep', ['sleep']],
  ['pg_sleep_for', ['sleep']],
  ['pg_sleep_until', ['sleep']],
  ...[
    'pg_promote',
    'pg_switch_wal',
    'pg_switch_xlog',
    'pg_create_restore_point',
    'pg_backup_start',
    'pg_backup_stop',
    'pg_start_backup',
    'pg_stop_backup',
    'pg_create_physical_replication_slot',
    'pg_create_logical_replication_slot',
    'pg_drop_replication_slot',
    'pg_copy_physical_replication_slot',
    'pg_copy_logical_replication_slot',
    'pg_replication_slot_advance',
    'pg_logical_slot_get_changes',
    'pg_logical_slot_peek_changes',
    'pg_logical_slot_get_binary_changes',
    'pg_logical_slot_peek_binary_changes',
    'pg_logical_emit_message',
    'pg_wal_replay_pause',
    'pg_wal_replay_resume',
    'pg_xlog_replay_pause',
    'pg_xlog_replay_resume',
    'pg_import_system_collations',
    'pg_log_standby_snapshot',
    'pg_sync_replication_slots',
    'pg_set_relation_stats',
    'pg_clear_relation_stats',
    'pg_restore_relation_stats',
    'pg_restore_attribute_stats',
    'pg_clear_attribute_stats',
  ].map((n) => [n, ['admin']] as const),
  // Functions that run SQL given as a string, or read whole tables/schemas named in one (issue 3: "however the
  // SQL is written"): a literal argument is classified too, see sql-walker.ts.
  ...[
    'query_to_xml',
    'query_to_xmlschema',
    'query_to_xml_and_xmlschema',
    'ts_stat',
    'ts_rewrite',
    'table_to_xml',
    'table_to_xmlschema',
    'table_to_xml_and_xmlschema',
    'schema_to_xml',
    'schema_to_xmlschema',
    'schema_to_xml_and_xmlschema',
    'database_to_xml',
    'database_to_xmlschema',
    'database_to_xml_and_xmlschema',
  ].map((n) => [n, ['dynamic_sql']] as const),
  ['setval', ['sequence_write']],
  ['nextval', ['sequence_write']],
  ['pg_notify', ['notify']],
]);

const PREFIXES: ReadonlyArray<readonly [string, readonly FunctionCategory[]]> = [
  ['lo_', ['large_object']],
  ['dblink', ['foreign_access']],
  ['postgres_fdw_', ['foreign_access']],
  ['pg_replication_origin_', ['admin']],
  ['pg_stat_reset', ['admin']],
  ['pg_advisory_', ['advisory_lock']],
  ['pg_try_advisory_', ['advisory_lock']],
];

/** GUCs whose change is a change of identity, whether by SET or set_config(). */
export const ROLE_SETTINGS: ReadonlySet<string> = new Set(['role', 'session_authorization']);

const NONE: readonly FunctionCategory[] = [];

/**
 * Categories of a call to `name` (last name part, any case). `firstArg` is the first argument when it is a string
 * literal, `null` when it is not a literal, `undefined` when there is none: `set_config` changes identity when
 * its setting is `role` or `session_authorization`, or cannot be known.
 */
export function categorizeFunction(name: string, firstArg?: string | null): readonly FunctionCategory[] {
  const n = name.toLowerCase();
  if (n === 'set_config') {
    const roleChange = firstArg === null || (firstArg !== undefined && ROLE_SETTINGS.has(firstArg.toLowerCase()));
    return roleChange ? ['config_change', 'role_change'] : ['config_change'];
  }
  const exact = EXACT.get(n);
  if (exact !== undefined) return exact;
  for (const [prefix, categories] of PREFIXES) if (n.startsWith(prefix)) return categories;
  return NONE;
}
