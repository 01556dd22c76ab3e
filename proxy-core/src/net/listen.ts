/** Anything that listens like node:net / node:http / ssh2 servers. */
interface Listenable {
  listen(port: number, host: string, callback: () => void): unknown;
  address(): unknown;
  once(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Starts listening and resolves with the bound address (the real port when 0 was asked for); rejects
 * with the listen error (EADDRINUSE, EACCES) so the gateway reports it before anything else starts.
 */
export async function listenOn(
  server: Listenable,
  host: string,
  port: number,
): Promise<{ host: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as { address?: string; port?: number } | string | null;
  return typeof addr === 'object' && addr?.address !== undefined && addr.port !== undefined
    ? { host: addr.address, port: addr.port }
    : { host, port };
}
