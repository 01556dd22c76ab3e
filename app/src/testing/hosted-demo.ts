// Test support: the hosted demo gateway in a temporary folder, and a real `pg` client connected to it as an
// agent with a development-issuer token (the same path an AI agent takes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Principal } from '../../../proxy-core/src/identity/identity.types';
import { silentLogger } from '../../../proxy-core/src/logger';
import { type HostedGateway, startHostedGateway } from '../gateway-host';

export interface HostedDemo {
  hosted: HostedGateway;
  dataDir: string;
  agent(): Promise<pg.Client>;
  /** Signs in through the demo sign-in page, as the IDE window does; returns the `Cookie` header. */
  signIn(): Promise<string>;
  close(): Promise<void>;
}

export const DEMO_APPROVER: Principal = {
  sub: 'demo-admin',
  groups: ['vigil-admins'],
  roles: ['admin', 'approver', 'auditor'],
  issuer: 'test',
  expiresAt: 0,
};

export async function startHostedDemo(): Promise<HostedDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-app-'));
  const hosted = await startHostedGateway({ demo: true, dataDir, logger: silentLogger });
  const clients: pg.Client[] = [];
  return {
    hosted,
    dataDir,
    async agent() {
      const issuer = hosted.gateway.devIssuer;
      if (!issuer) throw new Error('the demo runs the development issuer');
      const { host, port } = hosted.gateway.postgres.address;
      const token = await issuer.mint({ sub: 'agent-demo', groups: ['ai-agents'], ttlSec: 600 });
      const client = new pg.Client({ host, port, database: 'demo', user: 'agent-demo', password: token });
      client.on('error', () => {
        // The gateway closing under an idle test client: nothing to report.
      });
      await client.connect();
      clients.push(client);
      return client;
    },
    async signIn() {
      const url = hosted.url;
      const page = await fetch(`${url}/auth/login?return=/`);
      const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const res = await fetch(`${url}/auth/demo-login`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: cookiePair(page.headers.getSetCookie()),
          origin: url,
        },
        body: new URLSearchParams({ nonce, return: '/' }),
      });
      return cookiePair(res.headers.getSetCookie());
    },
    async close() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await hosted.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function cookiePair(setCookies: string[]): string {
  return setCookies.map((c) => c.split(';', 1)[0]).join('; ');
}
