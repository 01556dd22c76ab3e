import { describe, expect, it } from 'vitest';
import { duplicateJsonKey } from './json-duplicate-keys';

describe('duplicateJsonKey', () => {
  it('finds a name given twice in one object, at any depth, compared decoded', () => {
    expect(duplicateJsonKey('{"role":"viewer","role":"admin"}')).toBe('role');
    expect(duplicateJsonKey('{"a":[{"x":1},{"b":{"role":1,"r\\u006fle":2}}]}')).toBe('role');
    expect(duplicateJsonKey('[{"k":1,"k":2}]')).toBe('k');
  });

  it('lets equal names in different objects, values that look like names, and escapes pass', () => {
    expect(duplicateJsonKey('{"a":{"id":1},"b":{"id":2},"id":3}')).toBeUndefined();
    expect(duplicateJsonKey('{"a":"role","role":"a"}')).toBeUndefined();
    expect(duplicateJsonKey('{"q":"say \\"hi\\", \\"role\\":1","role":2}')).toBeUndefined();
    expect(duplicateJsonKey('["role","role"]')).toBeUndefined();
    expect(duplicateJsonKey('{}')).toBeUndefined();
    expect(duplicateJsonKey('[]')).toBeUndefined();
  });
});
