import ssh2, { type Connection } from 'ssh2';
import { listenOn } from '../../net/listen';
import { ClientConnection } from './client-connection';
import type { SshListenerOptions } from './ssh.types';
import { compileAuthorizedKeys } from './ssh-auth';

export interface SshListener {
  address: { host: string; port: number };
  close(): Promise<void>;
}

/**
 * The SSH listener (`listen.ssh`): agents connect with `ssh CONNECTION@gateway`, one ClientConnection each.
 * Registered keys are checked here, before anything listens, so a bad one is a startup error.
 */
export async function startSshListener(opts: SshListenerOptions): Promise<SshListener> {
  const keys = compileAuthorizedKeys(opts.authorizedKeys);
  const clients = new Set<Connection>();
  const deps = { ...opts, keys };
  const server = new ssh2.Server({ hostKeys: opts.hostKeys, ident: 'Vigil' }, (client, info) => {
    if (clients.size >= (opts.maxSessions ?? 10_000)) {
      opts.logger.warn('too many SSH connections: refused one', { client: info.ip });
      client.end();
      return;
    }
    clients.add(client);
    client.once('close', () => clients.delete(client));
    try {
      new ClientConnection(client, info, deps);
    } catch (err) {
      opts.logger.error('could not start an SSH connection', { err });
      client.end();
    }
  });
  server.on('error', (err: Error) => opts.logger.error('ssh listener error', { err }));
  const address = await listenOn(server, opts.host, opts.port);
  return {
    address,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const c of clients) c.end();
      }),
  };
}
