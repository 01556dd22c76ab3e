/**
 * Built-in functions that lineage must treat specially. Matched on the last name part whatever schema is written:
 * a user function shadowing one of these is treated like it.
 */

/**
 * Functions whose result holds data the statement does not name: they run a query or read a relation given as a
 * string, read server files or large objects, or reach another database. Their results have unknown lineage.
 * @see https://www.postgresql.org/docs/current/functions-xml.html#FUNCTIONS-XML-MAPPING
 */
export const OPAQUE_FUNCTIONS: ReadonlySet<string> = new Set([
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'table_to_xml',
  'table_to_xmlschema',
  'table_to_xml_and_xmlschema',
  'schema_to_xml',
  'schema_to_xmlschema',
  'schema_to_xml_and_xmlschema',
  'database_to_xml',
  'database_to_xmlschema',
  'database_to_xml_and_xmlschema',
  'ts_stat',
  'pg_read_file',
  'pg_read_binary_file',
  'pg_file_read',
  'lo_get',
  'loread',
  'dblink',
  'dblink_fetch',
  'dblink_get_result',
  'dblink_get_notify',
  'pg_logical_slot_get_changes',
  'pg_logical_slot_peek_changes',
  'pg_logical_slot_get_binary_changes',
  'pg_logical_slot_peek_binary_changes',
]);

/**
 * Functions that carry their arguments somewhere masking does not follow: a notification, a setting read back
 * later with current_setting, a WAL message, a large object, a server file, another database. Passing masked
 * values to them is a side channel of its own.
 */
export const SINK_FUNCTIONS: ReadonlySet<string> = new Set([
  'pg_notify',
  'set_config',
  'pg_logical_emit_message',
  'lo_from_bytea',
  'lo_put',
  'lowrite',
  'lo_import',
  'lo_export',
  'pg_file_write',
  'dblink_exec',
  'dblink',
  'dblink_send_query',
  'dblink_open',
]);

/**
 * System relations that hold copies of column values: planner statistics keep the most common values and
 * histogram bounds of every analysed column. With any column masked they count as masked wholesale.
 * @see https://www.postgresql.org/docs/current/view-pg-stats.html
 */
export const STATISTICS_RELATIONS: ReadonlySet<string> = new Set([
  'pg_stats',
  'pg_stats_ext',
  'pg_stats_ext_exprs',
  'pg_statistic',
  'pg_statistic_ext_data',
]);

export const SYSTEM_SCHEMAS: ReadonlySet<string> = new Set(['pg_catalog', 'information_schema']);
