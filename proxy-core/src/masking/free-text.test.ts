import { describe, expect, it } from 'vitest';
import { compileDetectors } from './detectors/index';
import { maskFreeText } from './free-text';

const detectors = compileDetectors(['email', 'us_ssn', 'credit_card']);

describe('free text (errors, notices, notifications)', () => {
  it('masks detector hits in any message', () => {
    const out = maskFreeText('Key (email)=(bob@example.com) already exists.', { detectors, style: 'redact' });
    expect(out.text).toBe('Key (email)=(****) already exists.');
    expect(out.masks).toEqual([{ column: -1, rule: 'detector:email', style: 'redact', start: 13, end: 17 }]);
    expect(maskFreeText('nothing here', { detectors, style: 'redact' })).toEqual({
      text: 'nothing here',
      changed: false,
      masks: [],
    });
  });
  it('strict mode also masks the values PostgreSQL quotes', () => {
    const strict = { detectors, style: 'redact' as const, strict: true };
    expect(maskFreeText('invalid input syntax for type integer: "Abc Def 42"', strict).text).toBe(
      'invalid input syntax for type integer: "****"',
    );
    expect(maskFreeText('Key (notes)=(secret stuff) already exists.', strict).text).toBe(
      'Key (notes)=(****) already exists.',
    );
    expect(maskFreeText('Failing row contains (1, Alice, null).', strict).text).toBe('Failing row contains (****).');
  });
});
