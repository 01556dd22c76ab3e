import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../proxy-core/src/demo/free-port';
import { silentLogger } from '../../proxy-core/src/logger';
import { browsableUrl, demoAgentCommand, startHostedGateway } from './gateway-host';
import { type HostedDemo, startHostedDemo } from './testing/hosted-demo';

/** True when nothing listens on 127.0.0.1:port any more. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

describe('the hosted demo gateway', () => {
  let demo: HostedDemo;
  beforeAll(async () => {
    demo = await startHostedDemo();
  }, 120_000);
  afterAll(async () => {
    await demo?.close();
  });

  it('serves the control API on a free loopback port, not the CLI default', async () => {
    const { url, gateway } = demo.hosted;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gateway.api.address.port).not.toBe(7480);
    expect(gateway.postgres.address.port).not.toBe(15432);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    // Nobody signed in yet: the API answers, and says where to sign in.
    const me = await fetch(`${url}/api/me`);
    expect(me.status).toBe(401);
  });

  it('lets the IDE sign in with the demo sign-in', async () => {
    const cookie = await demo.signIn();
    const me = await fetch(`${demo.hosted.url}/api/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ principal: { sub: 'demo-admin' }, demo: true });
  });

  it('proxies an agent to the embedded shop database', async () => {
    const client = await demo.agent();
    const { rows } = await client.query('SELECT name FROM customers ORDER BY id LIMIT 1');
    expect(rows).toEqual([{ name: 'Ada Lovelace' }]);
  });

  it('gives the psql command an agent runs, with a token the gateway accepts', async () => {
    const command = (await demoAgentCommand(demo.hosted.gateway)) ?? '';
    const { host, port } = demo.hosted.gateway.postgres.address;
    expect(command).toContain(`psql "host=127.0.0.1 port=${port} dbname=demo user=agent-demo sslmode=`);
    const password = /^PGPASSWORD='([^']+)'/.exec(command)?.[1];
    const client = new pg.Client({ host, port, database: 'demo', user: 'agent-demo', password });
    await client.connect();
    try {
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });
});

describe('stop()', () => {
  it('frees the ports and can be called twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-app-'));
    try {
      const hosted = await startHostedGateway({ demo: true, dataDir, logger: silentLogger });
      const api = hosted.gateway.api.address.port;
      const postgres = hosted.gateway.postgres.address.port;
      expect(await portIsFree(api)).toBe(false);
      await Promise.all([hosted.stop(), hosted.stop()]);
      expect(await portIsFree(api)).toBe(true);
      expect(await portIsFree(postgres)).toBe(true);
      await expect(fetch(`${hosted.url}/healthz`)).rejects.toThrow();
      // The demo's state stays: a second start finds the seeded database and the same signing key.
      const again = await startHostedGateway({ demo: true, dataDir, logger: silentLogger });
      expect(again.gateway.signingKey.fingerprint).toBe(hosted.gateway.signingKey.fingerprint);
      await again.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('with a configuration file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-app-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the file's gateway on its own addresses and dataDir", async () => {
    const [api, postgres] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const configPath = join(dir, 'vigil.yaml');
    writeFileSync(
      configPath,
      `listen: { api: "127.0.0.1:${api}", postgres: "127.0.0.1:${postgres}" }
dataDir: ./state
auth:
  issuer: dev
  audience: vigil
  roles: { admin: [vigil-admins], approver: [dba], auditor: [security], agent: [ai-agents] }
connections:
  - name: orders-db
    type: postgres
    upstream: { host: 127.0.0.1, port: 9, database: orders, user: app, passwordEnv: ORDERS_DB_PASSWORD }
    policy: agents-default
policies:
  - name: agents-default
    rules:
      - match: { statements: [select] }
        action: allow
`,
    );
    const hosted = await startHostedGateway({
      configPath,
      dataDir: join(dir, 'unused'),
      logger: silentLogger,
      env: {},
    });
    try {
      expect(hosted.url).toBe(`http://127.0.0.1:${api}`);
      expect(hosted.gateway.config.dataDir).toBe(join(dir, 'state'));
      expect((await fetch(`${hosted.url}/healthz`)).status).toBe(200);
    } finally {
      await hosted.stop();
    }
    expect(await portIsFree(api)).toBe(true);
  }, 60_000);

  it('refuses a bad configuration with the path and the reason, before anything listens', async () => {
    const configPath = join(dir, 'bad.yaml');
    writeFileSync(
      configPath,
      'listen: { api: 42 }\nconnections: []\npolicies: []\nauth: { issuer: dev, audience: vigil }\n',
    );
    await expect(startHostedGateway({ configPath, dataDir: dir, logger: silentLogger })).rejects.toThrow(/listen\.api/);
    await expect(
      startHostedGateway({ configPath: join(dir, 'missing.yaml'), dataDir: dir, logger: silentLogger }),
    ).rejects.toThrow(/cannot read/);
  });
});

describe('browsableUrl', () => {
  it('opens a gateway listening on every interface through loopback', () => {
    expect(browsableUrl('http://0.0.0.0:7480')).toBe('http://127.0.0.1:7480');
    expect(browsableUrl('http://[::]:7480')).toBe('http://[::1]:7480');
    expect(browsableUrl('https://vigil.internal:8443')).toBe('https://vigil.internal:8443');
    expect(browsableUrl('http://127.0.0.1:41234')).toBe('http://127.0.0.1:41234');
  });
});
