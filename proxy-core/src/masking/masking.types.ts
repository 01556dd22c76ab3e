/**
 * Shared types of the masking layer (issue 3 §3): the policy's `masking:` block, the catalog the planner reads, the
 * plan it produces per result, and what a masker reports for the recording.
 */

export type MaskStyleName = 'redact' | 'partial' | 'hash';

export const BUILTIN_DETECTORS = [
  'email',
  'credit_card',
  'us_ssn',
  'iban',
  'phone',
  'aws_access_key',
  'aws_secret',
  'gcp_service_account',
  'jwt',
  'private_key',
  'generic_secret',
] as const;

export type BuiltinDetectorName = (typeof BUILTIN_DETECTORS)[number];

/** A detector from config: a name and a JavaScript regular expression (flags from `imsuv`). */
export interface CustomDetectorConfig {
  name: string;
  pattern: string;
  flags?: string;
}

export type DetectorConfig = BuiltinDetectorName | CustomDetectorConfig;

/** The `masking:` block of a policy (DESIGN.md configuration contract). */
export interface MaskingPolicy {
  /** `table.column` (any schema) or `schema.table.column`; unquoted parts fold to lower case as in SQL. */
  columns: readonly string[];
  detectors: readonly DetectorConfig[];
  style: MaskStyleName;
  /** What to do with a result column whose lineage cannot be established. Default `deny`. */
  lineage?: 'deny' | 'mask';
  /** Masked columns in WHERE / JOIN / ORDER BY / GROUP BY … (side channels). Default `deny`. */
  predicates?: 'deny' | 'allow';
  /** Binary-format values of masked columns. Default `deny`. */
  binary?: 'deny' | 'null';
  /** `partial` keeps this many trailing characters. Default 4. */
  partialKeep?: number;
}

/** One field of a RowDescription (or of a CopyOutResponse, with no origin). */
export interface RowDescriptionField {
  name: string;
  /** 0 when the column is not a plain reference to a table column. */
  tableOid: number;
  attnum: number;
  typeOid: number;
  /** 0 text, 1 binary. */
  format: number;
}

export interface QualifiedColumn {
  schema: string;
  table: string;
  column: string;
}

/**
 * What the planner needs from the database catalog (cached by the session, refreshed on DDL). Names are as stored
 * (already case-folded). `viewDefinition` returns the SELECT of a view or materialized view and `undefined` for
 * any other relation; when it is implemented, a RowDescription origin on a non-view is taken as exact lineage.
 */
export interface MaskingCatalog {
  columnName(tableOid: number, attnum: number): QualifiedColumn | undefined;
  columnsOf(schema: string, table: string): readonly string[] | undefined;
  viewDefinition?(schema: string, table: string): string | undefined;
  /** `user` for functions not in pg_catalog / information_schema: their bodies may read any table. */
  functionKind?(schema: string | undefined, name: string): 'builtin' | 'user' | undefined;
}

export type ColumnMask = { mask: false } | { mask: true; rule: string };

/** A masked column (or unknown lineage) used where it can leak without being returned: WHERE, JOIN, ORDER BY… */
export interface SideChannel {
  /** `WHERE`, `JOIN`, `ORDER BY`, `GROUP BY`, `HAVING`, `WINDOW`, `DISTINCT ON`, `LIMIT`, `MERGE ON`, or a sink. */
  clause: string;
  /** `schema.table.column`, or undefined when the lineage there is unknown. */
  column: string | undefined;
  /** True for writes of masked data somewhere it will not be masked (INSERT … SELECT, set_config, COPY TO file). */
  sink: boolean;
  reason: string;
}

/** The verdict on a statement before it runs: side channels and lineage known from the SQL alone. */
export interface StatementCheck {
  deny: string | undefined;
  sideChannel: boolean;
  sideChannels: readonly SideChannel[];
  /** Reads or filters on a masked column: error and notice texts of this statement are masked strictly. */
  touchesMasked: boolean;
}

export interface CopyFormat {
  format: 'text' | 'csv' | 'binary';
  delimiter: string;
  null: string;
  quote: string;
  escape: string;
  header: boolean;
}

/** How one result (RowDescription + DataRows, or CopyOutResponse + CopyData) is masked. */
export interface MaskPlan extends StatementCheck {
  columns: readonly ColumnMask[];
  fields: readonly RowDescriptionField[];
  /** Set for COPY … TO STDOUT results. */
  copy: CopyFormat | undefined;
}

/**
 * One masked value or span, for the recording's annotation (never the raw value). Offsets are UTF-8 byte offsets
 * in what the client receives: within the column value for DataRow, within the message payload for CopyData,
 * within the field text for free text.
 */
export interface MaskAnnotation {
  column: number;
  rule: string;
  style: MaskStyleName | 'null';
  start?: number;
  end?: number;
}

export class MaskingConfigError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'MaskingConfigError';
  }
}
