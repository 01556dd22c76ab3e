import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit.types';
import { computeAuditHash, GENESIS_HASH, type UnhashedAuditEvent, verifyAuditChain } from './audit-chain';
import { sha256Hex } from './node-sha256';

function chain(n: number, start = 1, prevHash = GENESIS_HASH): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prev = prevHash;
  for (let seq = start; seq < start + n; seq++) {
    const unhashed: UnhashedAuditEvent = {
      seq,
      id: `e${seq}`,
      time: '2030-01-01T00:00:00.000Z',
      type: 'statement',
      actor: 'agent-7',
      ...(seq % 2 === 0 ? { sessionId: 's1' } : {}),
      data: { sql: `SELECT ${seq}` },
      prevHash: prev,
    };
    const event = { ...unhashed, hash: computeAuditHash(unhashed, sha256Hex) };
    events.push(event);
    prev = event.hash;
  }
  return events;
}

describe('audit chain', () => {
  it('hashes prevHash followed by the canonical event without its hash (test vector)', () => {
    const event: UnhashedAuditEvent = {
      seq: 1,
      id: '01',
      time: '2030-01-01T00:00:00.000Z',
      type: 'auth.success',
      actor: 'system',
      data: { b: 2, a: 1 },
      prevHash: GENESIS_HASH,
    };
    const text = `${GENESIS_HASH}{"actor":"system","data":{"a":1,"b":2},"id":"01","prevHash":"${GENESIS_HASH}","seq":1,"time":"2030-01-01T00:00:00.000Z","type":"auth.success"}`;
    expect(computeAuditHash(event, sha256Hex)).toBe(sha256Hex(text));
    expect(computeAuditHash({ ...event, extra: 'ignored' } as UnhashedAuditEvent, sha256Hex)).toBe(sha256Hex(text));
  });

  it('accepts an intact chain and reports its head', () => {
    const events = chain(5);
    expect(verifyAuditChain(events, { sha256Hex })).toEqual({
      ok: true,
      checked: 5,
      head: { seq: 5, hash: events[4]?.hash },
    });
    expect(verifyAuditChain([], { sha256Hex })).toEqual({ ok: true, checked: 0 });
  });

  it('verifies a range that links to an expected previous hash', () => {
    const events = chain(10);
    const tail = events.slice(5);
    expect(verifyAuditChain(tail, { sha256Hex, expectedPrevHash: events[4]?.hash ?? '' }).ok).toBe(true);
    expect(verifyAuditChain(tail, { sha256Hex, expectedPrevHash: GENESIS_HASH })).toMatchObject({
      ok: false,
      firstBadSeq: 6,
      checked: 0,
    });
  });

  it.each<[string, (events: AuditEvent[]) => AuditEvent[], number, number, RegExp]>([
    [
      'an edited field',
      (e) => e.map((x) => (x.seq === 3 ? { ...x, actor: 'someone-else' } : x)),
      3,
      2,
      /hash mismatch/,
    ],
    ['edited data', (e) => e.map((x) => (x.seq === 4 ? { ...x, data: { sql: 'DROP' } } : x)), 4, 3, /hash mismatch/],
    ['a removed optional field', (e) => e.map(({ sessionId: _, ...x }) => x), 2, 1, /hash mismatch/],
    ['a deleted event', (e) => e.filter((x) => x.seq !== 3), 4, 2, /missing or out of order/],
    ['reordered events', (e) => [e[0], e[2], e[1], e[3]].filter((x) => x !== undefined), 3, 1, /out of order/],
    ['a forged first event', (e) => [{ ...e[0], prevHash: 'f'.repeat(64) } as AuditEvent, ...e.slice(1)], 1, 0, /link/],
    ['a rehashed edit', (e) => rehashed(e, 2), 3, 2, /does not link/],
  ])('detects %s', (_name, tamper, firstBadSeq, checked, problem) => {
    const result = verifyAuditChain(tamper(chain(5)), { sha256Hex });
    expect(result).toMatchObject({ ok: false, firstBadSeq, checked });
    expect(result.problem).toMatch(problem);
  });
});

/** An attacker who edits event `seq` and recomputes its hash still breaks the next link. */
function rehashed(events: AuditEvent[], seq: number): AuditEvent[] {
  return events.map((x) => {
    if (x.seq !== seq) return x;
    const edited = { ...x, data: { sql: 'SELECT 0' } };
    return { ...edited, hash: computeAuditHash(edited, sha256Hex) };
  });
}
