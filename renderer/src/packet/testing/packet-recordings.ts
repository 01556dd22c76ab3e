import {
  byteSourceFromBytes,
  createRecordingWriter,
  ed25519Signer,
  openRecording,
  type Recording,
  type RecordingWriter,
  storeCompressor,
} from '@vigil/recordings';
import {
  commandComplete,
  dataRow,
  query,
  readyForQuery,
  rowDescription,
  startup,
} from '../../pg-wire/testing/pg-bytes';

/** A fixed test key (never use outside tests): recordings built here are the same bytes every run. */
const SIGNER = ed25519Signer(Uint8Array.from({ length: 32 }, (_, i) => 100 + i));
const STARTED_AT = '2025-03-04T05:06:07.000Z';
const utf8 = new TextEncoder();

export interface BuiltRecording {
  bytes: Uint8Array;
  recording: Recording;
}

async function build(
  header: { sessionId: string; protocol: string },
  write: (w: RecordingWriter, flush: () => void) => void,
): Promise<BuiltRecording> {
  const w = createRecordingWriter({
    header: {
      ...header,
      connection: 'orders-db',
      principal: 'agent-1',
      startedAt: STARTED_AT,
      startedAtUs: Date.parse(STARTED_AT) * 1000,
    },
    compressor: storeCompressor,
  });
  const parts: Uint8Array[] = [w.headerBytes()];
  const flush = () => {
    const chunk = w.flushChunk();
    if (chunk) parts.push(chunk);
  };
  write(w, flush);
  flush();
  parts.push(
    w.seal({ endedAtUs: Date.parse(STARTED_AT) * 1000 + 5_000_000, interrupted: false, reason: 'done', ...SIGNER })
      .bytes,
  );
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return { bytes, recording: await openRecording(byteSourceFromBytes(bytes)) };
}

/**
 * A PostgreSQL session as the gateway records one: startup, a SELECT of a masked column (the recorded rows
 * are already masked; mask annotations say which cells), in three chunks.
 * Frames: 0 startup · 1 auth ok · 2 Query · 3 command · 4 rows · 5, 6 masks · 7 complete · 8 session.end
 */
export function pgRecording(): Promise<BuiltRecording> {
  return build({ sessionId: 'ses_pg', protocol: 'postgres' }, (w, flush) => {
    w.appendBytes(0, 'client', startup({ user: 'agent-1', database: 'shop' }));
    w.appendBytes(1_000, 'server', new Uint8Array([0x52, 0, 0, 0, 8, 0, 0, 0, 0, ...readyForQuery()]));
    w.appendBytes(10_000, 'client', query('select email from customers'));
    w.appendAnnotation(10_100, {
      type: 'command',
      frame: 2,
      text: 'select email from customers',
      decision: 'allow',
      rule: 'reads',
      reason: 'read-only statement',
      statements: [{ kind: 'select', tables: ['customers'] }],
      actions: ['mask'],
    });
    flush();
    w.appendBytes(
      12_000,
      'server',
      concatAll(rowDescription([{ name: 'email' }]), dataRow(['a***@example.com']), dataRow(['g***@example.org'])),
    );
    for (const row of [0, 1]) {
      w.appendAnnotation(12_100, { type: 'mask', frame: 4, message: row + 1, row, column: 0, rule: 'customers.email' });
    }
    w.appendBytes(12_200, 'server', concatAll(commandComplete('SELECT 2'), readyForQuery()));
    flush();
    w.appendAnnotation(20_000, { type: 'session.end', reason: 'client closed' });
  });
}

/** A terminal (ssh) session with an output frame longer than the 4 KiB of hex the API sends. */
export function terminalRecording(longOutput: string): Promise<BuiltRecording> {
  return build({ sessionId: 'ses_ssh', protocol: 'ssh' }, (w) => {
    w.appendResize(0, 100, 30);
    w.appendBytes(1_000, 'server', utf8.encode('$ '));
    w.appendBytes(2_000, 'client', utf8.encode('cat big.txt\r'));
    w.appendBytes(3_000, 'server', utf8.encode(longOutput));
  });
}

function concatAll(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
