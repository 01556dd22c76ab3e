import { beforeAll, describe, expect, it } from 'vitest';
import { computedFields, field, fixtureCatalog } from './catalog.fixture';
import { compileMasking } from './compile-masking';
import { planMasking } from './mask-plan';
import type { MaskPlan, RowDescriptionField } from './masking.types';
import { createRowMasker } from './row-masker';
import { initMasking } from './sql-parser';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : b);
const KEY = enc('row-masker-test-key');
const catalog = fixtureCatalog();
const masking = compileMasking({
  columns: ['customers.email', 'customers.ssn'],
  detectors: ['email', 'credit_card', 'us_ssn', 'phone', 'jwt'],
  style: 'partial',
});

beforeAll(() => initMasking());

/** A plan masking the given positions, as createMaskPlan would build it. */
function planFor(fields: RowDescriptionField[], masked: number[]): MaskPlan {
  const columns = fields.map((_, i) =>
    masked.includes(i) ? { mask: true as const, rule: `column:t.c${i}` } : { mask: false as const },
  );
  return {
    deny: undefined,
    sideChannel: false,
    sideChannels: [],
    touchesMasked: masked.length > 0,
    columns,
    fields,
    copy: undefined,
  };
}

function masker(plan: MaskPlan, binary: 'deny' | 'null' = 'deny', style: 'partial' | 'hash' | 'redact' = 'partial') {
  return createRowMasker({ plan, detectors: masking.detectors, style, key: KEY, binary });
}

