import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/identity/identity.types';
import { eventually, type Harness, startHarness } from './support/gateway-harness';

/** The HTTP connector wired into the whole gateway: one policy engine, approvals and audit for every protocol. */
let h: Harness;
let api: Server;
const seen: Array<{ method: string; url: string; auth: string | undefined }> = [];

const POLICY = {
  name: 'api-policy',
  rules: [
    { match: { methods: ['GET', 'HEAD'] }, action: 'allow' },
    {
      match: { methods: ['DELETE'], paths: ['/iam/**'] },
      action: 'review',
      approvers: { groups: ['dba'], count: 1 },
      timeout: '1m',
    },
    { match: { methods: ['DELETE'], paths: ['/scratch/**'] }, action: 'allow' },
    { match: { methods: ['POST'], paths: ['/reports'] }, action: 'allow' },
    { match: { methods: ['POST'], paths: ['/grants'], body: { role: ['admin', 'owner'] } }, action: 'deny' },
    { match: { methods: ['POST'], paths: ['/grants'] }, action: 'allow' },
  ],
  masking: { columns: [], detectors: ['email'], style: 'partial' },
};

beforeAll(async () => {
  api = createServer((req: IncomingMessage, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ users: [{ id: 7, email: 'ada@example.com', token: 'internal-123' }], path: req.url }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const port = (api.address() as { port: number }).port;
  h = await startHarness({
    policies: [POLICY],
    listen: { http: '127.0.0.1:0' },
    extraConnections: [
      {
        name: 'billing-api',
        type: 'http',
        upstream: { url: `http://127.0.0.1:${port}`, auth: { bearerEnv: 'BILLING_TOKEN' } },
        masking: { jsonPaths: ['$.users[*].token'] },
        policy: 'api-policy',
      },
    ],
    env: { BILLING_TOKEN: 'upstream-secret-token' },
  });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await new Promise((r) => api?.close(r));
});

function curl(args: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const p = spawn('curl', ['-s', '-w', '\\n%{http_code}', ...args]);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', () => {
      const i = out.lastIndexOf('\n');
      resolve({ body: out.slice(0, i), status: Number(out.slice(i + 1)) });
    });
  });
}

