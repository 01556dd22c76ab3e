import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { minimalConfig } from './testing/minimal-config';

const yaml = (upstreamExtra: string) => minimalConfig({ upstream: upstreamExtra });

describe('upstream.pool in vigil.yaml', () => {
  it('is absent (no pooling) unless configured, and takes defaults for what is left out', () => {
    const off = parseConfig(yaml(''), 'vigil.yaml', '/tmp');
    const on = parseConfig(yaml(', pool: { maxIdle: 8 }'), 'vigil.yaml', '/tmp');
    const [offConnection] = off.connections;
    const [onConnection] = on.connections;
    expect(offConnection?.type === 'postgres' && offConnection.upstream.pool).toBeUndefined();
    expect(onConnection?.type === 'postgres' && onConnection.upstream.pool).toEqual({
      maxIdle: 8,
      idleTimeoutMs: 60_000,
    });
  });

  it.each([
    [', pool: { maxIdle: -1 }', /connections\[0\]\.upstream\.pool\.maxIdle/],
    [', pool: { maxIdle: 2, idleTimeoutMs: 0 }', /connections\[0\]\.upstream\.pool\.idleTimeoutMs/],
    [', pool: { maxIdle: 2, size: 4 }', /connections\[0\]\.upstream\.pool.*size/],
  ])('%s is refused, naming the path', (extra, path) => {
    expect(() => parseConfig(yaml(extra), 'vigil.yaml', '/tmp')).toThrow(path);
  });
});
