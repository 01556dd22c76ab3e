import type { Writable } from 'node:stream';
import type { ClientChannel, ServerChannel } from 'ssh2';
import { type ChannelContext, RecordChannel } from './channel-context';
import type { LineGate } from './line-gate';
import { MaskedOutput } from './masked-output';
import { throttleToRecorder } from './recorder-throttle';

export interface BridgeOptions {
  /** Recording channel of the upstream's stdout: the terminal (PTY) or stdout. */
  outputChannel: number;
  /** Judges the agent's input line by line; without it input goes straight through. */
  lineGate?: LineGate;
}

/** Exit status and signal as the upstream reported them. */
interface Exit {
  code: number | null;
  signal?: string;
  dump?: boolean;
  desc?: string;
}

/**
 * Joins an agent's exec or shell channel with the upstream's, both ways, with backpressure, until the upstream
 * process ends: output masked and recorded, input recorded (and judged per line when a LineGate is given), EOF,
 * exit status and exit signal passed on.
 */
export function bridgeProcess(
  ctx: ChannelContext,
  channel: ServerChannel,
  up: ClientChannel,
  opts: BridgeOptions,
): {
  forward(bytes: Buffer): void;
} {
  const agentOut = trackWrites(channel);
  const agentErr = trackWrites(channel.stderr);
  const stdout = new MaskedOutput(ctx.session, opts.outputChannel, agentOut.write, ctx.maskOutput);
  const stderr = new MaskedOutput(ctx.session, RecordChannel.stderr, agentErr.write, ctx.maskOutput);
  let exit: Exit | undefined;

  const forward = (bytes: Buffer) => {
    if (!ctx.live || bytes.length === 0) return;
    if (!up.write(bytes)) {
      channel.pause();
      up.once('drain', () => channel.resume());
    }
  };
  const toAgent = (out: MaskedOutput, target: Writable, source: NodeJS.ReadableStream) => (data: Buffer) => {
    if (!ctx.live) return;
    if (!out.push(data)) {
      source.pause();
      target.once('drain', () => source.resume());
    }
    throttleToRecorder(ctx.session, source);
  };

  up.on('data', toAgent(stdout, channel, up));
  up.stderr.on('data', toAgent(stderr, channel.stderr, up.stderr));
  up.on('exit', (code: number | null, signal?: string, dump?: boolean, desc?: string) => {
    exit =
      code === null
        ? { code, ...(signal ? { signal } : {}), ...(dump ? { dump } : {}), ...(desc ? { desc } : {}) }
        : { code };
  });
  up.on('close', () => {
    stdout.flush();
    stderr.flush();
    ctx.session.annotate({ type: 'exit', status: exit?.code ?? null, signal: exit?.signal ?? null });
    // The exit status must follow the last output, so it waits until the agent's window took all of it.
    agentOut.whenWritten(() =>
      agentErr.whenWritten(() => {
        sendExit(channel, exit);
        channel.end();
      }),
    );
  });

  channel.on('data', (data: Buffer) => {
    if (!ctx.live) return;
    ctx.session.clientBytes(data, RecordChannel.terminal);
    if (opts.lineGate) opts.lineGate.push(data);
    else forward(data);
    throttleToRecorder(ctx.session, channel);
  });
  channel.on('end', () => {
    if (opts.lineGate) opts.lineGate.end();
    else up.end();
  });
  const untrack = ctx.track((message) => {
    const bytes = Buffer.from(`\r\nvigil: ${message}\r\n`);
    ctx.session.serverBytes(bytes, RecordChannel.stderr);
    channel.stderr.write(bytes);
    sendExit(channel, { code: 255 });
    channel.end();
    up.close();
  });
  channel.on('close', () => {
    untrack();
    opts.lineGate?.close();
    up.close();
  });
  channel.resume();
  return { forward };
}

/** `exit-status` or `exit-signal` (RFC 4254 §6.10); a signal name ssh2 does not know becomes status 255. */
export function sendExit(channel: ServerChannel, exit: Exit | undefined): void {
  if (!exit) return;
  try {
    if (exit.code !== null) channel.exit(exit.code);
    else if (exit.signal) channel.exit(exit.signal, exit.dump ?? false, exit.desc ?? '');
  } catch {
    channel.exit(255);
  }
}

/**
 * Writes to `stream`, counting the writes not yet done: `whenWritten` calls back once every write so far has been
 * handed on (its callback ran). A Writable's 'drain' is no such signal: it fires only after a write returned false,
 * so output buffered below the high-water mark would never report itself gone.
 */
export function trackWrites(stream: Writable): { write(bytes: Buffer): boolean; whenWritten(done: () => void): void } {
  let pending = 0;
  const waiting: Array<() => void> = [];
  const written = () => {
    pending--;
    if (pending === 0) for (const done of waiting.splice(0)) done();
  };
  return {
    write(bytes) {
      pending++;
      return stream.write(bytes, written);
    },
    whenWritten(done) {
      if (pending === 0) done();
      else waiting.push(done);
    },
  };
}
