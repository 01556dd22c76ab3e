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
 * later with current_setting, a WAL message, a large object, a server file, another database, the time the answer
 * takes. Passing masked values to them is a side channel of its own.
 */
export const SINK_FUNCTIONS: ReadonlySet<string> = new Set([
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
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
 * Built-in set-returning functions whose arguments decide how many rows they return: with a masked value among
 * them, the row count tells it (`count(*) … generate_series(1, ascii(ssn))`), so they are a side channel like WHERE.
 */
export const ROW_COUNT_FUNCTIONS: ReadonlySet<string> = new Set([
  'generate_series',
  'generate_subscripts',
  'unnest',
  'string_to_table',
  'regexp_split_to_table',
  'regexp_matches',
  'json_array_elements',
  'json_array_elements_text',
  'jsonb_array_elements',
  'jsonb_array_elements_text',
  'json_each',
  'json_each_text',
  'jsonb_each',
  'jsonb_each_text',
  'json_object_keys',
  'jsonb_object_keys',
  'json_populate_recordset',
  'jsonb_populate_recordset',
  'json_to_recordset',
  'jsonb_to_recordset',
  'jsonb_path_query',
  'ts_stat',
  'ts_parse',
  'ts_token_type',
  'pg_options_to_table',
  'aclexplode',
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
