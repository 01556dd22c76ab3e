import { describe, expect, it } from 'vitest';
import {
  gatewayOriginArg,
  gatewayOriginFromArgv,
  IPC,
  MAX_EVIDENCE_SESSIONS,
  parsePendingCount,
  parseSaveEvidenceRequest,
  parseSaveEvidenceResult,
} from './ipc-contract';

const ID = '01JD5Z6Q0X8V3T2R1P0N9M8K7J';

describe('IPC channels', () => {
  it('are distinct and namespaced', () => {
    const names = Object.values(IPC);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^vigil:/);
  });
});

describe('parseSaveEvidenceRequest', () => {
  it('accepts a list of session ids', () => {
    expect(parseSaveEvidenceRequest({ sessionIds: [ID, 'abc_DEF-1'] })).toEqual({
      ok: true,
      value: { sessionIds: [ID, 'abc_DEF-1'] },
    });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', ID],
    ['an array', [ID]],
    ['no sessionIds', {}],
    ['sessionIds not an array', { sessionIds: ID }],
    ['an empty list', { sessionIds: [] }],
    ['a number id', { sessionIds: [42] }],
    ['an empty id', { sessionIds: [''] }],
    ['a path', { sessionIds: ['../../etc/passwd'] }],
    ['a dotted id', { sessionIds: ['a.b'] }],
    ['a query string', { sessionIds: ['a?x=1'] }],
    ['an id too long', { sessionIds: ['a'.repeat(65)] }],
    ['a nested array', { sessionIds: [[ID]] }],
    ['a duplicate', { sessionIds: [ID, ID] }],
    ['an extra field', { sessionIds: [ID], path: '/tmp/x.zip' }],
    [
      'a class instance',
      new (class {
        sessionIds = [ID];
      })(),
    ],
    ['too many sessions', { sessionIds: Array.from({ length: MAX_EVIDENCE_SESSIONS + 1 }, (_, i) => `s${i}`) }],
  ])('rejects %s', (_name, payload) => {
    const parsed = parseSaveEvidenceRequest(payload);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toBeTruthy();
  });

  it('accepts the largest allowed packet', () => {
    const ids = Array.from({ length: MAX_EVIDENCE_SESSIONS }, (_, i) => `s${i}`);
    expect(parseSaveEvidenceRequest({ sessionIds: ids }).ok).toBe(true);
  });
});

describe('parseSaveEvidenceResult', () => {
  it('accepts saved, cancelled and failed results', () => {
    expect(parseSaveEvidenceResult({ saved: true, path: '/tmp/p.zip' })).toEqual({
      ok: true,
      value: { saved: true, path: '/tmp/p.zip' },
    });
    expect(parseSaveEvidenceResult({ saved: false })).toEqual({ ok: true, value: { saved: false } });
    expect(parseSaveEvidenceResult({ saved: false, error: 'sign in first' })).toMatchObject({ ok: true });
  });

  it.each([
    ['null', null],
    ['no saved flag', { path: '/x' }],
    ['saved as a string', { saved: 'true', path: '/x' }],
    ['saved without a path', { saved: true }],
    ['an empty path', { saved: true, path: '' }],
    ['a numeric path', { saved: true, path: 1 }],
    ['an object error', { saved: false, error: { message: 'x' } }],
  ])('rejects %s', (_name, payload) => {
    expect(parseSaveEvidenceResult(payload).ok).toBe(false);
  });

  it('drops fields it does not know and caps the error text', () => {
    const parsed = parseSaveEvidenceResult({ saved: false, error: 'x'.repeat(10_000), extra: '<script>' });
    expect(parsed.ok && parsed.value).toEqual({ saved: false, error: 'x'.repeat(2000) });
  });
});

describe('parsePendingCount', () => {
  it('accepts non-negative integers', () => {
    expect(parsePendingCount(0)).toEqual({ ok: true, value: 0 });
    expect(parsePendingCount(7)).toEqual({ ok: true, value: 7 });
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], ['3'], [null], [undefined], [{}], [1e9]])(
    'rejects %s',
    (payload) => {
      expect(parsePendingCount(payload).ok).toBe(false);
    },
  );
});

describe('the gateway origin on the renderer command line', () => {
  it('round-trips an origin', () => {
    const argv = ['/opt/Vigil/vigil', '--type=renderer', gatewayOriginArg('http://127.0.0.1:41234')];
    expect(gatewayOriginFromArgv(argv)).toBe('http://127.0.0.1:41234');
  });

  it.each([
    [[]],
    [['--vigil-gateway-origin=']],
    [['--vigil-gateway-origin=http://127.0.0.1:41234/path']],
    [['--vigil-gateway-origin=file:///tmp']],
    [['--vigil-gateway-origin=javascript:alert(1)']],
    [['--vigil-gateway-origin=not a url']],
  ])('finds none in %j', (argv) => {
    expect(gatewayOriginFromArgv(argv)).toBeUndefined();
  });
});
