import type { ServerChannel } from 'ssh2';
import { type ChannelContext, RecordChannel } from './channel-context';
import { GATEWAY_EXIT_STATUS, refuse } from './channel-replies';
import { sendExit } from './process-bridge';
import { throttleToRecorder } from './recorder-throttle';
import { SftpObserver } from './sftp-observer';

/**
 * The `sftp` subsystem (also what OpenSSH's scp uses since 9.0): relayed packet bytes unchanged to the upstream's
 * own sftp subsystem, recorded on the SFTP channel, and observed so each file transfer is annotated with its path,
 * size and SHA-256, and each change to the file tree (remove, rename, mkdir…) with its path.
 */
export function handleSftp(ctx: ChannelContext, channel: ServerChannel): void {
  channel.pause();
  ctx.session.annotate({ type: 'sftp.start' });
  ctx.upstream().then(
    (client) => {
      if (!ctx.live) return;
      client.subsys('sftp', (err, up) => {
        if (err) {
          refuse(ctx, channel, `the upstream has no sftp subsystem: ${err.message}`, GATEWAY_EXIT_STATUS);
          return;
        }
        const observer = new SftpObserver((event) => ctx.session.annotate(event));
        channel.on('data', (data: Buffer) => {
          if (!ctx.live) return;
          ctx.session.clientBytes(data, RecordChannel.sftp);
          observer.fromClient(data);
          if (!up.write(data)) {
            channel.pause();
            up.once('drain', () => channel.resume());
          }
          throttleToRecorder(ctx.session, channel);
        });
        up.on('data', (data: Buffer) => {
          if (!ctx.live) return;
          ctx.session.serverBytes(data, RecordChannel.sftp);
          observer.fromServer(data);
          if (!channel.write(data)) {
            up.pause();
            channel.once('drain', () => up.resume());
          }
          throttleToRecorder(ctx.session, up);
        });
        channel.on('end', () => up.end());
        let status: number | undefined;
        up.on('exit', (code: number | null) => {
          if (typeof code === 'number') status = code;
        });
        up.on('close', () => {
          observer.end();
          if (observer.failed) ctx.session.annotate({ type: 'sftp.unobserved', reason: observer.failed });
          // scp judges success by the exit status of the sftp subsystem.
          if (status !== undefined) sendExit(channel, { code: status });
          channel.end();
        });
        const untrack = ctx.track(() => {
          channel.end();
          up.close();
        });
        channel.on('close', () => {
          untrack();
          up.close();
        });
        channel.resume();
      });
    },
    (err: Error) => refuse(ctx, channel, err.message, GATEWAY_EXIT_STATUS),
  );
}
