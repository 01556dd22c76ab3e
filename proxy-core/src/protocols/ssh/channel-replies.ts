import type { ServerChannel } from 'ssh2';
import { type ChannelContext, RecordChannel } from './channel-context';

/** Exit status of a command Vigil refused, as shells use for "found but cannot execute". */
export const REFUSED_EXIT_STATUS = 126;
/** Exit status when the gateway itself fails (upstream unreachable, session ended), as OpenSSH's ssh uses. */
export const GATEWAY_EXIT_STATUS = 255;

/**
 * Says why on stderr, sets the exit status and closes the channel. The exit status goes only once the
 * message is written: a client may stop reading at exit-status and would miss the reason otherwise.
 */
export function refuse(ctx: ChannelContext, channel: ServerChannel, message: string, status: number): void {
  ctx.session.annotate({ type: 'exit', status, signal: null });
  tellStderr(ctx, channel, `vigil: ${message}\n`, () => {
    channel.exit(status);
    channel.end();
  });
}

export function tellStderr(ctx: ChannelContext, channel: ServerChannel, text: string, written?: () => void): void {
  const bytes = Buffer.from(text, 'utf8');
  ctx.session.serverBytes(bytes, RecordChannel.stderr);
  channel.stderr.write(bytes, written);
}

export function tellTerminal(ctx: ChannelContext, channel: ServerChannel, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  ctx.session.serverBytes(bytes, RecordChannel.terminal);
  channel.write(bytes);
}
