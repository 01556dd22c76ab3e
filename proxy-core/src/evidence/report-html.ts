import type { EvidenceManifest, PacketFile, PacketSession } from '@vigil/recordings';
import type { ApprovalRequest, CommandEntry, Session } from '../store/store.types';

/** What the report shows of one session besides the manifest's facts. */
export interface ReportSession {
  session: Session;
  entry: PacketSession;
  /** The first commands (capped by the builder) and how many there are in all. */
  commands: CommandEntry[];
  commandCount: number;
  approvals: ApprovalRequest[];
}

export interface ReportInput {
  manifest: Omit<EvidenceManifest, 'files'>;
  /** Every file but the report itself and the manifest. */
  files: PacketFile[];
  sessions: ReportSession[];
}

const CSS = `body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;max-width:1100px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
h3{margin-top:1.6rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;vertical-align:top;padding:.25rem .5rem;border-bottom:1px solid #eaeef2}
th{background:#f6f8fa;font-weight:600}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
.hash{word-break:break-all}.facts th{width:13rem}.muted{color:#59636e}
.d{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:12px;font-weight:600;border:1px solid}
.allow,.approved,.approve{background:#dafbe1;border-color:#4ac26b;color:#116329}
.deny,.denied,.expired,.cancelled{background:#ffebe9;border-color:#ff8182;color:#a40e26}
.review,.pending{background:#fff8c5;border-color:#d4a72c;color:#7d4e00}
pre{background:#f6f8fa;padding:.75rem;border-radius:6px;overflow-x:auto}
.sql{white-space:pre-wrap;word-break:break-word}`;

