import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_ROLES } from '../../proxy-core/src/api/authenticate';
import { type EvidenceExportDeps, saveEvidencePacket, suggestedName } from './evidence-export';
import { type HostedDemo, startHostedDemo } from './testing/hosted-demo';

let demo: HostedDemo;
let out: string;
let cookie: string;
beforeAll(async () => {
  demo = await startHostedDemo();
  out = mkdtempSync(join(tmpdir(), 'vigil-evidence-'));
  cookie = await demo.signIn();
}, 120_000);
afterAll(async () => {
  await demo?.close();
  rmSync(out, { recursive: true, force: true });
});

function deps(over: Partial<EvidenceExportDeps> = {}): EvidenceExportDeps & { suggested: string[] } {
  const suggested: string[] = [];
  return {
    suggested,
    gatewayUrl: demo.hosted.url,
    cookieHeader: async () => cookie,
    chooseSavePath: async (name) => {
      suggested.push(name);
      return join(out, name);
    },
    ...over,
  };
}

describe('saveEvidencePacket', () => {
  it('does nothing when the user cancels the dialog', async () => {
    expect(await saveEvidencePacket(deps({ chooseSavePath: async () => undefined }), ['s1'])).toEqual({ saved: false });
  });

  it('asks to sign in when the window has no session', async () => {
    const result = await saveEvidencePacket(deps({ cookieHeader: async () => undefined }), ['s1']);
    expect(result).toEqual({ saved: false, error: 'Sign in to Vigil first.' });
  });

  it("reports the gateway's refusal: an expired sign-in", async () => {
    const result = await saveEvidencePacket(deps({ cookieHeader: async () => 'vigil_session=expired' }), ['s1']);
    expect(result).toEqual({ saved: false, error: 'The gateway refused: sign in required (HTTP 401)' });
  });

  it("reports the gateway's refusal of an unknown session, and writes nothing", async () => {
    const result = await saveEvidencePacket(deps(), ['no-such-session']);
    expect(result.saved).toBe(false);
    expect(result.error).toMatch(/HTTP 40\d/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("downloads as the window's user, with its CSRF token, and writes the file where chosen", async () => {
    // A stand-in for the packet builder (replaced through the same addRoute when it lands).
    const seen: unknown[] = [];
    demo.hosted.gateway.api.addRoute({
      method: 'POST',
      path: '/api/evidence',
      roles: READ_ROLES,
      async handle({ res, body, auth }) {
        seen.push({ body: await body(), sub: auth.principal.sub });
        res.writeHead(200, {
          'content-type': 'application/zip',
          'content-disposition': 'attachment; filename="p.zip"',
        });
        res.end(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(256 * 1024, 7)]));
      },
    });
    const d = deps();
    const result = await saveEvidencePacket(d, ['01JD5Z6Q0X8V3T2R1P0N9M8K7J']);
    const path = join(out, 'vigil-evidence-01JD5Z6Q0X8V3T2R1P0N9M8K7J.zip');
    expect(result).toEqual({ saved: true, path });
    expect(d.suggested).toEqual(['vigil-evidence-01JD5Z6Q0X8V3T2R1P0N9M8K7J.zip']);
    expect(seen).toEqual([{ body: { sessions: ['01JD5Z6Q0X8V3T2R1P0N9M8K7J'] }, sub: 'demo-admin' }]);
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(4 + 256 * 1024);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(readdirSync(out)).toEqual(['vigil-evidence-01JD5Z6Q0X8V3T2R1P0N9M8K7J.zip']);
  });

  it('leaves no file behind when the download breaks off', async () => {
    demo.hosted.gateway.api.addRoute({
      method: 'POST',
      path: '/api/evidence',
      roles: READ_ROLES,
      handle({ res }) {
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(1024 * 1024) });
        res.write(Buffer.alloc(64 * 1024));
        setTimeout(() => res.destroy(), 20);
      },
    });
    const result = await saveEvidencePacket(deps(), ['a', 'b']);
    expect(result.saved).toBe(false);
    expect(result.error).toMatch(/^Could not save the evidence packet/);
    expect(existsSync(join(out, 'vigil-evidence.zip'))).toBe(false);
    expect(readdirSync(out).filter((f) => f.includes('partial'))).toEqual([]);
  });
});

describe('suggestedName', () => {
  it('names a single session, or the packet', () => {
    expect(suggestedName(['abc'])).toBe('vigil-evidence-abc.zip');
    expect(suggestedName(['a', 'b'])).toBe('vigil-evidence.zip');
  });
});
