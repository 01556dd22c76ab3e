import type { ServerChannel } from 'ssh2';
import { type ChannelContext, type ProcessRequest, RecordChannel } from './channel-context';
import { GATEWAY_EXIT_STATUS, refuse, tellStderr, tellTerminal } from './channel-replies';
import { LineGate } from './line-gate';
import { judgeLine } from './line-judge';
import { bridgeProcess } from './process-bridge';

/**
 * Interactive `shell`: the upstream's login shell, with every line the agent enters judged by policy before it
 * runs (see LineGate for how a line is held, refused or released). Known limits, by construction: a line edited
 * with Tab completion or history recall is refused (the gateway cannot know what it became); inside a full-screen
 * program (an editor, a pager) or any program reading the terminal, each Enter is still judged as a shell line,
 * and keys before Enter reach that program; a multi-line construct typed in a terminal is judged line by line
 * (put it on one line); aliases and functions defined earlier in the session are judged by their names.
 */
export function handleShell(ctx: ChannelContext, channel: ServerChannel, req: ProcessRequest): void {
  channel.pause();
  ctx.session.annotate({ type: 'shell', pty: req.pty !== undefined });
  ctx.upstream().then(
    (client) => {
      if (!ctx.live) return;
      client.shell(req.pty ?? false, { env: req.env }, (err, up) => {
        if (err) {
          refuse(ctx, channel, `the upstream did not start a shell: ${err.message}`, GATEWAY_EXIT_STATUS);
          return;
        }
        req.started(up);
        const terminal = req.pty !== undefined;
        let forward = (_bytes: Buffer) => {};
        const lineGate = new LineGate({
          mode: terminal ? 'terminal' : 'lines',
          forward: (bytes) => forward(bytes),
          tell: (text) => (terminal ? tellTerminal(ctx, channel, text) : tellStderr(ctx, channel, text)),
          judge: (line) => judgeLine(ctx, line, terminal),
          end: () => up.end(),
          held: (held) => (held ? channel.pause() : channel.resume()),
        });
        const outputChannel = terminal ? RecordChannel.terminal : RecordChannel.stdout;
        forward = bridgeProcess(ctx, channel, up, { outputChannel, lineGate }).forward;
      });
    },
    (err: Error) => refuse(ctx, channel, err.message, GATEWAY_EXIT_STATUS),
  );
}
