import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { minimalConfig } from './testing/minimal-config';

const yaml = (limits: string) => minimalConfig({ top: limits });

describe('limits in vigil.yaml', () => {
  it('default to 64 MiB per message and 1 MiB of SQL per statement, and take what is given', () => {
    expect(parseConfig(yaml(''), 'vigil.yaml', '/tmp').limits).toMatchObject({
      maxMessageBytes: 64 * 1024 * 1024,
      maxStatementBytes: 1024 * 1024,
    });
    const set = parseConfig(yaml('limits: { maxStatementBytes: 4194304 }'), 'vigil.yaml', '/tmp');
    expect(set.limits).toMatchObject({ maxMessageBytes: 64 * 1024 * 1024, maxStatementBytes: 4 * 1024 * 1024 });
  });

  it.each([
    ['limits: { maxStatementBytes: 10 }', /limits\.maxStatementBytes/],
    ['limits: { maxStatementBytes: 1.5 }', /limits\.maxStatementBytes/],
    ['limits: { maxStatmentBytes: 4096 }', /limits.*maxStatmentBytes/],
  ])('%s is refused, naming the path', (limits, path) => {
    expect(() => parseConfig(yaml(limits), 'vigil.yaml', '/tmp')).toThrow(path);
  });
});
