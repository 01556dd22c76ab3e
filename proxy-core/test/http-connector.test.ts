/**
 * The HTTP connector end to end: curl as the agent, a real OIDC provider, the real session pipeline (SQLite store,
 * signed .vrec recordings) and a real upstream API that echoes and checks what it receives.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../src/policy/policy.types';
import type { HttpRequestAction } from '../src/protocols/http/http-actions';
import { USERS } from '../src/protocols/http/testing/echo-api';
import { type HttpHarness, SECRETS, startHttpHarness } from '../src/protocols/http/testing/http-harness';
import { BAD_TOKEN_FAILURES, type BadTokenName, badTokens } from './support/bad-tokens';

let h: HttpHarness;
let token: string;
const auth = () => ['-H', `Authorization: Bearer ${token}`];
const gw = (path: string) => `${h.gatewayUrl}${path}`;
const proxyAuth = () => ['-x', h.gatewayUrl, '--proxy-header', `Proxy-Authorization: Bearer ${token}`];
const lastReceived = () => h.api.received[h.api.received.length - 1];

// The policy engine's Action must accept what the connector builds (a type-level check).
const _assignable: Action = {} as HttpRequestAction;

beforeAll(async () => {
  h = await startHttpHarness({ limits: { maxBufferedRequestBytes: 64 * 1024, maxBufferedResponseBytes: 1024 * 1024 } });
  token = await h.agentToken();
});
afterAll(async () => {
  await h?.stop();
});

describe('credential injection', () => {
  it('bearer: replaces the agent token, sets Host, keeps the path and query, strips hop-by-hop headers', async () => {
    const r = await h.curl([
      ...auth(),
      '-H',
      'Connection: keep-alive, X-Hop',
      '-H',
      'X-Hop: 1',
      gw('/c/api/things/a%20b?x=1&y'),
    ]);
    expect(r.status).toBe(200);
    const got = lastReceived();
    expect(got?.url).toBe('/v1/things/a%20b?x=1&y');
    expect(got?.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
    expect(got?.headers.host).toBe(`127.0.0.1:${h.api.port}`);
    expect(got?.headers['x-hop']).toBeUndefined();
    expect(JSON.stringify(got?.headers)).not.toContain(token);
    // The upstream echoes the credential back: the agent still never sees it.
    expect(r.body.toString()).not.toContain(SECRETS.bearer);
    expect(r.json<{ headers: Record<string, string> }>().headers.authorization).toBe('Bearer ****');
  });

  it('basic', async () => {
    const r = await h.curl([...auth(), gw('/c/basic-api/whoami')]);
    expect(r.status).toBe(200);
    const expected = Buffer.from(`${SECRETS.basic.user}:${SECRETS.basic.password}`).toString('base64');
    expect(lastReceived()?.headers.authorization).toBe(`Basic ${expected}`);
    expect(r.body.toString()).not.toContain(expected);
  });

  it('custom header: the agent cannot set it, and its own Authorization goes nowhere', async () => {
    const r = await h.curl([...auth(), '-H', 'X-Api-Key: chosen-by-agent', gw('/c/header-api/things')]);
    expect(r.status).toBe(200);
    expect(lastReceived()?.headers['x-api-key']).toBe(SECRETS.header.value);
    expect(lastReceived()?.headers.authorization).toBeUndefined();
  });

  it('SigV4: GET with a query and an encoded path, signature valid at the upstream', async () => {
    const r = await h.curl([...auth(), gw('/c/aws/objects/a%20b/c?b=2&a=1&empty')]);
    expect(r.status).toBe(200);
    const got = lastReceived();
    expect(got?.sigv4).toEqual({ valid: true });
    expect(got?.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('').digest('hex'));
    expect(got?.headers['x-amz-security-token']).toBe(SECRETS.sigv4.sessionToken);
    expect(got?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDVIGILTEST\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=accept;accept-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });

  it('SigV4: POST signs the exact body bytes forwarded', async () => {
    const body = '{"name":"bucket-1","tags":{"env":"prod"}}';
    const r = await h.curl([
      ...auth(),
      '-H',
      'Content-Type: application/json',
      '--data-binary',
      body,
      gw('/c/aws/buckets'),
    ]);
    expect(r.status).toBe(200);
    const got = lastReceived();
    expect(got?.sigv4).toEqual({ valid: true });
    expect(got?.body.toString()).toBe(body);
    expect(got?.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(got?.headers.authorization).toContain(
      'SignedHeaders=accept;accept-encoding;content-length;content-type;host;',
    );
  });

  it('SigV4: a body too large to hold streams with UNSIGNED-PAYLOAD and still verifies', async () => {
    const file = join(h.temp.dir, 'upload.bin');
    const data = Buffer.alloc(300 * 1024, 'vigil upload ');
    writeFileSync(file, data);
    const r = await h.curl([...auth(), '-X', 'PUT', '--data-binary', `@${file}`, gw('/c/aws/objects/sink')]);
    expect(r.status).toBe(200);
    const echoed = r.json<{ bytes: number; bodySha256: string; sigv4: unknown; headers: Record<string, string> }>();
    expect(echoed.bytes).toBe(data.length);
    expect(echoed.bodySha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(echoed.sigv4).toEqual({ valid: true });
    expect(echoed.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
  });
});

describe('forward-proxy mode', () => {
  it('finds the connection by upstream host and injects its credential', async () => {
    const r = await h.curl([...proxyAuth(), `http://127.0.0.1:${h.proxyApi.port}/items?q=1`]);
    expect(r.status).toBe(200);
    const got = h.proxyApi.received[h.proxyApi.received.length - 1];
    expect(got?.url).toBe('/items?q=1');
    expect(got?.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
    expect(got?.headers['proxy-authorization']).toBeUndefined();
    expect(JSON.stringify(got?.headers)).not.toContain(token);
  });

  it('asks for Vigil-Connection when several connections serve one host', async () => {
    const url = `http://127.0.0.1:${h.api.port}/things`;
    const ambiguous = await h.curl([...proxyAuth(), url]);
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.json<{ connections: string[] }>().connections).toEqual(['api', 'basic-api', 'header-api', 'aws']);
    const chosen = await h.curl([...proxyAuth(), '-H', 'Vigil-Connection: header-api', url]);
    expect(chosen.status).toBe(200);
    expect(lastReceived()?.headers['x-api-key']).toBe(SECRETS.header.value);
    expect(lastReceived()?.headers['vigil-connection']).toBeUndefined();
  });

  it('refuses hosts that are not connections, missing tokens (407) and CONNECT tunnels (405)', async () => {
    const before = h.proxyApi.received.length;
    const unknown = await h.curl([...proxyAuth(), 'http://127.0.0.9:1/x']);
    expect(unknown.status).toBe(403);
    const noToken = await h.curl(['-x', h.gatewayUrl, `http://127.0.0.1:${h.proxyApi.port}/items`]);
    expect(noToken.status).toBe(407);
    expect(noToken.headers['proxy-authenticate']).toBe('Bearer realm="vigil"');
    const tunnel = await h.curl([
      ...proxyAuth(),
      '-w',
      '%{http_connect}',
      `https://127.0.0.1:${h.proxyApi.port}/items`,
    ]);
    expect(tunnel.status).toBe(405);
    expect(tunnel.stderr).toContain('CONNECT');
    expect(h.proxyApi.received.length).toBe(before);
  });
});

describe('what Vigil cannot see into', () => {
  it('refuses protocol upgrades (WebSocket) with 501', async () => {
    const before = h.api.received.length;
    const r = await h.curl([...auth(), '-H', 'Connection: Upgrade', '-H', 'Upgrade: websocket', gw('/c/api/socket')]);
    expect(r.status).toBe(501);
    expect(h.api.received.length).toBe(before);
  });
});

describe('bytes that are not a readable request', () => {
  /** Sends `raw` on its own connection and returns all the gateway answers before it closes. */
  const rawExchange = (raw: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const s = connect(Number(new URL(h.gatewayUrl).port), '127.0.0.1', () => s.write(raw));
      s.on('data', (d: Buffer) => chunks.push(d));
      s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      s.on('error', reject);
    });
  /** A request line, the Host and the agent's token, then `rest` (more headers, the blank line, a body). */
  const request = (line: string, rest: string) =>
    `${line}\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n${rest}`;

  it.each([
    [
      'headers over the limit',
      request('GET /c/api/things HTTP/1.1', `X-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      431,
      /request headers larger than 16384 bytes/,
    ],
    [
      'Content-Length beside chunked (request smuggling)',
      request(
        'POST /c/api/things HTTP/1.1',
        'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /c/api/smuggled HTTP/1.1\r\n\r\n',
      ),
      400,
      /malformed HTTP request: Transfer-Encoding can't be present with Content-Length/,
    ],
    [
      'a Content-Length past any number',
      request('POST /c/api/things HTTP/1.1', 'Content-Length: 99999999999999999999\r\n\r\n'),
      400,
      /malformed HTTP request: Content-Length overflow/,
    ],
    [
      'a NUL in the path',
      request('GET /c/api/thi\0ngs HTTP/1.1', '\r\n'),
      400,
      /malformed HTTP request: Invalid char in url path/,
    ],
    [
      'random bytes',
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n',
      400,
      /malformed HTTP request: Invalid method encountered/,
    ],
  ])(
    '%s: the status a client understands with the reason, nothing upstream, the gateway serving on',
    async (_name, raw, status, message) => {
      const before = h.api.received.length;
      const answer = await rawExchange(raw);
      expect(answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(answer).toMatch(message);
      expect(h.api.received.length).toBe(before);
      expect((await h.curl([...auth(), gw('/c/api/things/after')])).status).toBe(200);
      expect(h.api.received.map((r) => r.url)).not.toContain('/v1/smuggled');
    },
  );
});

describe('policy and approval', () => {
  it('deny: 403 with the rule, nothing reaches the upstream', async () => {
    const before = h.api.received.length;
    const r = await h.curl([...auth(), gw('/c/basic-api/forbidden/thing')]);
    expect(r.status).toBe(403);
    expect(r.json()).toEqual({ error: 'requests to /forbidden are not allowed', rule: 'test#2' });
    expect(h.api.received.length).toBe(before);
  });

  it('matches JSON body fields: the gate sees the parsed body in the action', async () => {
    const before = h.api.received.length;
    const body = '{"user":"bob","role":"admin"}';
    const r = await h.curl([...auth(), '-H', 'Content-Type: application/json', '-d', body, gw('/c/basic-api/grants')]);
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ rule: 'test#3' });
    expect(h.gate.checks[h.gate.checks.length - 1]).toMatchObject({
      text: 'POST /grants',
      via: 'request',
      actions: [
        { type: 'http', method: 'POST', host: '127.0.0.1', path: '/grants', body: { user: 'bob', role: 'admin' } },
      ],
    });
    expect(h.api.received.length).toBe(before);
  });

  it('review approved: the request waits, then goes upstream exactly once', async () => {
    const deletes = () => h.api.received.filter((r) => r.method === 'DELETE').length;
    const before = deletes();
    const pending = h.curl([...auth(), '-X', 'DELETE', gw('/c/basic-api/iam/users/7')]);
    const held = await h.gate.nextHeld();
    expect(held.text).toBe('DELETE /iam/users/7');
    await new Promise((r) => setTimeout(r, 100));
    expect(deletes()).toBe(before);
    held.decide({ approved: true, approver: 'alice', reason: 'ticket 42' });
    const r = await pending;
    expect(r.status).toBe(200);
    expect(deletes()).toBe(before + 1);
    expect(lastReceived()?.url).toBe('/iam/users/7');
  });

  it('review denied: 403 with the request id; the normalized path cannot dodge the rule', async () => {
    const before = h.api.received.length;
    const pending = h.curl([...auth(), '-X', 'DELETE', gw('/c/basic-api//%69am/users/8')]);
    const held = await h.gate.nextHeld();
    held.decide({ approved: false, approver: 'alice', reason: 'no', status: 'denied' });
    const r = await pending;
    expect(r.status).toBe(403);
    expect(r.json()).toEqual({
      error: 'request not approved (denied by alice: no)',
      rule: 'test#1',
      requestId: held.requestId,
    });
    expect(h.api.received.length).toBe(before);
  });

  it('the agent leaving while held: cancelled, and an approval that comes later sends nothing', async () => {
    const before = h.api.received.length;
    for (const cancelOnClose of [true, false]) {
      h.gate.cancelOnClose = cancelOnClose;
      const gone = h.curl([...auth(), '-m', '1', '-X', 'DELETE', gw('/c/basic-api/iam/users/9')]);
      const held = await h.gate.nextHeld();
      expect((await gone).status).toBe(0);
      await new Promise((r) => setTimeout(r, 50));
      held.decide({ approved: true, approver: 'alice', reason: 'late' });
      await new Promise((r) => setTimeout(r, 50));
    }
    h.gate.cancelOnClose = true;
    expect(h.api.received.length).toBe(before);
  });

  it('review of a body too large to hold: 413, nothing sent', async () => {
    const before = h.api.received.length;
    const file = join(h.temp.dir, 'big-delete.json');
    writeFileSync(file, JSON.stringify({ ids: Array.from({ length: 20000 }, (_, i) => i) }));
    const r = await h.curl([...auth(), '-X', 'DELETE', '--data-binary', `@${file}`, gw('/c/basic-api/iam/users')]);
    expect(r.status).toBe(413);
    expect(h.api.received.length).toBe(before);
  });

  it('refuses dot segments, which upstream and policy could read differently', async () => {
    const r = await h.curl([...auth(), '--path-as-is', gw('/c/basic-api/public/%2e%2e/iam/users')]);
    expect(r.status).toBe(400);
  });
});

describe('masking', () => {
  it('masks JSON by path and by detector, keeping everything else byte for byte', async () => {
    const r = await h.curl([...auth(), gw('/c/api/users')]);
    expect(r.status).toBe(200);
    const text = r.body.toString();
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    for (const u of USERS.users) {
      expect(text).not.toContain(u.email);
      expect(text).not.toContain(u.card);
    }
    expect(text).toContain('"total": 12345678901234567890');
    const users = r.json<typeof USERS>().users;
    expect(users[0]).toEqual({ id: 1, name: 'Alice', email: '****', card: '****', note: '****' });
  });

  it('decodes a gzip response to mask it', async () => {
    const r = await h.curl([...auth(), gw('/c/api/gzip-json')]);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.json<typeof USERS>().users[1]?.email).toBe('****');
  });

  it('masks streamed text chunk by chunk, also secrets split across chunks', async () => {
    const r = await h.curl([...auth(), gw('/c/basic-api/text')]);
    const text = r.body.toString();
    expect(text).not.toContain('carol@example.com');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).toContain('line 3: nothing');
  });

  it('JSON too large to hold: detectors chunk by chunk, or 502 where JSON-path rules apply', async () => {
    const file = join(h.temp.dir, 'big.json');
    writeFileSync(
      file,
      JSON.stringify({ rows: Array.from({ length: 40000 }, (_, i) => ({ i, mail: `u${i}@example.com` })) }),
    );
    const args = [...auth(), '-H', 'Content-Type: application/json', '--data-binary', `@${file}`];
    const streamed = await h.curl([...args, gw('/c/basic-api/echo')]);
    expect(streamed.status).toBe(200);
    expect(streamed.body.length).toBeGreaterThan(1024 * 1024);
    expect(streamed.body.toString()).not.toMatch(/u\d+@example\.com/);
    const refused = await h.curl([...args, gw('/c/api/echo')]);
    expect(refused.status).toBe(502);
  });
});

describe('identity', () => {
  it('refuses every bad token with 401 invalid_token, audits it, and sends nothing upstream', async () => {
    const before = h.api.received.length;
    const failures = h.authFailures.length;
    const tokens = await badTokens(h.idp.issuer, h.idp.audience, h.idp.signingKey());
    for (const [name, bad] of Object.entries(tokens) as [BadTokenName, string][]) {
      const r = await h.curl(['-H', `Authorization: Bearer ${bad}`, gw('/c/api/things')]);
      expect(r.status, name).toBe(401);
      expect(r.headers['www-authenticate'], name).toMatch(
        /^Bearer realm="vigil", error="invalid_token", error_description="/,
      );
      expect(h.authFailures[h.authFailures.length - 1]?.code, name).toBe(BAD_TOKEN_FAILURES[name]);
    }
    expect(h.authFailures.length - failures).toBe(Object.keys(tokens).length);
    expect(h.api.received.length).toBe(before);
  });

  it('401 without a token, 403 for a principal without an agent or admin role, admins allowed', async () => {
    const none = await h.curl([gw('/c/api/things')]);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="vigil"');
    const nobody = await h.curl(['-H', `Authorization: Bearer ${await h.idp.tokenFor('nobody')}`, gw('/c/api/things')]);
    expect(nobody.status).toBe(403);
    const admin = await h.curl(['-H', `Authorization: Bearer ${await h.idp.tokenFor('admin-1')}`, gw('/c/api/things')]);
    expect(admin.status).toBe(200);
  });

  it('404 for an unknown connection, audited', async () => {
    const r = await h.curl([...auth(), gw('/c/nope/things')]);
    expect(r.status).toBe(404);
    expect(h.authFailures[h.authFailures.length - 1]).toMatchObject({
      code: 'unknown_connection',
      connection: 'nope',
      user: 'agent-1',
    });
  });
});

describe('sessions and recordings', () => {
  it('one session per keep-alive connection, one request and one response frame per exchange', async () => {
    const r = await h.curl([...auth(), gw('/c/header-api/one'), gw('/c/header-api/two?x=1')]);
    expect(r.status).toBe(200);
    const sessions = await h.endedSessions();
    const session = sessions.find((s) => s.connection === 'header-api' && s.commands === 2);
    expect(session).toMatchObject({
      protocol: 'http',
      principal: 'agent-1',
      status: 'ended',
      endReason: 'client closed the connection',
    });
    if (!session) return;
    expect(await h.verify(session)).toBe(true);
    expect(h.temp.store.commands(session.id).map((c) => [c.text, c.decision])).toEqual([
      ['GET /one', 'allow'],
      ['GET /two?x=1', 'allow'],
    ]);
    const frames = await h.frames(session);
    const exchanges = frames.flatMap((f) =>
      f.kind === 'annotation' && (f.value as { type: string }).type === 'http.exchange' ? [f.value] : [],
    );
    expect(exchanges).toMatchObject([
      { exchange: 1, method: 'GET', url: `${h.api.url}/one`, status: 200, requestBytes: 0, decision: 'allow' },
      { exchange: 2, method: 'GET', url: `${h.api.url}/two?x=1`, status: 200, decision: 'allow' },
    ]);
    const bytes = (n: number) => {
      const f = frames[n];
      return f?.kind === 'bytes' ? Buffer.from(f.data).toString('latin1') : '';
    };
    const first = exchanges[0] as { requestFrame: number; responseFrame: number; responseBytes: number };
    expect(bytes(first.requestFrame)).toMatch(
      /^GET \/c\/header-api\/one HTTP\/1\.1\r\n[\s\S]*Authorization: \[redacted\]\r\n/,
    );
    expect(bytes(first.responseFrame)).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-type: application\/json\r\n/);
  });

  it('fails closed when the session cannot be recorded (503, nothing sent)', async () => {
    const before = h.api.received.length;
    const broken = h.breakRecordings();
    try {
      const r = await h.curl([...auth(), gw('/c/api/things')]);
      expect(r.status).toBe(503);
    } finally {
      broken.restore();
    }
    expect(h.api.received.length).toBe(before);
  });

  it('records masked responses, approvals and denials, and never a token or credential', async () => {
    const sessions = await h.endedSessions();
    const secrets = [
      token,
      SECRETS.bearer,
      SECRETS.basic.password,
      SECRETS.header.value,
      SECRETS.sigv4.secretAccessKey,
      SECRETS.sigv4.sessionToken,
    ];
    const annotations: { type: string; [k: string]: unknown }[] = [];
    for (const session of sessions) {
      expect(await h.verify(session)).toBe(true);
      for (const f of await h.frames(session)) {
        const text = f.kind === 'bytes' ? Buffer.from(f.data).toString('latin1') : JSON.stringify(f);
        for (const s of secrets) expect(text).not.toContain(s);
        for (const u of USERS.users) expect(text).not.toContain(u.email);
        if (f.kind === 'annotation') annotations.push(f.value as { type: string });
      }
    }
    const rules = new Set(
      annotations.filter((a) => a.type === 'mask').flatMap((a) => (a.spans as { rule: string }[]).map((s) => s.rule)),
    );
    expect(rules).toEqual(new Set(['email', 'credential', 'aws_access_key', 'json:$.users[*].card', 'json:$..note']));
    const decided = annotations.filter((a) => a.type === 'approval.decided').map((a) => `${a.decision}: ${a.reason}`);
    expect(decided.sort()).toEqual(['approve: late', 'approve: ticket 42', 'deny: client went away', 'deny: no']);
    const decisions = annotations.filter((a) => a.type === 'http.exchange').map((a) => a.decision);
    expect(decisions).toEqual(expect.arrayContaining(['approved', 'denied', 'deny', 'review', 'cancelled']));
    expect(sessions.reduce((n, s) => n + s.denials, 0)).toBeGreaterThanOrEqual(2);
  });
});
