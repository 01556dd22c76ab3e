import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EvidenceManifest, PACKET_FORMAT } from '@vigil/recordings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidencePacket, evidenceRoutes, verifyPacketFile } from '../src/evidence';
import { flipByte, readPacket, SAMPLE_PREPARED, SAMPLE_STATEMENTS } from '../src/evidence/testing/packet-fixtures';
import { silentLogger } from '../src/logger';
import { eventually, type Harness, startHarness } from './support/gateway-harness';

let h: Harness;
let dir: string;
let sessionId: string;
let packetPath: string;
let manifest: EvidenceManifest;

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'vigil-evidence-'));
  const client = await h.client();
  for (const sql of SAMPLE_STATEMENTS) await client.query(sql).catch(() => undefined);
  await client.query(SAMPLE_PREPARED.text, [...SAMPLE_PREPARED.values]);
  await client.end();
  const store = h.gateway.store;
  sessionId = await eventually(() => store.listSessions({ status: 'ended' }).sessions[0]?.id);
  packetPath = join(dir, 'packet.zip');
  const result = await buildEvidencePacket({
    store,
    sessionIds: [sessionId],
    signingKey: h.gateway.signingKey,
    creator: { principal: 'bob', via: 'cli' },
    toolVersion: '0.1.0-test',
    out: packetPath,
  });
  manifest = result.manifest;
});

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('evidence packet from a real PostgreSQL session', () => {
  it('holds every file the design names, listed in a signed manifest', async () => {
    const entries = await readPacket(packetPath);
    const s = `sessions/${sessionId}`;
    expect([...entries.keys()].sort()).toEqual(
      [
        `${s}/recording.vrec`,
        `${s}/capture.pcapng`,
        `${s}/transcript.txt`,
        `${s}/session.json`,
        'audit/events.jsonl',
        'public-key.pem',
        'report.html',
        'manifest.json',
        'manifest.sig',
      ].sort(),
    );
    expect(manifest.format).toBe(PACKET_FORMAT);
    expect(manifest.signing.fingerprint).toBe(h.gateway.signingKey.fingerprint);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      [...entries.keys()].filter((p) => !p.startsWith('manifest.')).sort(),
    );
    const session = h.gateway.store.getSession(sessionId);
    expect(manifest.sessions[0]?.finalHash).toBe(session?.finalHash);
    expect(manifest.custody[0]).toMatchObject({
      action: 'exported',
      by: 'bob',
      via: 'cli',
      auditSeq: manifest.audit.toSeq,
    });
    // The range starts at the session's first audit event and ends with the export itself.
    const first = h.gateway.store.listAudit({ sessionId, limit: 1 })[0];
    expect(manifest.audit.fromSeq).toBe(first?.seq);
    expect(manifest.audit.prevHash).toBe(first?.prevHash);
    expect(h.gateway.store.listAudit({ type: 'evidence.export' }).at(-1)?.hash).toBe(manifest.audit.headHash);
  });

  it('verifies: signature, every file, the recording and the audit range, one check each', async () => {
    const result = await verifyPacketFile(packetPath, { trustedKey: h.gateway.signingKey.publicKey });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.pinned).toBe(true);
    const names = result.checks.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'zip',
        'manifest',
        'public key',
        'signature',
        'extra files',
        `recording ${sessionId}`,
        'audit chain',
      ]),
    );
    expect(names.filter((n) => n.startsWith('file '))).toHaveLength(manifest.files.length);
  });

  it('is a plain zip that unzip, Python and OpenSSL read without Vigil', () => {
    execFileSync('unzip', ['-tq', packetPath]);
    const out = join(dir, 'unzipped');
    mkdirSync(out);
    execFileSync('unzip', ['-q', packetPath, '-d', out]);
    // The documented manual check of manifest.sig: Ed25519 over the exact bytes of manifest.json.
    const verified = execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        'public-key.pem',
        '-rawin',
        '-in',
        'manifest.json',
        '-sigfile',
        'manifest.sig',
      ],
      { cwd: out, encoding: 'utf8' },
    );
    expect(verified).toMatch(/Signature Verified Successfully/);
    for (const f of manifest.files) {
      const sum = execFileSync('sha256sum', [f.path], { cwd: out, encoding: 'utf8' }).split(' ')[0];
      expect(sum, f.path).toBe(f.sha256);
    }
  });

  it('capture.pcapng: tshark decodes every statement the client sent, in order', async () => {
    const entries = await readPacket(packetPath);
    const pcap = join(dir, 'capture.pcapng');
    writeFileSync(pcap, entries.get(`sessions/${sessionId}/capture.pcapng`) as Uint8Array);
    const queries = execFileSync('tshark', ['-r', pcap, '-Y', 'pgsql.query', '-T', 'fields', '-e', 'pgsql.query'], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    expect(queries).toEqual([...SAMPLE_STATEMENTS, SAMPLE_PREPARED.text]);
    // Every message decodes as pgsql: no malformed packets, no TCP problems.
    const expert = execFileSync(
      'tshark',
      ['-r', pcap, '-Y', '_ws.malformed || tcp.analysis.flags || _ws.expert.severity >= warning'],
      { encoding: 'utf8' },
    );
    expect(expert.trim()).toBe('');
    const types = execFileSync('tshark', ['-r', pcap, '-Y', 'pgsql', '-T', 'fields', '-e', 'pgsql.type'], {
      encoding: 'utf8',
    });
    expect(types).toMatch(/Startup message/);
    expect(types).toMatch(/Row description/);
    expect(types).toMatch(/Error/);
    // Annotations are packet comments; the section header says what the capture is.
    const comments = execFileSync(
      'tshark',
      ['-r', pcap, '-Y', 'frame.comment', '-T', 'fields', '-e', 'frame.comment'],
      { encoding: 'utf8' },
    );
    expect(comments).toMatch(/vigil: ALLOW statement \(frame \d+, rule allow-all#1\): select 1 as one/);
    expect(comments).toMatch(/vigil frame 0 \(client → server, \d+ bytes\)/);
    const info = execFileSync('capinfos', [pcap], { encoding: 'utf8' });
    expect(info).toMatch(/TLS between the agent and the gateway/);
  });

  it('transcript.txt, session.json and report.html are readable and say what happened', async () => {
    const entries = await readPacket(packetPath);
    const text = (p: string) => new TextDecoder().decode(entries.get(p));
    const transcript = text(`sessions/${sessionId}/transcript.txt`);
    for (const sql of SAMPLE_STATEMENTS) expect(transcript).toContain(`Query: ${sql}`);
    expect(transcript).toMatch(/ALLOW statement/);
    expect(transcript).toMatch(/DataRow: "1" \| "ann@example.com"/);
    expect(transcript).toMatch(/ErrorResponse: ERROR 42P01/);
    const session = JSON.parse(text(`sessions/${sessionId}/session.json`)) as {
      session: { id: string };
      commands: unknown[];
    };
    expect(session.session.id).toBe(sessionId);
    expect(session.commands.length).toBe(SAMPLE_STATEMENTS.length + 1);
    const report = text('report.html');
    expect(report).not.toMatch(/<script|https?:\/\/(?!www\.w3)/i);
    expect(report).toContain(manifest.sessions[0]?.finalHash);
    expect(report).toContain('openssl pkeyutl -verify');
    expect(report).toContain('select * from evidence_t order by id');
    const events = text('audit/events.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ class_uid: 6003, unmapped: { vigil: { type: 'evidence.export' } } });
    expect(events[0]).toMatchObject({
      class_uid: 6005,
      activity_name: 'Connect',
      unmapped: { vigil: { type: 'session.start', sessionId } },
    });
  });

  it('POST /api/evidence streams the packet to a signed-in auditor', async () => {
    for (const route of evidenceRoutes({
      store: h.gateway.store,
      signingKey: h.gateway.signingKey,
      logger: silentLogger,
    })) {
      h.gateway.api.addRoute(route);
    }
    const token = await h.idp.tokenFor('admin-1');
    const post = (body: unknown) =>
      fetch(`${h.gateway.api.url}/api/evidence`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await post({ sessions: [sessionId] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="vigil-evidence-pkt_\w+\.zip"$/);
    const zip = join(dir, 'api.zip');
    writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    const verified = await verifyPacketFile(zip, { trustedKey: h.gateway.signingKey.publicKey });
    expect(verified.ok).toBe(true);
    expect(verified.manifest?.creator).toMatchObject({ principal: 'admin-1', via: 'api' });

    expect((await post({ sessions: ['nope'] })).status).toBe(404);
    expect((await post({ sessions: [] })).status).toBe(400);
    const anonymous = await fetch(`${h.gateway.api.url}/api/evidence`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    const agent = await fetch(`${h.gateway.api.url}/api/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await h.agentToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessions: [sessionId] }),
    });
    expect(agent.status).toBe(403);
  });

  it('refuses a live session and a recording that does not verify, before writing anything', async () => {
    const client = await h.client();
    const live = await eventually(() => h.gateway.store.listSessions({ status: 'live' }).sessions[0]?.id);
    const out = join(dir, 'live.zip');
    await expect(
      buildEvidencePacket({
        store: h.gateway.store,
        sessionIds: [live],
        signingKey: h.gateway.signingKey,
        creator: { principal: 'bob', via: 'cli' },
        toolVersion: 't',
        out,
      }),
    ).rejects.toThrow(/still live/);
    await client.end();
    const ended = await eventually(() =>
      h.gateway.store.getSession(live)?.status === 'ended' ? h.gateway.store.getSession(live) : undefined,
    );
    const original = readFileSync(ended.recording);
    const at = (h.gateway.store.chunks(live)[0]?.offset ?? 0) + 80; // the first payload byte of chunk 0
    writeFileSync(ended.recording, flipByte(original, at));
    await expect(
      buildEvidencePacket({
        store: h.gateway.store,
        sessionIds: [live],
        signingKey: h.gateway.signingKey,
        creator: { principal: 'bob', via: 'cli' },
        toolVersion: 't',
        out,
      }),
    ).rejects.toThrow(/does not verify.*chunk 0/);
    writeFileSync(ended.recording, original);
    expect(() => readFileSync(out)).toThrow();
    expect(() => readFileSync(`${out}.partial`)).toThrow();
  });
});