describe('row masking', () => {
  it('masks values that keep their length in place, and hands back the others', () => {
    const fields = [field('id', undefined, 23), field('email'), field('note')];
    const values = [enc('7'), enc('Zoë <zoe@example.com>'), enc('bob@example.com')];
    const bytes = new Uint8Array(values.reduce((n, v) => n + v.length, 0));
    const starts = new Int32Array(3);
    const lengths = new Int32Array(3);
    let o = 0;
    values.forEach((v, i) => {
      bytes.set(v, o);
      starts[i] = o;
      lengths[i] = v.length;
      o += v.length;
    });
    const m = masker(planFor(fields, [2]));
    const result = m.maskCells(bytes, { count: 3, starts, lengths }, []);
    // The masked column's ASCII value is masked where it is; a detector hit in the other text gets a replacement.
    expect(dec(bytes.subarray(bytes.length - 15))).toBe('***@******e.com');
    expect(result).toMatchObject({ changed: true, resized: true });
    expect(result.replaced[2]).toBeUndefined();
    expect(dec(result.replaced[1])).toBe('Zoë <***@******e.com>');
    expect(dec(bytes.subarray(0, 1))).toBe('7');
    expect(result.masks.map((x) => x.rule)).toEqual(['detector:email', 'column:t.c2']);
    const again = m.maskCells(bytes, { count: 3, starts, lengths }, []);
    expect(again.resized).toBe(true);
    const ascii = enc('carol@example.com');
    const one = m.maskCells(
      ascii,
      { count: 3, starts: new Int32Array([0, 0, 0]), lengths: new Int32Array([-1, -1, 17]) },
      [],
    );
    expect(one).toMatchObject({ changed: true, resized: false });
    expect(dec(ascii)).toBe('*****@******e.com');
  });
  it('masks masked columns whole and scans the rest, leaving clean rows untouched', () => {
    const fields = [field('id', undefined, 23), field('name'), field('email'), field('note')];
    const m = masker(planFor(fields, [2]));
    const clean = [enc('1'), enc('Alice Smith'), null, enc('likes tea')];
    const same = m.maskRow(clean, []);
    expect(same).toEqual({ values: clean, changed: false, masks: [] });
    expect(same.values).toBe(clean);
    const row = m.maskRow([enc('1'), enc('Alice'), enc('alice@example.com'), enc('call +1 415 555 0100')], [0]);
    expect(row.values.map(dec)).toEqual(['1', 'Alice', '*****@******e.com', 'call +* *** *** 0100']);
    expect(row.masks).toEqual([
      { column: 2, rule: 'column:t.c2', style: 'partial' },
      { column: 3, rule: 'detector:phone', style: 'partial', start: 5, end: 20 },
    ]);
  });
  it('redacts a value computed from a masked column whatever the style: the agent chose its tail and its length', () => {
    const fields = [field('ssn'), field('tail'), field('padded')];
    const plan = planFor(fields, [0]);
    const lineage = { mask: true as const, rule: 'lineage:public.customers.ssn' };
    const derived = { ...plan, columns: [plan.columns[0] as MaskPlan['columns'][number], lineage, lineage] };
    for (const style of ['partial', 'hash'] as const) {
      const row = masker(derived, 'deny', style).maskRow(
        [enc('123-45-6789'), enc('xxxxxxxx1'), enc('x'.repeat(49))],
        [],
      );
      const [ssn, tail, padded] = row.values.map(dec);
      expect(ssn).toMatch(style === 'partial' ? /^\*\*\*-\*\*-6789$/ : /^h:[0-9a-f]{16}$/);
      expect([tail, padded]).toEqual(['****', '****']);
      expect(row.masks.slice(1)).toEqual([
        { column: 1, rule: 'lineage:public.customers.ssn', style: 'redact' },
        { column: 2, rule: 'lineage:public.customers.ssn', style: 'redact' },
      ]);
    }
  });

  it('gives byte offsets in the masked value', () => {
    const m = masker(planFor([field('note')], []), 'deny', 'redact');
    const row = m.maskRow([enc('Zoë: bob@x.io')], []);
    expect(dec(row.values[0])).toBe('Zoë: ****');
    expect(row.masks[0]).toMatchObject({ start: 6, end: 10 });
  });
  it('renders masked values so typed columns still decode', () => {
    const fields = [
      field('j', undefined, 3802),
      field('n', undefined, 23),
      field('a', undefined, 1009),
      field('b', undefined, 17),
    ];
    const row = masker(planFor(fields, [0, 1, 2, 3]), 'deny', 'hash').maskRow(
      [enc('{"a":1}'), enc('42'), enc('{x,y}'), enc('\\x01')],
      [],
    );
    const [j, n, a, b] = row.values.map(dec);
    expect(JSON.parse(j as string)).toMatch(/^h:[0-9a-f]{16}$/);
    expect(n).toBeNull();
    expect(a).toMatch(/^\{"h:[0-9a-f]{16}"\}$/);
    expect(b).toMatch(/^\\x683a/); // "h:" in hex
    expect(row.masks.map((x) => x.style)).toEqual(['hash', 'null', 'hash', 'hash']);
  });
  it('keeps JSON valid when detectors hit inside and outside strings', () => {
    const m = masker(planFor([field('doc', undefined, 3802)], []));
    const doc = '{"card": 4111111111111111, "mail": "bob@example.com", "n": [5500000000000004]}';
    const out = dec(m.maskRow([enc(doc)], []).values[0]) as string;
    expect(JSON.parse(out)).toEqual({ card: '************1111', mail: '***@******e.com', n: ['************0004'] });
  });
  it('NULLs numeric values a detector hits and skips types that cannot hold PII', () => {
    const fields = [field('big', undefined, 20), field('ts', undefined, 1114), field('uuid', undefined, 2950)];
    const row = masker(planFor(fields, [])).maskRow(
      [enc('4111111111111111'), enc('2024-01-02 10:11:12'), enc('550e8400-e29b-41d4-a716-446655440000')],
      [],
    );
    expect(row.values.map(dec)).toEqual([null, '2024-01-02 10:11:12', '550e8400-e29b-41d4-a716-446655440000']);
    expect(row.masks).toEqual([{ column: 0, rule: 'detector:credit_card', style: 'null' }]);
  });
  it('never passes binary values of masked columns', () => {
    const fields = [field('id', undefined, 23, 1), field('ssn', undefined, 25, 1)];
    const denied = masker(planFor(fields, [1])).maskRow([new Uint8Array([0, 0, 0, 1]), enc('123-45-6789')], [1]);
    expect(denied.values[1]).toBeNull();
    expect(denied.deny).toMatch(/binary-format value of masked column 2/);
    const nulled = masker(planFor(fields, [1]), 'null').maskRow(
      [new Uint8Array([0, 0, 0, 1]), enc('123-45-6789')],
      [1, 1],
    );
    expect(nulled.values[1]).toBeNull();
    expect(nulled.deny).toBeUndefined();
  });
  it('scans binary text values (UTF-8 bytes) but not other binary types', () => {
    const fields = [field('t', undefined, 25, 1), field('i', undefined, 20, 1)];
    const row = masker(planFor(fields, [])).maskRow([enc('ssn 123-45-6789'), enc('4111111111111111')], [1]);
    expect(row.values.map(dec)).toEqual(['ssn ***-**-6789', '4111111111111111']);
  });
  it('fails closed on a plan that denies or a row of the wrong width', () => {
    const plan = planFor([field('a'), field('b')], []);
    expect(masker(plan).maskRow([enc('x')], []).deny).toMatch(/1 columns, RowDescription 2/);
    const denied = masker({ ...plan, deny: 'no' }).maskRow([enc('x'), enc('y')], []);
    expect(denied).toMatchObject({ values: [null, null], changed: true, deny: 'no' });
  });
});

