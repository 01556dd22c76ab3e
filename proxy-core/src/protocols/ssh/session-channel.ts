import type { ClientChannel, PseudoTtyInfo, PseudoTtyOptions, ServerChannel, Session } from 'ssh2';
import type { ChannelContext, ProcessRequest } from './channel-context';
import { GATEWAY_EXIT_STATUS, refuse } from './channel-replies';
import { handleExec } from './exec-handler';
import { handleSftp } from './sftp-relay';
import { handleShell } from './shell-handler';

/** Environment variables passed on (sshd's usual AcceptEnv); anything else could change what programs do. */
export function envAllowed(name: string): boolean {
  return (
    name === 'LANG' ||
    name === 'LANGUAGE' ||
    name === 'TERM' ||
    name === 'TZ' ||
    name === 'COLORTERM' ||
    /^LC_[A-Z_]+$/.test(name)
  );
}

/**
 * One SSH `session` channel: the requests that prepare it (pty-req, env, window-change), the one that starts it
 * (exec, shell, subsystem) and those that act on what runs (window-change, signal). Agent and X11 forwarding are
 * refused: no policy rule can allow them yet.
 */
export class SessionChannel {
  private pty: PseudoTtyOptions | undefined;
  private readonly env: Record<string, string> = {};
  private up: ClientChannel | undefined;
  private started = false;

  constructor(
    session: Session,
    private readonly ctx: ChannelContext,
    private readonly refuseForwarding: (what: string) => void,
  ) {
    session.on('pty', (accept, _reject, info: PseudoTtyInfo & { modes?: Record<string, number> }) => {
      this.pty = {
        term: info.term,
        cols: info.cols,
        rows: info.rows,
        width: info.width,
        height: info.height,
        ...(info.modes ? { modes: info.modes } : {}),
      };
      ctx.session.annotate({ type: 'pty', term: info.term, cols: info.cols, rows: info.rows });
      ctx.session.resize(info.cols, info.rows);
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      ctx.session.resize(info.cols, info.rows);
      if (this.pty)
        Object.assign(this.pty, { cols: info.cols, rows: info.rows, width: info.width, height: info.height });
      this.up?.setWindow(info.rows, info.cols, info.height, info.width);
      accept?.();
    });
    session.on('env', (accept, reject, info) => {
      const allowed = envAllowed(info.key);
      ctx.session.annotate({ type: 'env', name: info.key, accepted: allowed, ...(allowed ? { value: info.val } : {}) });
      if (allowed) {
        this.env[info.key] = info.val;
        accept?.();
      } else reject?.();
    });
    session.on('signal', (accept, _reject, info) => {
      ctx.session.annotate({ type: 'signal', name: info.name });
      this.up?.signal(info.name);
      accept?.();
    });
    session.on('auth-agent', (_accept, reject) => {
      this.refuseForwarding('agent forwarding (auth-agent-req@openssh.com)');
      reject?.();
    });
    session.on('x11', (_accept, reject) => {
      this.refuseForwarding('X11 forwarding (x11-req)');
      reject?.();
    });
    session.on('exec', (accept, reject, info) =>
      this.start(accept, reject, (ch) => handleExec(ctx, ch, info.command, this.request())),
    );
    session.on('shell', (accept, reject) => this.start(accept, reject, (ch) => handleShell(ctx, ch, this.request())));
    session.on('subsystem', (accept, reject, info) => {
      if (info.name === 'sftp') {
        this.start(accept, reject, (ch) => handleSftp(ctx, ch));
        return;
      }
      ctx.session.annotate({ type: 'subsystem.refused', name: info.name });
      reject?.();
    });
  }

  private start(
    accept: () => ServerChannel,
    reject: (() => void) | undefined,
    run: (channel: ServerChannel) => void,
  ): void {
    if (this.started) {
      reject?.();
      return;
    }
    this.started = true;
    const channel = accept();
    if (!this.ctx.live) {
      refuse(this.ctx, channel, this.ctx.ended, GATEWAY_EXIT_STATUS);
      return;
    }
    try {
      run(channel);
    } catch (err) {
      this.ctx.log.error('could not start the channel', { err });
      refuse(this.ctx, channel, 'internal gateway error; the channel was closed', GATEWAY_EXIT_STATUS);
    }
  }

  private request(): ProcessRequest {
    return {
      pty: this.pty,
      env: this.env,
      started: (up) => {
        this.up = up;
      },
    };
  }
}
