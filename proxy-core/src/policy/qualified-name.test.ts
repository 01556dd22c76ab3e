import { describe, expect, it } from 'vitest';
import { compileGlob } from './glob';
import { formatQualifiedName, parseQualifiedName, toNameRef } from './qualified-name';

describe('qualified names', () => {
  it('quotes only what a plain identifier cannot say', () => {
    expect(formatQualifiedName(['public', 'orders'])).toBe('public.orders');
    expect(formatQualifiedName(['Sales', 'a.b', 'say "hi"'])).toBe('"Sales"."a.b"."say ""hi"""');
  });

  it('parses names the way SQL does: unquoted parts fold to lower case, quoted parts are exact', () => {
    expect(parseQualifiedName('Public.Orders')).toEqual([
      { value: 'public', quoted: false },
      { value: 'orders', quoted: false },
    ]);
    expect(parseQualifiedName('"Sales"."a.b"')).toEqual([
      { value: 'Sales', quoted: true },
      { value: 'a.b', quoted: true },
    ]);
    for (const bad of ['', 'a.', '.a', '"open', 'a"b', '"a"b']) expect(parseQualifiedName(bad)).toBeNull();
  });

  it('round-trips what the classifier writes', () => {
    for (const parts of [['t'], ['s', 't'], ['My Schema', 'T.1'], ['db', 's', 't']]) {
      const ref = toNameRef(formatQualifiedName(parts));
      expect(ref).toEqual({ schema: parts.length > 1 ? parts[parts.length - 2] : null, name: parts[parts.length - 1] });
    }
  });
});

describe('globs', () => {
  it('matches names with * anywhere', () => {
    const m = compileGlob('pg_ls_*');
    expect([m('pg_ls_dir'), m('pg_ls_'), m('xpg_ls_dir')]).toEqual([true, true, false]);
    expect(compileGlob('a.b+c')('a.b+c')).toBe(true);
    expect(compileGlob('a.b+c')('aXb+c')).toBe(false);
  });

  it('keeps * within a path segment and lets ** cross segments', () => {
    const one = compileGlob('/users/*', { separator: '/' });
    expect([one('/users/7'), one('/users/7/keys'), one('/users')]).toEqual([true, false, false]);
    const all = compileGlob('/iam/**', { separator: '/' });
    expect([all('/iam'), all('/iam/'), all('/iam/a/b'), all('/iamx')]).toEqual([true, true, true, false]);
  });
});
