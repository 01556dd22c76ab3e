import { byteSourceFromBytes } from '../../byte-source';
import { concatBytes } from '../../bytes';
import { openRecording, type Recording } from '../../recording-reader';
import { createRecordingWriter } from '../../recording-writer';
import { TEST_SIGNER, testHeader } from '../../testing/recording-builder';
import { storeCompressor } from '../../zstd';

const text = (s: string) => new TextEncoder().encode(s);

/** What the synthetic terminal session printed, in order (stdout and stderr): what a player must show. */
export const TERMINAL_OUTPUT =
  'Welcome to build-host\r\n$ ls\r\ncafé  notes.txt\r\n$ rm -rf /\r\nrm: refused by Vigil policy\r\n$ exit\r\n';

/**
 * A synthetic SSH terminal recording: resizes, output on stdout and stderr (with a UTF-8 character split
 * across two frames), typed input, a command, a held-and-decided approval; several chunks.
 */
export async function terminalRecording(): Promise<{ bytes: Uint8Array; recording: Recording }> {
  const w = createRecordingWriter({
    header: testHeader({
      sessionId: 'ses_term',
      protocol: 'ssh',
      connection: 'build-host',
      terminal: { cols: 100, rows: 30, term: 'xterm-256color' },
    }),
    compressor: storeCompressor,
  });
  const chunks: Uint8Array[] = [];
  const flush = () => {
    const c = w.flushChunk();
    if (c) chunks.push(c);
  };
  const cafe = text('café  notes.txt\r\n');
  const split = cafe.indexOf(0xc3) + 1; // between the two bytes of "é"
  w.appendResize(0, 100, 30);
  w.appendBytes(1_000, 'server', text('Welcome to build-host\r\n$ '));
  w.appendBytes(500_000, 'client', text('l'));
  w.appendBytes(600_000, 'client', text('s\r'));
  w.appendBytes(600_100, 'server', text('ls\r\n'));
  w.appendAnnotation(600_200, { type: 'command', frame: 3, text: 'ls', decision: 'allow', rule: 'shell#3' });
  flush();
  w.appendBytes(700_000, 'server', cafe.subarray(0, split));
  w.appendBytes(700_010, 'server', cafe.subarray(split));
  w.appendResize(800_000, 120, 40);
  w.appendBytes(900_000, 'server', text('$ '));
  w.appendBytes(1_500_000, 'client', text('rm -rf /\r'));
  w.appendBytes(1_500_100, 'server', text('rm -rf /\r\n'));
  w.appendAnnotation(1_500_200, { type: 'approval.requested', requestId: 'apr_1', text: 'rm -rf /', rule: 'shell#1' });
  flush();
  w.appendAnnotation(4_000_000, {
    type: 'approval.decided',
    requestId: 'apr_1',
    decision: 'deny',
    approver: 'alice',
    reason: 'no',
  });
  w.appendBytes(4_000_100, 'server', text('rm: refused by Vigil policy\r\n'), 1);
  w.appendBytes(4_100_000, 'server', text('$ '));
  w.appendBytes(5_000_000, 'client', text('exit\r'));
  w.appendBytes(5_000_100, 'server', text('exit\r\n'));
  flush();
  const seal = w.seal({
    endedAtUs: testHeader().startedAtUs + 6_000_000,
    interrupted: false,
    reason: 'client disconnected',
    ...TEST_SIGNER,
  });
  const bytes = concatBytes(w.headerBytes(), ...chunks, seal.bytes);
  return { bytes, recording: await openRecording(byteSourceFromBytes(bytes)) };
}
