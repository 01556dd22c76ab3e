/**
 * Content-detector masking of text bodies too large to hold (or not JSON): chunk by chunk, keeping a tail of
 * `overlap` characters back so a secret split across two chunks is still seen whole. Text is handled as latin1
 * (one character per byte), so every byte that is not masked passes through exactly, whatever the charset.
 */
import type { TextMask, TextMasker } from './http-listener.types';

/** A masked span in the body the agent receives: UTF-8/byte offsets from the start of the body. */
export interface MaskSpan {
  rule: string;
  start: number;
  end: number;
}

export interface TextStreamOptions {
  maskText: TextMasker;
  /** Characters held back between chunks; secrets longer than this may be missed across a chunk boundary. */
  overlap: number;
  /** After this long without new bytes, what is held back is sent (up to its last newline, if it has one). */
  idleFlushMs: number;
  onMasks(spans: readonly MaskSpan[]): void;
}

export const DEFAULT_OVERLAP = 4096;
const DEFAULT_IDLE_FLUSH_MS = 50;

/** `text[0, cut)` with the masks inside it applied; spans are byte offsets in the output, from `base`. */
export function applyMasks(
  text: string,
  masks: readonly TextMask[],
  cut: number,
  base: number,
): { out: string; spans: MaskSpan[] } {
  let out = '';
  let at = 0;
  const spans: MaskSpan[] = [];
  for (const m of masks) {
    if (m.end > cut) break;
    if (m.start < at) continue;
    out += text.slice(at, m.start);
    spans.push({ rule: m.rule, start: base + out.length, end: base + out.length + m.replacement.length });
    out += m.replacement;
    at = m.end;
  }
  return { out: out + text.slice(at, cut), spans };
}

/** Where to stop this round: `wanted`, moved so that no detected secret is cut in two. */
function cutPoint(masks: readonly TextMask[], wanted: number): number {
  let cut = wanted;
  for (const m of masks) {
    if (m.start < cut && m.end > cut) cut = m.start > 0 ? m.start : m.end;
  }
  return cut;
}

export async function* maskTextStream(
  source: AsyncIterable<Buffer>,
  options: Partial<TextStreamOptions> & Pick<TextStreamOptions, 'maskText' | 'onMasks'>,
): AsyncGenerator<Buffer> {
  const overlap = options.overlap ?? DEFAULT_OVERLAP;
  const idleMs = options.idleFlushMs ?? DEFAULT_IDLE_FLUSH_MS;
  const it = source[Symbol.asyncIterator]();
  let carry = '';
  let written = 0;
  const emit = (upTo: 'tail' | 'line' | 'all'): Buffer | undefined => {
    if (carry === '') return undefined;
    const { masks } = options.maskText(carry);
    let cut = carry.length;
    if (upTo === 'tail') cut = cutPoint(masks, carry.length - overlap);
    else if (upTo === 'line') cut = cutPoint(masks, carry.lastIndexOf('\n') + 1 || carry.length);
    const { out, spans } = applyMasks(
      carry,
      masks.filter((m) => m.end <= cut),
      cut,
      written,
    );
    carry = carry.slice(cut);
    if (spans.length > 0) options.onMasks(spans);
    written += out.length;
    return out === '' ? undefined : Buffer.from(out, 'latin1');
  };
  let pending = it.next();
  for (;;) {
    const next = carry === '' ? await pending : await raceIdle(pending, idleMs);
    if (next === 'idle') {
      const out = emit('line');
      if (out) yield out;
      continue;
    }
    if (next.done) break;
    pending = it.next();
    carry += next.value.toString('latin1');
    if (carry.length > 2 * overlap) {
      const out = emit('tail');
      if (out) yield out;
    }
  }
  const out = emit('all');
  if (out) yield out;
}

async function raceIdle<T>(pending: Promise<T>, ms: number): Promise<T | 'idle'> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<'idle'>((resolve) => {
    timer = setTimeout(() => resolve('idle'), ms);
  });
  try {
    return await Promise.race([pending, idle]);
  } finally {
    clearTimeout(timer);
  }
}
