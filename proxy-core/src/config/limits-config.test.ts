import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

const yaml = (limits: string) => `
auth: { issuer: dev, audience: vigil }
${limits}
connections:
  - name: orders
    type: postgres
    upstream: { host: 127.0.0.1, database: orders, user: app }
    policy: p
policies:
  - name: p
    rules: [{ match: { statements: [select] }, action: allow }]
`;

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
