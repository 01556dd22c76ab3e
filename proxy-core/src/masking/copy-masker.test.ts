import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureCatalog } from './catalog.fixture';
import { compileMasking } from './compile-masking';
import { createCopyMasker } from './copy-masker';
import { decodeTextField, encodeTextField, parseCsvRow, splitTextRow } from './copy-text';
import { analyzeSql } from './lineage/statement';
import { copyFields, createMaskPlan } from './mask-plan';
import { initMasking } from './sql-parser';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const catalog = fixtureCatalog();
const masking = compileMasking({ columns: ['customers.ssn'], detectors: ['email', 'us_ssn'], style: 'redact' });

beforeAll(() => initMasking());

function copyMasker(sql: string, width: number) {
  const [stmt] = analyzeSql(sql, catalog);
  const plan = createMaskPlan(stmt, copyFields(Array(width).fill(0)), catalog, masking);
  return createCopyMasker({ plan, detectors: masking.detectors, style: 'redact' });
}

describe('COPY text format codec', () => {
  it('splits on unescaped delimiters and decodes escapes', () => {
    expect(splitTextRow('a\\tb\tc\\\\\t\\N', '\t')).toEqual(['a\\tb', 'c\\\\', '\\N']);
    expect(decodeTextField('a\\tb\\nc\\\\d\\101\\x41\\|')).toBe('a\tb\nc\\dAA|');
  });
  it('encodes what it decodes', () => {
    for (const value of ['plain', 'tab\there', 'new\nline', 'back\\slash', 'pipe|', '\b\f\r\v']) {
      expect(decodeTextField(encodeTextField(value, '|'))).toBe(value);
      expect(splitTextRow(encodeTextField(value, '|'), '|')).toHaveLength(1);
    }
  });
  it('parses CSV quoting, doubled quotes, embedded newlines and NULLs', () => {
    const format = { format: 'csv', delimiter: ',', null: '', quote: '"', escape: '"', header: false } as const;
    const row = parseCsvRow('1,"a ""q"", b","multi\nline",,""\n', 0, format);
    expect(row.fields.map((f) => f.value)).toEqual(['1', 'a "q", b', 'multi\nline', null, '']);
    expect(row.next).toBe(32);
  });
});

describe('COPY masking', () => {
  it('masks the masked column of COPY (query) TO STDOUT, keeping other fields byte for byte', () => {
    const m = copyMasker('copy (select name, ssn, notes from customers) to stdout', 3);
    const data = enc('Al\\tice\t123-45-6789\tsee \\\\server\n');
    const out = m.maskCopyData(data);
    expect(dec(out.data)).toBe('Al\\tice\t****\tsee \\\\server\n');
    expect(out.masks).toEqual([
      { column: 1, rule: 'lineage:public.customers.ssn', style: 'redact', start: 8, end: 12 },
    ]);
  });
  it('scans unmasked fields, keeps NULLs, and passes clean rows untouched', () => {
    const m = copyMasker('copy customers (id, name, notes) to stdout', 3);
    const clean = enc('1\tBob\t\\N\n');
    expect(m.maskCopyData(clean)).toEqual({ data: clean, changed: false, masks: [] });
    expect(dec(m.maskCopyData(enc('2\tEve\tmail eve@x.io\\ttab\n')).data)).toBe('2\tEve\tmail ****\\ttab\n');
  });
  it('masks CSV with a header row, quoting what it writes', () => {
    const m = copyMasker('copy (select name, ssn from customers) to stdout with (format csv, header)', 2);
    expect(dec(m.maskCopyData(enc('name,ssn\n')).data)).toBe('name,ssn\n');
    expect(dec(m.maskCopyData(enc('"Smith, Al",123-45-6789\n')).data)).toBe('"Smith, Al","****"\n');
    expect(dec(m.maskCopyData(enc('Bo,\n')).data)).toBe('Bo,\n'); // NULL stays NULL
  });
  it('fails closed on rows that do not fit the plan', () => {
    const m = copyMasker('copy (select name, ssn from customers) to stdout', 2);
    const out = m.maskCopyData(enc('a\t123-45-6789\textra\n'));
    expect(out.deny).toMatch(/3 columns, the statement 2/);
    expect(dec(out.data)).not.toContain('6789');
  });
});
