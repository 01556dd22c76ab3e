/** A small in-memory catalog for masking tests and the benchmark: the demo's customers schema and a few views. */
import type { MaskingCatalog, QualifiedColumn, RowDescriptionField } from './masking.types';

interface FixtureRelation {
  schema: string;
  table: string;
  oid: number;
  columns: string[];
  view?: string;
}

export const FIXTURE_RELATIONS: readonly FixtureRelation[] = [
  {
    schema: 'public',
    table: 'customers',
    oid: 16384,
    columns: ['id', 'name', 'email', 'phone', 'ssn', 'card_number', 'notes'],
  },
  { schema: 'public', table: 'products', oid: 16390, columns: ['id', 'name', 'price'] },
  { schema: 'public', table: 'orders', oid: 16400, columns: ['id', 'customer_id', 'email', 'total'] },
  { schema: 'public', table: 'payments', oid: 16410, columns: ['id', 'customer_id', 'card_number', 'amount'] },
  {
    schema: 'public',
    table: 'v_customers',
    oid: 16420,
    columns: ['id', 'name', 'contact'],
    view: 'SELECT c.id, c.name, lower(c.email) AS contact FROM customers c;',
  },
  { schema: 'public', table: 'v_products', oid: 16430, columns: ['id', 'name'], view: 'SELECT id, name FROM products' },
  { schema: 'public', table: 'v_nested', oid: 16440, columns: ['who'], view: 'SELECT contact AS who FROM v_customers' },
  { schema: 'public', table: 'v_broken', oid: 16450, columns: ['name'], view: 'SELEKT broken' },
  { schema: 'crm', table: 'customers', oid: 16460, columns: ['id', 'email', 'ssn'] },
];

export function fixtureCatalog(relations: readonly FixtureRelation[] = FIXTURE_RELATIONS): MaskingCatalog {
  const byName = new Map(relations.map((r) => [`${r.schema}.${r.table}`, r]));
  const byOid = new Map(relations.map((r) => [r.oid, r]));
  return {
    columnName(tableOid: number, attnum: number): QualifiedColumn | undefined {
      const r = byOid.get(tableOid);
      const column = r?.columns[attnum - 1];
      return r && column ? { schema: r.schema, table: r.table, column } : undefined;
    },
    columnsOf: (schema, table) => byName.get(`${schema}.${table}`)?.columns,
    viewDefinition: (schema, table) => byName.get(`${schema}.${table}`)?.view,
  };
}

/** A RowDescription field; `origin` as `table.column` of a fixture relation gives it a table OID and attnum. */
export function field(name: string, origin?: string, typeOid = 25, format = 0): RowDescriptionField {
  if (!origin) return { name, tableOid: 0, attnum: 0, typeOid, format };
  const [table, column] = origin.split('.');
  const r = FIXTURE_RELATIONS.find((x) => x.table === table && x.schema === 'public');
  const attnum = (r?.columns.indexOf(column ?? '') ?? -1) + 1;
  return { name, tableOid: r?.oid ?? 0, attnum, typeOid, format };
}

/** `n` computed fields (no origin): the planner must rely on lineage alone. */
export function computedFields(n: number): RowDescriptionField[] {
  return Array.from({ length: n }, (_, i) => field(`c${i + 1}`));
}
