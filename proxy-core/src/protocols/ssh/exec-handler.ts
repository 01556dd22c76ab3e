import type { ServerChannel } from 'ssh2';
import { parseShellCommand } from '../../shell/shell-command';
import {
  awaitApproval,
  type ChannelContext,
  checkCommand,
  type ProcessRequest,
  RecordChannel,
} from './channel-context';
import { GATEWAY_EXIT_STATUS, REFUSED_EXIT_STATUS, refuse, tellStderr, tellTerminal } from './channel-replies';
import { LineGate } from './line-gate';
import { judgeLine } from './line-judge';
import { bridgeProcess } from './process-bridge';

/**
 * `exec`: the command is judged before anything reaches the upstream. Deny → the reason on stderr and exit
 * status 126; review → a notice on stderr, then the exec waits (the agent's stdin is held) for the decision;
 * allow / approved → exactly that command runs upstream. A command that makes a shell read its commands from
 * stdin (`ssh host bash < script`) has that input judged line by line too.
 */
export function handleExec(ctx: ChannelContext, channel: ServerChannel, command: string, req: ProcessRequest): void {
  channel.pause();
  const frame = ctx.session.annotate({ type: 'exec', command, pty: req.pty !== undefined });
  const verdict = checkCommand(ctx, command, 'exec', frame);
  switch (verdict.outcome) {
    case 'allow':
      start(ctx, channel, command, req);
      return;
    case 'deny':
      refuse(ctx, channel, verdict.message, REFUSED_EXIT_STATUS);
      return;
    case 'review': {
      tellStderr(ctx, channel, `vigil: held for approval: ${verdict.notice}\n`);
      // An agent that gave up waiting (closed the channel) does not get the command run later.
      let gone = false;
      channel.once('close', () => {
        gone = true;
      });
      void awaitApproval(ctx, verdict).then((outcome) => {
        if (!ctx.live || gone) return;
        if (outcome.approved) start(ctx, channel, command, req);
        else refuse(ctx, channel, outcome.message, REFUSED_EXIT_STATUS);
      });
      return;
    }
  }
}

function start(ctx: ChannelContext, channel: ServerChannel, command: string, req: ProcessRequest): void {
  const opts = { env: req.env, ...(req.pty ? { pty: req.pty } : {}) };
  ctx.upstream().then(
    (client) => {
      if (!ctx.live) return;
      client.exec(command, opts, (err, up) => {
        if (err) {
          refuse(ctx, channel, `the upstream did not run the command: ${err.message}`, GATEWAY_EXIT_STATUS);
          return;
        }
        req.started(up);
        const readsStdin = parseShellCommand(command).readsStdin === true;
        let forward = (_bytes: Buffer) => {};
        const lineGate = readsStdin
          ? new LineGate({
              mode: req.pty ? 'terminal' : 'lines',
              forward: (bytes) => forward(bytes),
              tell: (text) => (req.pty ? tellTerminal(ctx, channel, text) : tellStderr(ctx, channel, text)),
              judge: (line) => judgeLine(ctx, line, req.pty !== undefined),
              end: () => up.end(),
              held: (held) => (held ? channel.pause() : channel.resume()),
            })
          : undefined;
        const outputChannel = req.pty ? RecordChannel.terminal : RecordChannel.stdout;
        forward = bridgeProcess(ctx, channel, up, { outputChannel, ...(lineGate ? { lineGate } : {}) }).forward;
      });
    },
    (err: Error) => refuse(ctx, channel, err.message, GATEWAY_EXIT_STATUS),
  );
}
