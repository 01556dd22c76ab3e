import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture, USERS } from '../src/api/testing/api-fixture';

/** GET with the path sent exactly as written (fetch would normalize `..`). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.path = path;
    req.on('error', reject);
    req.end();
  });
}

describe('control API: audit log, keys, connections', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  it('pages the audit log and reports the chain verified from genesis', async () => {
    for (let i = 0; i < 7; i++)
      f.temp.store.appendAudit({ type: i % 2 ? 'test.odd' : 'test.even', actor: 'system', data: { i } });
    const auditor = await bearer(f, USERS.auditor);
    const page = (await (await f.get('/api/audit?limit=3', { headers: auditor })).json()) as {
      events: { seq: number; hash: string; prevHash: string }[];
      chain: unknown;
    };
    expect(page.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(page.chain).toEqual({ ok: true, checked: 7, headSeq: 7 });
    const next = (await (await f.get('/api/audit?afterSeq=3&type=test.odd', { headers: auditor })).json()) as {
      events: { seq: number; type: string }[];
    };
    expect(next.events.map((e) => e.seq)).toEqual([4, 6]);
    expect((await f.get('/api/audit?since=not-a-date', { headers: auditor })).status).toBe(400);
  });

  it('serves the public signing key and the connections', async () => {
    const auditor = await bearer(f, USERS.auditor);
    const keys = (await (await f.get('/api/keys', { headers: auditor })).json()) as {
      fingerprint: string;
      publicKeyPem: string;
    };
    expect(keys.fingerprint).toBe('SHA256:test');
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(await (await f.get('/api/connections', { headers: auditor })).json()).toEqual([
      { name: 'shop', type: 'postgres' },
    ]);
  });
});

describe('control API: the built IDE', () => {
  let f: ApiFixture;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'vigil-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(
      join(dist, 'index.html'),
      '<!doctype html><div id="root"></div><script src="/assets/index-AbCd1234.js"></script>',
    );
    writeFileSync(join(dist, 'assets', 'index-AbCd1234.js'), 'console.log(1)');
    writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
    writeFileSync(join(tmpdir(), 'vigil-secret.txt'), 'secret');
    f = await startApiFixture({ staticDir: dist });
  });
  afterAll(async () => {
    await f.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html with a strict CSP, and hashed assets with long caching', async () => {
    const index = await f.get('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain(`connect-src 'self' ${f.url.replace('http', 'ws')}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const asset = await f.get('/assets/index-AbCd1234.js');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = asset.headers.get('etag') ?? '';
    expect((await f.get('/assets/index-AbCd1234.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await f.get('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('falls back to index.html for client routes, not for missing assets or /api', async () => {
    const route = await f.get('/sessions/01ABC?frame=10');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('id="root"');
    expect((await f.get('/assets/missing-12345678.js')).status).toBe(404);
    const api = await f.get('/api/nope', { headers: await bearer(f, USERS.auditor) });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'no such endpoint: GET /api/nope' });
  });

  it('never serves files outside the build', async () => {
    for (const path of [
      '/../vigil-secret.txt',
      '/%2e%2e/vigil-secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fvigil-secret.txt',
    ]) {
      const res = await rawGet(f.url, path);
      expect(res.body, path).not.toContain('secret');
    }
  });

  it('says how to build the IDE when there is no build', async () => {
    const bare = await startApiFixture({ staticDir: join(dist, 'does-not-exist') });
    try {
      const res = await bare.get('/');
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build -w renderer');
    } finally {
      await bare.close();
    }
  });
});
