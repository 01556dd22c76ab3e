/**
 * Joins byte views that lie back to back in the same buffer (consecutive messages of one socket
 * read) into one view, so a batch goes out as one write without a copy. Views that are not adjacent
 * (a re-encoded, masked message between them) stay separate.
 */
export function coalesce(views: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let run: Uint8Array | undefined;
  for (const v of views) {
    if (v.length === 0) continue;
    if (run && run.buffer === v.buffer && run.byteOffset + run.length === v.byteOffset) {
      run = new Uint8Array(run.buffer, run.byteOffset, run.length + v.length);
      continue;
    }
    if (run) out.push(run);
    run = v;
  }
  if (run) out.push(run);
  return out;
}

/** One buffer for a batch: the views themselves when they are one run, else a single copy. */
export function joined(views: readonly Uint8Array[]): Uint8Array {
  const runs = coalesce(views);
  if (runs.length === 1) return runs[0] as Uint8Array;
  return Buffer.concat(runs);
}
