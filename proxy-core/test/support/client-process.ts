import { spawn } from 'node:child_process';

export interface ClientResult {
  code: number | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

/**
 * Runs a client program (psql, pg_dump, ssh, scp…) without blocking the event loop: the gateway under test runs in
 * this process, so a blocking spawn would stall it.
 */
export function runClient(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString(), stdoutBytes, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
