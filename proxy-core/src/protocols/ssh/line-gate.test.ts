import { describe, expect, it } from 'vitest';
import { LineGate, type LineGateDeps, type LineVerdict } from './line-gate';

/** A LineGate with recording callbacks; `judge` decides by the line's first word. */
function gate(mode: LineGateDeps['mode'], rules: Record<string, 'deny' | 'review'> = {}) {
  const sent: string[] = [];
  const told: string[] = [];
  const judged: string[] = [];
  const reviews: Array<(approved: boolean) => void> = [];
  const withdrawn: number[] = [];
  const pauses: boolean[] = [];
  let ended = false;
  const g = new LineGate({
    mode,
    forward: (b) => sent.push(b.toString()),
    tell: (t) => told.push(t),
    judge: ({ text, uncertain }): LineVerdict => {
      judged.push(uncertain ? `?${text}` : text);
      if (uncertain) return { outcome: 'deny', message: `uncertain: ${uncertain}` };
      const rule = rules[text.trim().split(/\s+/)[0] ?? ''];
      if (rule === 'deny') return { outcome: 'deny', message: `no ${text}` };
      if (rule === 'review') {
        const index = reviews.length;
        let settle: (o: { approved: boolean; message: string }) => void = () => {};
        const decided = new Promise<{ approved: boolean; message: string }>((resolve) => {
          settle = resolve;
        });
        reviews.push((approved) => settle({ approved, message: 'refused' }));
        return {
          outcome: 'review',
          notice: 'held',
          decided,
          withdraw: () => {
            withdrawn.push(index);
            settle({ approved: false, message: 'withdrawn' });
          },
        };
      }
      return { outcome: 'allow' };
    },
    end: () => {
      ended = true;
    },
    held: (held) => pauses.push(held),
  });
  return { g, sent: () => sent.join(''), told, judged, reviews, withdrawn, pauses, ended: () => ended };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('LineGate in a terminal', () => {
  it('passes keys at once and holds only Enter until the line is judged', () => {
    const t = gate('terminal');
    t.g.push(Buffer.from('ls -l'));
    expect(t.sent()).toBe('ls -l');
    expect(t.judged).toEqual([]);
    t.g.push(Buffer.from('\r'));
    expect(t.sent()).toBe('ls -l\r');
    expect(t.judged).toEqual(['ls -l']);
  });

  it('refuses a line: says why, erases it in the shell, asks for a fresh prompt', () => {
    const t = gate('terminal', { rm: 'deny' });
    t.g.push(Buffer.from('rm -rf /\rls\r'));
    expect(t.sent()).toBe('rm -rf /\x15\rls\r');
    expect(t.told).toEqual(['\r\nno rm -rf /\r\n']);
  });

  it('holds a reviewed line and everything typed after it until decided', async () => {
    const t = gate('terminal', { kubectl: 'review' });
    t.g.push(Buffer.from('kubectl delete pod x\rech'));
    t.g.push(Buffer.from('o after\r'));
    expect(t.sent()).toBe('kubectl delete pod x');
    expect(t.told).toEqual(['\r\nheld\r\n']);
    t.reviews[0]?.(true);
    await tick();
    expect(t.sent()).toBe('kubectl delete pod x\recho after\r');
    expect(t.judged).toEqual(['kubectl delete pod x', 'echo after']);
  });

  it('refuses a reviewed line that is not approved, then goes on', async () => {
    const t = gate('terminal', { kubectl: 'review' });
    t.g.push(Buffer.from('kubectl x\rls\r'));
    t.reviews[0]?.(false);
    await tick();
    expect(t.sent()).toBe('kubectl x\x15\rls\r');
    expect(t.told).toEqual(['\r\nheld\r\n', '\r\nrefused\r\n']);
  });

  it('withdraws a held line on Ctrl-C: its request is cancelled, the line erased, and the shell gets the Ctrl-C', async () => {
    const t = gate('terminal', { kubectl: 'review' });
    t.g.push(Buffer.from('kubectl delete ns prod\r'));
    // Keys typed while held are read (not paused) so that the Ctrl-C is seen.
    expect(t.pauses).toEqual([]);
    t.g.push(Buffer.from('\x03'));
    expect(t.withdrawn).toEqual([0]);
    await tick();
    expect(t.told).toEqual(['\r\nheld\r\n', '\r\nwithdrawn\r\n']);
    expect(t.sent()).toBe('kubectl delete ns prod\x15\r\x03');
    // A late approval changes nothing: the line is gone.
    t.reviews[0]?.(true);
    await tick();
    expect(t.sent()).toBe('kubectl delete ns prod\x15\r\x03');
  });

  it('stops reading the agent only once 64 KiB are typed behind a held line', () => {
    const t = gate('terminal', { kubectl: 'review' });
    t.g.push(Buffer.from('kubectl x\r'));
    t.g.push(Buffer.alloc(60 * 1024, 0x61));
    expect(t.pauses).toEqual([]);
    t.g.push(Buffer.alloc(8 * 1024, 0x61));
    expect(t.pauses).toEqual([true]);
  });

  it('refuses lines it cannot know and kills the rest after a moved cursor', () => {
    const t = gate('terminal');
    t.g.push(Buffer.from('ech\t x\r'));
    expect(t.judged).toEqual(['?ech x']);
    expect(t.sent()).toBe('ech\t x\x15\x0b\r');
  });

  it('sends empty lines without asking', () => {
    const t = gate('terminal');
    t.g.push(Buffer.from('\r  \r'));
    expect(t.judged).toEqual([]);
    expect(t.sent()).toBe('\r  \r');
  });
});

describe('LineGate on a shell without a terminal (commands on stdin)', () => {
  it('sends nothing of a line before it is complete and judged', () => {
    const t = gate('lines', { rm: 'deny' });
    t.g.push(Buffer.from('echo o'));
    expect(t.sent()).toBe('');
    t.g.push(Buffer.from('ne\nrm -rf /\necho two\n'));
    expect(t.sent()).toBe('echo one\necho two\n');
    expect(t.told).toEqual(['no rm -rf /\n']);
  });

  it('judges a multi-line construct as one command', () => {
    const t = gate('lines');
    t.g.push(Buffer.from('for i in 1 2; do\n  echo $i\n'));
    expect(t.judged).toEqual([]);
    t.g.push(Buffer.from('done\ncat <<EOF\nrm -rf /\nEOF\n'));
    expect(t.judged).toEqual(['for i in 1 2; do\n  echo $i\ndone', 'cat <<EOF\nrm -rf /\nEOF']);
    expect(t.sent()).toBe('for i in 1 2; do\n  echo $i\ndone\ncat <<EOF\nrm -rf /\nEOF\n');
  });

  it('judges a last line without newline at EOF, then passes EOF on', async () => {
    const t = gate('lines', { kubectl: 'review' });
    t.g.push(Buffer.from('kubectl get x\necho last'));
    t.g.end();
    expect(t.ended()).toBe(false);
    // Input on stdin is a script, not keys: it is not read at all while a line is held.
    expect(t.pauses).toEqual([true]);
    t.reviews[0]?.(true);
    await tick();
    expect(t.pauses).toEqual([true, false]);
    expect(t.sent()).toBe('kubectl get x\necho last');
    expect(t.ended()).toBe(true);
  });
});