/** A self-contained HTML report: inline CSS, no scripts, no network; readable without Vigil. */
export function reportHtml(input: ReportInput): string {
  const m = input.manifest;
  const body = [
    `<h1>Vigil evidence packet</h1>`,
    `<p class="muted mono">${e(m.packetId)}</p>`,
    facts([
      ['Created', `${e(m.createdAt)} by <b>${e(m.creator.principal)}</b> (${e(m.creator.via)})`],
      ['Tool', e(`${m.tool.name} ${m.tool.version}`)],
      ['Signing key', `Ed25519 <code>${e(m.signing.fingerprint)}</code> (<code>${e(m.signing.publicKeyFile)}</code>)`],
      ['Sessions', String(m.sessions.length)],
      [
        'Audit range',
        `seq ${m.audit.fromSeq}–${m.audit.toSeq}, head <code class="hash">${e(m.audit.headHash)}</code>, previous <code class="hash">${e(m.audit.prevHash)}</code>`,
      ],
    ]),
    verifySection(m),
    ...input.sessions.map(sessionSection),
    custodySection(m),
    filesSection(input.files),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Vigil evidence packet ${e(m.packetId)}</title><style>${CSS}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}

function verifySection(m: ReportInput['manifest']): string {
  return `<h2>How to verify this packet</h2>
<p>Any change to any byte of the packet is detected. Check it with Vigil, or by hand with standard tools:</p>
<pre>vigil verify packet.zip --key gateway-public-key.pem    # every check below, one line each; exit 0 only if all pass</pre>
<ol>
<li><b>Signature.</b> <code>manifest.sig</code> is an Ed25519 signature over the exact bytes of <code>manifest.json</code>.
Obtain the gateway's public key independently (<code>vigil keys</code> on the gateway) and compare its fingerprint with
<code>${e(m.signing.fingerprint)}</code>; then <pre>openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in manifest.json -sigfile manifest.sig</pre></li>
<li><b>Files.</b> Every other file is listed in <code>manifest.json</code> with its size and SHA-256
(<code>sha256sum sessions/*/* audit/events.jsonl report.html public-key.pem</code>); nothing may be missing or added.</li>
<li><b>Recordings.</b> Each <code>recording.vrec</code> is a SHA-256 hash chain of chunks sealed with the same key
(<code>vigil verify sessions/ID/recording.vrec --key …</code>); its final hash must equal the manifest's.</li>
<li><b>Audit log.</b> Each line of <code>audit/events.jsonl</code> carries the chained event in <code>unmapped.vigil</code>:
<code>hash = SHA-256(prevHash ‖ canonical JSON of the event without hash)</code> (RFC 8785). The range starts mid-chain:
the first event's <code>prevHash</code> is the manifest's <code>audit.prevHash</code> (the hash of seq ${m.audit.fromSeq - 1}); events of
other sessions are omitted by seq run (<code>audit.omitted</code>). Compare the range's ends with the gateway's log
(<code>vigil audit verify</code>) to place it in the whole chain.</li>
<li><b>Derived files.</b> <code>capture.pcapng</code> opens in Wireshark (<code>tshark -r capture.pcapng -Y pgsql</code>);
<code>terminal.cast</code> plays with <code>asciinema play</code>; <code>transcript.txt</code> is plain text. They are rebuilt from the
recording and covered by the manifest's hashes.</li>
</ol>`;
}

function sessionSection(r: ReportSession): string {
  const s = r.session;
  const startMs = Date.parse(s.startedAt);
  const rows: string[] = [];
  rows.push(
    timelineRow(
      s.startedAt,
      '+0.000',
      'session start',
      `${e(s.principal)} → ${e(s.connection)} (${e(s.upstream)}) from ${e(s.clientAddr)}`,
    ),
  );
  for (const c of r.commands) {
    const at = new Date(startMs + c.tUs / 1000).toISOString();
    rows.push(
      timelineRow(
        at,
        `+${(c.tUs / 1e6).toFixed(3)}`,
        `${badge(c.decision)} frame ${c.frame}`,
        `<div class="sql mono">${e(c.text)}</div>${c.rule ? `<div class="muted">rule ${e(c.rule)}</div>` : ''}`,
      ),
    );
  }
  if (r.commandCount > r.commands.length) {
    rows.push(
      `<tr><td colspan="3" class="muted">… ${r.commandCount - r.commands.length} more statements: see transcript.txt and session.json</td></tr>`,
    );
  }
  if (s.endedAt) {
    const secs = ((Date.parse(s.endedAt) - startMs) / 1000).toFixed(3);
    rows.push(timelineRow(s.endedAt, `+${secs}`, `session ${e(s.status)}`, e(s.endReason ?? '')));
  }
  const seal = r.entry.seal;
  return `<h2>Session <span class="mono">${e(s.id)}</span></h2>
${facts([
  ['Principal', `${e(s.principal)} <span class="muted">(groups: ${e(s.groups.join(', ') || '-')})</span>`],
  ['Connection', `${e(s.connection)} (${e(s.protocol)}, upstream ${e(s.upstream)})`],
  ['Client', e(s.clientAddr)],
  [
    'Time',
    `${e(s.startedAt)} → ${e(s.endedAt ?? 'still live')} (${e(s.status)}${s.endReason ? `: ${e(s.endReason)}` : ''})`,
  ],
  [
    'Traffic',
    `${s.bytesIn} bytes from the client, ${s.bytesOut} bytes to it; ${seal.frames} frames in ${seal.chunks} chunks`,
  ],
  ['Statements', `${s.commands} (${s.denials} denied, ${s.approvals} held for approval)`],
  ['Masking', `${s.masked} value(s) masked before reaching the agent`],
  [
    'Recording',
    `<code>${e(r.entry.recording)}</code>, ${seal.interrupted ? 'sealed as interrupted' : 'sealed'} at ${e(seal.endedAt)} (${e(seal.reason)})`,
  ],
  ['Final chain hash', `<code class="hash">${e(r.entry.finalHash)}</code>`],
  ['Seal key', `<code>${e(seal.keyFingerprint)}</code>`],
])}
<h3>Timeline</h3>
<table><thead><tr><th>Time (UTC)</th><th>Decision</th><th>What</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
${approvalsTable(r.approvals)}`;
}

function timelineRow(iso: string, offset: string, kind: string, what: string): string {
  return `<tr><td class="mono">${e(iso)}<br><span class="muted">${e(offset)} s</span></td><td>${kind}</td><td>${what}</td></tr>`;
}

function approvalsTable(approvals: ApprovalRequest[]): string {
  if (approvals.length === 0) return '<h3>Approvals</h3><p class="muted">No statement was held for approval.</p>';
  const rows = approvals.map((a) => {
    const votes = a.votes
      .map((v) => `${badge(v.decision)} ${e(v.approver)} at ${e(v.at)}${v.reason ? `: ${e(v.reason)}` : ''}`)
      .join('<br>');
    return `<tr><td class="mono">${e(a.id)}<br><span class="muted">${e(a.createdAt)}</span></td><td>${badge(a.status)}<br><span class="muted">rule ${e(a.rule)}</span></td><td><div class="sql mono">${e(a.statement)}</div></td><td>${votes || '<span class="muted">none</span>'}${a.decidedAt ? `<div class="muted">decided ${e(a.decidedAt)}</div>` : ''}</td></tr>`;
  });
  return `<h3>Approvals</h3><table><thead><tr><th>Request</th><th>Status</th><th>Statement</th><th>Votes</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

function custodySection(m: ReportInput['manifest']): string {
  const rows = m.custody.map(
    (c) =>
      `<tr><td class="mono">${e(c.at)}</td><td>${e(c.action)}</td><td>${e(c.by)} (${e(c.via)})</td><td>${e(c.tool)}</td><td class="mono">${c.auditSeq ?? ''}</td></tr>`,
  );
  return `<h2>Chain of custody</h2><table><thead><tr><th>When</th><th>Action</th><th>By</th><th>Tool</th><th>Audit seq</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

function filesSection(files: PacketFile[]): string {
  const rows = files.map(
    (f) => `<tr><td class="mono">${e(f.path)}</td><td>${f.size}</td><td class="mono hash">${e(f.sha256)}</td></tr>`,
  );
  return `<h2>Files</h2><p class="muted">As listed (and signed) in manifest.json; report.html itself is listed there too.</p>
<table><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

function facts(rows: [string, string][]): string {
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function badge(decision: string): string {
  return `<span class="d ${e(decision)}">${e(decision)}</span>`;
}

function e(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
