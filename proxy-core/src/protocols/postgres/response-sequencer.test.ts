import { describe, expect, it } from 'vitest';
import { ResponseSequencer } from './response-sequencer';

const tag = (s: string) => () => new TextEncoder().encode(s);
const text = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p));

describe('ResponseSequencer', () => {
  it('answers at once when the upstream owes nothing', () => {
    const seq = new ResponseSequencer();
    expect(text(seq.reply(tag('denied')))).toEqual(['denied']);
  });

  it('holds a made-up reply until the earlier upstream replies are through', () => {
    const seq = new ResponseSequencer();
    seq.forwardedSyncPoint();
    seq.forwardedSyncPoint();
    expect(seq.reply(tag('denied'))).toEqual([]);
    expect(seq.afterReadyForQuery(0x49)).toEqual([]);
    expect(text(seq.afterReadyForQuery(0x54))).toEqual(['denied']);
    expect(seq.owed).toBe(0);
  });

  it('passes the latest transaction status to the made-up reply', () => {
    const seq = new ResponseSequencer();
    seq.forwardedSyncPoint();
    const seen: number[] = [];
    seq.reply((status) => {
      seen.push(status);
      return new Uint8Array();
    });
    seq.afterReadyForQuery(0x54);
    expect(seen).toEqual([0x54]);
  });

  it('injects a refused batch message before the ReadyForQuery answering its Sync', () => {
    const seq = new ResponseSequencer();
    seq.forwardedSyncPoint(); // an earlier batch
    seq.injectBeforeNextSyncReply(tag('error in batch 2'));
    seq.forwardedSyncPoint(); // the Sync of batch 2
    expect(seq.beforeReadyForQuery()).toEqual([]);
    seq.afterReadyForQuery(0x49);
    expect(text(seq.beforeReadyForQuery())).toEqual(['error in batch 2']);
    seq.afterReadyForQuery(0x49);
    expect(seq.owed).toBe(0);
  });

  it('drops the error of a refused batch message when the server already failed the batch (it would have skipped it)', () => {
    const seq = new ResponseSequencer();
    seq.injectBeforeNextSyncReply(tag('refused Bind'));
    seq.forwardedSyncPoint();
    const earlier = new TextEncoder().encode('E: the Parse forwarded before the refused Bind failed');
    expect(seq.upstreamError(earlier)).toBe(earlier);
    expect(seq.beforeReadyForQuery()).toEqual([]);
    seq.afterReadyForQuery(0x49);
    seq.injectBeforeNextSyncReply(tag('refused in the next batch'));
    seq.forwardedSyncPoint();
    expect(text(seq.beforeReadyForQuery())).toEqual(['refused in the next batch']);
  });

  it("turns the poison's error into the refusal, and passes an earlier error of the batch as the server's", () => {
    const seq = new ResponseSequencer();
    const refusal = new TextEncoder().encode('42501 refused');
    const poisonError = new TextEncoder().encode('syntax error at or near "vigil_refused_1"');
    seq.poisonBatch({ token: 'vigil_refused_1', error: refusal });
    seq.forwardedSyncPoint();
    expect(seq.upstreamError(poisonError)).toBe(refusal);
    seq.afterReadyForQuery(0x45);
    seq.forwardedSyncPoint({ token: 'vigil_refused_2', error: refusal });
    const earlier = new TextEncoder().encode('23505 duplicate key');
    expect(seq.upstreamError(earlier)).toBe(earlier);
    seq.afterReadyForQuery(0x45);
    expect(seq.owed).toBe(0);
  });

  it('keeps several made-up replies in request order', () => {
    const seq = new ResponseSequencer();
    seq.forwardedSyncPoint();
    seq.reply(tag('a'));
    seq.forwardedSyncPoint();
    seq.reply(tag('b'));
    expect(text(seq.afterReadyForQuery(0x49))).toEqual(['a']);
    expect(text(seq.afterReadyForQuery(0x49))).toEqual(['b']);
  });
});
