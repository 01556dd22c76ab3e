import { describe, expect, it } from 'vitest';
import { compileCommandSearch, likePattern } from './command-search';
import { StoreError } from './store-error';

describe('compileCommandSearch', () => {
  it('quotes every word so FTS5 syntax is taken literally', () => {
    expect(compileCommandSearch('NEAR(a b) "x" col:*')).toEqual({ words: ['NEAR(a', 'b)', '"x"', 'col:*'] });
    expect(compileCommandSearch('delete  customers\t"ssn')).toEqual({
      words: ['delete', 'customers', '"ssn'],
      fts: '"delete" AND "customers" AND """ssn"',
    });
  });

  it('has no search for blank input', () => {
    expect(compileCommandSearch('  \n ')).toBeUndefined();
    expect(compileCommandSearch('\u0000')).toBeUndefined();
    expect(compileCommandSearch('a\u0000b')?.words).toEqual(['a', 'b']);
  });

  it('leaves words shorter than a trigram to LIKE', () => {
    expect(compileCommandSearch('select *')).toEqual({ words: ['select', '*'] });
    expect(compileCommandSearch('顧客')?.fts).toBeUndefined();
    expect(compileCommandSearch('Müller')?.fts).toBe('"Müller"');
  });

  it('refuses oversized input with a StoreError', () => {
    expect(() => compileCommandSearch('x'.repeat(1001))).toThrow(StoreError);
    expect(() => compileCommandSearch('ab '.repeat(33))).toThrow(/more than 32 words/);
  });

  it('escapes LIKE wildcards', () => {
    expect(likePattern('100%_a\\b')).toBe('%100\\%\\_a\\\\b%');
  });
});
