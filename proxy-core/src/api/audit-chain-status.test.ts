import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditFilter } from '../audit/audit.types';
import { openTempStore, type TempStore } from '../store/temp-store';
import { AuditChainChecker } from './audit-chain-status';

describe('AuditChainChecker', () => {
  let temp: TempStore;
  beforeEach(() => {
    temp = openTempStore();
  });
  afterEach(() => {
    temp.remove();
  });

  const append = (n: number) => {
    for (let i = 0; i < n; i++) temp.store.appendAudit({ type: 'test.event', actor: 'ada', data: { i } });
  };

  /** The real store, with reads counted and one stored event replaced on the way out (a tampered row). */
  function observed(tamper?: (e: AuditEvent) => AuditEvent) {
    const reads: AuditFilter[] = [];
    return {
      reads,
      store: {
        auditHead: () => temp.store.auditHead(),
        listAudit: (filter?: AuditFilter) => {
          reads.push(filter ?? {});
          const events = temp.store.listAudit(filter);
          return tamper ? events.map(tamper) : events;
        },
      },
    };
  }

  it('verifies an empty log and a long one from genesis, page by page', async () => {
    expect(await new AuditChainChecker(temp.store).status()).toEqual({ ok: true, checked: 0, headSeq: 0 });
    append(25);
    const { store, reads } = observed();
    const checker = new AuditChainChecker(store, { pageSize: 10 });
    expect(await checker.status()).toEqual({ ok: true, checked: 25, headSeq: 25 });
    expect(reads.map((r) => r.afterSeq)).toEqual([0, 10, 20]);
  });

  it('reuses the result while the head is unchanged and checks only appended events', async () => {
    append(5);
    const { store, reads } = observed();
    const checker = new AuditChainChecker(store, { pageSize: 100 });
    await checker.status();
    await checker.status();
    expect(reads).toHaveLength(1);
    append(3);
    expect(await checker.status()).toEqual({ ok: true, checked: 8, headSeq: 8 });
    expect(reads.at(-1)?.afterSeq).toBe(5);
  });

  it('walks the whole chain again after fullEveryMs', async () => {
    append(4);
    let now = 0;
    const { store, reads } = observed();
    const checker = new AuditChainChecker(store, { fullEveryMs: 1000, now: () => now });
    await checker.status();
    now = 2000;
    await checker.status();
    expect(reads.map((r) => r.afterSeq)).toEqual([0, 0]);
  });

  it('reports an altered event with its seq', async () => {
    append(6);
    const { store } = observed((e) => (e.seq === 4 ? { ...e, actor: 'mallory' } : e));
    const status = await new AuditChainChecker(store, { pageSize: 2 }).status();
    expect(status).toMatchObject({ ok: false, checked: 3, firstBadSeq: 4, headSeq: 6 });
    expect(status.problem).toMatch(/hash mismatch/);
  });

  it('reports events missing from the middle of the log', async () => {
    append(6);
    const { store } = observed();
    const gap = { ...store, listAudit: (f?: AuditFilter) => store.listAudit(f).filter((e) => e.seq !== 3) };
    const status = await new AuditChainChecker(gap, { pageSize: 100 }).status();
    expect(status).toMatchObject({ ok: false, checked: 2, firstBadSeq: 4 });
  });
});
