/**
 * Which stored columns are masked: the policy's `masking.columns` (`table.column` in any schema, or
 * `schema.table.column`; unquoted parts fold to lower case and `"Quoted"` parts keep their case, as in SQL), plus
 * the planner-statistics relations, which hold copies of column values, whenever any column is masked.
 */

import { STATISTICS_RELATIONS } from './lineage/functions';
import { splitSourceKey } from './lineage/lineage';
import { MaskingConfigError, type QualifiedColumn } from './masking.types';

export interface ColumnMatcher {
  /** No column is masked: lineage cannot matter. */
  readonly empty: boolean;
  isMasked(column: QualifiedColumn): boolean;
  /** The same for a lineage source key. */
  isMaskedKey(key: string): boolean;
}

/** Splits `a."B.c".d`; undefined when quotes do not balance or a part is empty. */
export function splitQualified(text: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    let part = '';
    if (text[i] === '"') {
      for (i++; ; i++) {
        if (i >= text.length) return undefined;
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          i++;
        }
        part += text[i];
      }
      i++;
    } else {
      const end = text.indexOf('.', i);
      part = text
        .slice(i, end === -1 ? text.length : end)
        .trim()
        .toLowerCase();
      if (part.includes('"')) return undefined;
      i = end === -1 ? text.length : end;
    }
    if (part === '') return undefined;
    parts.push(part);
    if (i < text.length) {
      if (text[i] !== '.' || i === text.length - 1) return undefined;
      i++;
    }
  }
  return parts.length > 0 ? parts : undefined;
}

export function compileColumnMatcher(columns: readonly string[], path = 'masking.columns'): ColumnMatcher {
  const anySchema = new Set<string>();
  const exact = new Set<string>();
  columns.forEach((entry, i) => {
    const parts = typeof entry === 'string' ? splitQualified(entry) : undefined;
    if (!parts || parts.length < 2 || parts.length > 3) {
      throw new MaskingConfigError(
        `${path}[${i}]`,
        `expected table.column or schema.table.column, got ${JSON.stringify(entry)}`,
      );
    }
    (parts.length === 2 ? anySchema : exact).add(parts.join('\u0000'));
  });
  const empty = columns.length === 0;
  const isMasked = (c: QualifiedColumn): boolean =>
    !empty &&
    (anySchema.has(`${c.table}\u0000${c.column}`) ||
      exact.has(`${c.schema}\u0000${c.table}\u0000${c.column}`) ||
      (c.schema === 'pg_catalog' && STATISTICS_RELATIONS.has(c.table)));
  return {
    empty,
    isMasked,
    isMaskedKey(key: string): boolean {
      const [schema, table, column] = splitSourceKey(key);
      return isMasked({ schema, table, column });
    },
  };
}
