import { type ParsedChunkFixed, parseChunkFixed, toIndexEntry } from './chunk-record';
import { CHUNK, HEADER, RecordType, SEAL } from './format';
import { headerRecordLength, type ParsedHeader, parseHeaderRecord } from './header-record';
import type { ByteSource, ChunkIndexEntry, SealInfo } from './recording.types';
import { parseSealRecord, sealRecordLength } from './seal-record';

/** Reads and checks the header record: one read for headers up to 4 KiB. */
export async function readHeader(source: ByteSource): Promise<ParsedHeader | { error: string; truncated: boolean }> {
  const first = await source.read(0, Math.min(source.size, 4096));
  const length = headerRecordLength(first);
  if (typeof length === 'string') return { error: length, truncated: source.size < HEADER.fixedSize };
  if (length > source.size) {
    return { error: `file truncated inside the header (${source.size} of ${length} bytes)`, truncated: true };
  }
  const bytes = length <= first.length ? first.subarray(0, length) : await source.read(0, length);
  const parsed = parseHeaderRecord(bytes);
  return typeof parsed === 'string' ? { error: parsed, truncated: false } : parsed;
}

/** One step of a scan: a record, the clean end of the file, or the reason the scan must stop. */
export type ScanStep =
  | { kind: 'chunk'; offset: number; fixed: ParsedChunkFixed; entry: ChunkIndexEntry }
  | { kind: 'seal'; offset: number; bytes: Uint8Array; seal: SealInfo; trailing: number }
  | { kind: 'end'; offset: number }
  /** The record at `offset` runs past the end of the file: a torn write. */
  | { kind: 'torn'; offset: number; detail: string }
  /** The bytes at `offset` are not a valid record. */
  | { kind: 'corrupt'; offset: number; detail: string };

/** Identifies the record at `offset` reading only its fixed part (one read for a chunk). */
export async function scanRecord(source: ByteSource, offset: number): Promise<ScanStep> {
  const remaining = source.size - offset;
  if (remaining <= 0) return { kind: 'end', offset };
  const fixed = await source.read(offset, Math.min(CHUNK.fixedSize, remaining));
  if (fixed[0] === RecordType.chunk) return chunkStep(fixed, offset, remaining);
  if (fixed[0] === RecordType.seal) return sealStep(source, offset, remaining);
  return { kind: 'corrupt', offset, detail: `unknown record type 0x${(fixed[0] ?? 0).toString(16).padStart(2, '0')}` };
}

function chunkStep(fixed: Uint8Array, offset: number, remaining: number): ScanStep {
  if (fixed.length < CHUNK.fixedSize) {
    return { kind: 'torn', offset, detail: `chunk record cut off (${remaining} of at least ${CHUNK.fixedSize} bytes)` };
  }
  const parsed = parseChunkFixed(fixed);
  if (typeof parsed === 'string') return { kind: 'corrupt', offset, detail: parsed };
  const entry = toIndexEntry(parsed, offset);
  if (entry.length > remaining) {
    return { kind: 'torn', offset, detail: `chunk record cut off (${remaining} of ${entry.length} bytes)` };
  }
  return { kind: 'chunk', offset, fixed: parsed, entry };
}

async function sealStep(source: ByteSource, offset: number, remaining: number): Promise<ScanStep> {
  if (remaining < SEAL.fixedSize) {
    return { kind: 'torn', offset, detail: `seal record cut off (${remaining} of at least ${SEAL.fixedSize} bytes)` };
  }
  const length = sealRecordLength(await source.read(offset, SEAL.fixedSize));
  if (length > remaining)
    return { kind: 'torn', offset, detail: `seal record cut off (${remaining} of ${length} bytes)` };
  const bytes = await source.read(offset, length);
  const seal = parseSealRecord(bytes, offset);
  if (typeof seal === 'string') return { kind: 'corrupt', offset, detail: seal };
  return { kind: 'seal', offset, bytes, seal, trailing: remaining - length };
}

/** Yields every record after the header until the end, a seal, or a record that is torn or corrupt. */
export async function* scanRecords(source: ByteSource, start: number): AsyncGenerator<ScanStep> {
  let offset = start;
  for (;;) {
    const step = await scanRecord(source, offset);
    yield step;
    if (step.kind !== 'chunk') return;
    offset += step.entry.length;
  }
}