describe('HTTP connector through the gateway', () => {
  const base = () => `http://127.0.0.1:${h.gateway.http?.address.port}/c/billing-api`;

  /** POST /grants with a JSON body, as the agent with `token`. */
  function postGrant(token: string, body: string): Promise<{ status: number; body: string }> {
    return curl([
      '-X',
      'POST',
      '-H',
      `Authorization: Bearer ${token}`,
      '-H',
      'content-type: application/json',
      '--data',
      body,
      `${base()}/grants`,
    ]);
  }

  it('GET: the upstream credential is injected, the agent token is not passed on, JSON is masked', async () => {
    const token = await h.agentToken();
    const r = await curl(['-H', `Authorization: Bearer ${token}`, `${base()}/users`]);
    expect(r.status).toBe(200);
    expect(r.body).not.toContain('ada@example.com');
    expect(r.body).not.toContain('internal-123');
    expect(seen.at(-1)?.auth).toBe('Bearer upstream-secret-token');
    expect(JSON.stringify(seen)).not.toContain(token);
  });

  it('a request no rule allows is refused with 403 and never reaches the upstream', async () => {
    const before = seen.length;
    const r = await curl(['-X', 'PUT', '-H', `Authorization: Bearer ${await h.agentToken()}`, `${base()}/users/7`]);
    expect(r.status).toBe(403);
    expect(seen.length).toBe(before);
  });

  it('a JSON body field decides: granting admin is refused, granting viewer passes', async () => {
    const token = await h.agentToken();
    const post = (role: string) => postGrant(token, JSON.stringify({ user: 7, role }));
    const before = seen.filter((s) => s.url === '/grants').length;
    expect((await post('admin')).status).toBe(403);
    expect(seen.filter((s) => s.url === '/grants').length).toBe(before);
    expect((await post('viewer')).status).toBe(200);
    expect(seen.filter((s) => s.url === '/grants').length).toBe(before + 1);
  });

  it('a body the upstream could read otherwise is refused with 400: a key named twice, JSON that does not parse', async () => {
    const token = await h.agentToken();
    const post = (body: string) => postGrant(token, body);
    const before = seen.filter((s) => s.url === '/grants').length;
    // JSON.parse keeps the last "role" (viewer, allowed); a parser that keeps the first would grant admin.
    const twice = await post('{"user":7,"role":"admin","role":"viewer"}');
    expect(twice.status).toBe(400);
    expect(twice.body).toContain('the JSON body names \\"role\\" twice in one object');
    // A lenient parser would take the trailing comma; JSON.parse does not, so policy never saw the role.
    const lenient = await post('{"user":7,"role":"admin",}');
    expect(lenient.status).toBe(400);
    expect(lenient.body).toContain('the JSON body does not parse');
    expect(seen.filter((s) => s.url === '/grants').length).toBe(before);
    expect((await post('{"user":7,"role":"viewer"}')).status).toBe(200);
  });

  it('a body policy cannot read is refused by a rule that refuses by body: padded, gzipped, form-encoded', async () => {
    const token = await h.agentToken();
    const before = seen.filter((s) => s.url === '/grants').length;
    const padded = JSON.stringify({ user: 7, role: 'admin', pad: 'x'.repeat(1_100_000) });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bodies-'));
    writeFileSync(join(dir, 'padded.json'), padded);
    writeFileSync(join(dir, 'small.json.gz'), gzipSync(JSON.stringify({ user: 7, role: 'admin' })));
    const send = (extra: string[]) =>
      curl(['-X', 'POST', '-H', `Authorization: Bearer ${token}`, ...extra, `${base()}/grants`]);
    const answers = [
      await send(['-H', 'content-type: application/json', '--data-binary', `@${join(dir, 'padded.json')}`]),
      await send([
        '-H',
        'content-type: application/json',
        '-H',
        'content-encoding: gzip',
        '--data-binary',
        `@${join(dir, 'small.json.gz')}`,
      ]),
      await send(['-H', 'content-type: application/x-www-form-urlencoded', '--data', 'user=7&role=admin']),
    ];
    rmSync(dir, { recursive: true, force: true });
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403]);
    expect(answers[0]?.body).toContain('over limits.maxPolicyBodyBytes');
    expect(answers[1]?.body).toContain('content-encoded (gzip)');
    expect(answers[2]?.body).toContain('the body is not JSON');
    expect(seen.filter((s) => s.url === '/grants').length).toBe(before);
  });

  it('a method override is judged as the method it asks for, too', async () => {
    const token = await h.agentToken();
    const before = seen.length;
    // POST /reports is allowed; as DELETE (frameworks honour these) no rule allows it.
    for (const extra of [
      ['-H', 'X-HTTP-Method-Override: DELETE'],
      ['-H', 'X-Method-Override: delete'],
    ]) {
      const r = await curl(['-X', 'POST', '-H', `Authorization: Bearer ${token}`, ...extra, `${base()}/reports`]);
      expect(r.status).toBe(403);
      expect(r.body).toContain('DELETE');
    }
    const byParam = await curl([
      '-X',
      'POST',
      '-H',
      `Authorization: Bearer ${token}`,
      `${base()}/reports?_method=DELETE`,
    ]);
    expect(byParam.status).toBe(403);
    expect(seen.length).toBe(before);
    // GET is allowed everywhere, DELETE on /iam/** is reviewed: a GET asking to be a DELETE waits for an approver,
    // who sees what it would do.
    const pending = curl([
      '-H',
      `Authorization: Bearer ${token}`,
      '-H',
      'X-HTTP-Method-Override: DELETE',
      `${base()}/iam/users/8`,
    ]);
    const request = await eventually(() =>
      h.gateway.store.listApprovals({ status: 'pending' }).find((a) => a.statement.includes('/iam/users/8')),
    );
    expect(request.statement).toBe('GET /iam/users/8 (as DELETE, by method override)');
    const bob: Principal = { sub: 'bob', groups: ['dba'], roles: ['approver'], issuer: 'test', expiresAt: 0 };
    h.gateway.broker.decide(request.id, bob, 'deny', 'no');
    expect((await pending).status).toBe(403);
    expect(seen.length).toBe(before);
  });

  it('a path an upstream could read as another is judged as that one too: %2F, ;parameters, case', async () => {
    const token = await h.agentToken();
    const deletes = () => seen.filter((s) => s.method === 'DELETE').length;
    const before = deletes();
    const bob: Principal = { sub: 'bob', groups: ['dba'], roles: ['approver'], issuer: 'test', expiresAt: 0 };
    const held: string[] = [];
    // DELETE /scratch/** is allowed, /iam/** reviewed, anything else denied. Each of these reaches /iam/users/9 on an
    // upstream that decodes %2F, drops ;parameters (Tomcat's `..;/`) or ignores case: none may go without review.
    for (const path of [
      '/scratch/..%2F..%2Fiam/users/9',
      '/scratch/..;x/..;x/iam/users/9',
      '/scratch/..%2F..%2FIAM/users/9',
      '/IAM/users/9',
      '/iam%2Fusers/9',
      '/iam;v=1/users/9',
    ]) {
      const answer = curl(['-X', 'DELETE', '--path-as-is', '-H', `Authorization: Bearer ${token}`, `${base()}${path}`]);
      const denier = setInterval(() => {
        const request = h.gateway.store.listApprovals({ status: 'pending' }).find((a) => a.statement.includes(path));
        if (!request) return;
        held.push(path);
        h.gateway.broker.decide(request.id, bob, 'deny', 'no');
      }, 20);
      const r = await answer;
      clearInterval(denier);
      expect(r.status, path).toBe(403);
    }
    // The others are denied outright: one of their readings (`/IAM/users/9`) no rule allows.
    expect(held).toEqual(['/scratch/..%2F..%2Fiam/users/9', '/scratch/..;x/..;x/iam/users/9']);
    expect(deletes()).toBe(before);
  });

  it('DELETE on an IAM path waits for an approver, then runs once', async () => {
    const pending = curl([
      '-X',
      'DELETE',
      '-H',
      `Authorization: Bearer ${await h.agentToken()}`,
      `${base()}/iam/users/7`,
    ]);
    const request = await eventually(() =>
      h.gateway.store.listApprovals({ status: 'pending' }).find((a) => a.statement.includes('/iam/users/7')),
    );
    expect(seen.some((s) => s.method === 'DELETE')).toBe(false);
    const alice: Principal = { sub: 'alice', groups: ['dba'], roles: ['approver'], issuer: 'test', expiresAt: 0 };
    h.gateway.broker.decide(request.id, alice, 'approve', 'ticket 42');
    expect((await pending).status).toBe(200);
    expect(seen.filter((s) => s.method === 'DELETE')).toHaveLength(1);
  });

  it('a bad token gets 401 and is audited', async () => {
    const r = await curl(['-H', 'Authorization: Bearer not-a-token', `${base()}/users`]);
    expect(r.status).toBe(401);
    expect(
      h.gateway.store
        .listAudit({ type: 'auth.failure', limit: 100 })
        .some((e) => JSON.stringify(e.data).includes('"http"')),
    ).toBe(true);
  });

  it('HTTP sessions appear with the others', async () => {
    await eventually(() => h.gateway.store.listSessions({ protocol: 'http' }).sessions.length > 0);
  });
});
