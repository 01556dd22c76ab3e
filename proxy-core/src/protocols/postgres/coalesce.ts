/**
 * Joins byte views that lie back to back in the same buffer (consecutive messages of one socket
 * read) into one view, so a batch goes out as one write without a copy. Views that are not adjacent
 * (a re-encoded, masked message between them) stay separate.
 */
export function coalesce(views: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  // The current run: its first view, and where it ends so far (one view is made per run, not per join).
  let first: Uint8Array | undefined;
  let end = 0;
  for (const v of views) {
    if (v.length === 0) continue;
    if (first && first.buffer === v.buffer && end === v.byteOffset) {
      end += v.length;
      continue;
    }
    if (first) out.push(runOf(first, end));
    first = v;
    end = v.byteOffset + v.length;
  }
  if (first) out.push(runOf(first, end));
  return out;
}

function runOf(first: Uint8Array, end: number): Uint8Array {
  return end === first.byteOffset + first.length
    ? first
    : new Uint8Array(first.buffer, first.byteOffset, end - first.byteOffset);
}

/** One buffer for a batch: the views themselves when they are one run, else a single copy. */
export function joined(views: readonly Uint8Array[]): Uint8Array {
  const runs = coalesce(views);
  if (runs.length === 1) return runs[0] as Uint8Array;
  return Buffer.concat(runs);
}