describe('exfiltration corpus end to end: seeded PII never leaves in a recognisable form', () => {
  const SSN = '123-45-6789';
  const EMAIL = 'alice.smith@example.com';
  /** What the database would return for each statement's single column, given the seeded row. */
  const corpus: Array<[string, string]> = [
    ['select ssn as x from customers', SSN],
    ['select lower(email) from customers', EMAIL],
    ['select reverse(ssn) from customers', [...SSN].reverse().join('')],
    ["select encode(convert_to(ssn, 'UTF8'), 'base64') from customers", Buffer.from(SSN).toString('base64')],
    ['select substr(ssn, 1, 3) || substr(ssn, 4) from customers', SSN],
    ["select replace(ssn, '-', '') from customers", SSN.replaceAll('-', '')],
    ['select json_agg(c) from customers c', JSON.stringify([{ id: 1, ssn: SSN, email: EMAIL }])],
    ['select row_to_json(c) from customers c', JSON.stringify({ id: 1, ssn: SSN })],
    ['select array_agg(email) from customers', `{${EMAIL}}`],
    ['select (select email from customers limit 1)', EMAIL],
    ['with x(a) as (select ssn from customers) select a from x', SSN],
    ['select name from products union select email from customers', EMAIL],
    ['select c from customers c', `(1,Alice,${EMAIL},${SSN})`],
    ['select contact from v_customers', EMAIL],
    ['select md5(ssn) from customers', 'e807f1fcf82d132f9bb018ca6738a19f'],
  ];
  const forms = (v: string) => [
    SSN,
    SSN.replaceAll('-', ''),
    EMAIL,
    [...SSN].reverse().join(''),
    Buffer.from(SSN).toString('base64'),
    v,
  ];
  for (const [sql, value] of corpus) {
    it(sql, () => {
      const plan = planMasking({ sql, fields: computedFields(1), catalog, masking });
      expect(plan.deny).toBeUndefined();
      const out = createRowMasker({
        plan,
        detectors: masking.detectors,
        style: 'partial',
        key: KEY,
        binary: 'deny',
      }).maskRow([enc(value)], []);
      const text = dec(out.values[0]) ?? '';
      for (const form of forms(value)) expect(text).not.toContain(form);
    });
  }
});
