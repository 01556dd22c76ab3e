import type { VerifyCheck } from '@vigil/recordings';
import { formatBytes, formatCount, formatDateTime } from '../lib/format';
import type { OpenedPacket } from './opened-packet';
import { PacketSessions } from './PacketSessions';
import { TrustedKeyForm } from './TrustedKeyForm';

/** What an opened packet is and whether it holds: the verdict, the signer, the manifest, every check. */
export function PacketReport({ packet }: { packet: OpenedPacket }) {
  const { verification, manifest } = packet;
  const failed = verification.checks.filter((c) => !c.ok);
  return (
    <div className="packet-report" data-packet-id={manifest?.packetId}>
      <Verdict checks={verification.checks} failed={failed} pinned={verification.pinned} name={packet.name} />
      <div className="packet-columns">
        <section className="packet-card" aria-labelledby="packet-signer">
          <h2 id="packet-signer">Signer</h2>
          <dl className="facts">
            <dt>Key</dt>
            <dd>
              <code className="mono" data-fingerprint={verification.keyFingerprint ?? ''}>
                {verification.keyFingerprint ?? 'unknown'}
              </code>{' '}
              <span className={verification.pinned ? 'badge decision-allow' : 'badge'}>
                {verification.pinned ? 'pinned' : "packet's own key"}
              </span>
            </dd>
          </dl>
          <p className="muted small">
            {verification.pinned
              ? 'Checked against the key you trust: the gateway that holds it signed this packet.'
              : 'Without a pinned key the packet proves its integrity, not who made it: paste the gateway’s public key (vigil keys, or the Audit view) to check it.'}
          </p>
          <TrustedKeyForm packet={packet} />
        </section>
        {manifest && (
          <section className="packet-card" aria-labelledby="packet-manifest">
            <h2 id="packet-manifest">Manifest</h2>
            <dl className="facts">
              <dt>Packet</dt>
              <dd className="mono">{manifest.packetId}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(manifest.createdAt)}</dd>
              <dt>Creator</dt>
              <dd>
                {manifest.creator.name
                  ? `${manifest.creator.name} (${manifest.creator.principal})`
                  : manifest.creator.principal}
                {manifest.creator.email && <span className="muted"> · {manifest.creator.email}</span>}
                <span className="muted"> · via {manifest.creator.via}</span>
              </dd>
              <dt>Tool</dt>
              <dd>
                {manifest.tool.name} {manifest.tool.version}
              </dd>
              <dt>Files</dt>
              <dd>
                {formatCount(manifest.files.length)} ({formatBytes(manifest.files.reduce((n, f) => n + f.size, 0))}),
                file {packet.name}
              </dd>
              <dt>Audit range</dt>
              <dd>
                seq {manifest.audit.fromSeq}–{manifest.audit.toSeq}, {formatCount(manifest.audit.events)} events, head{' '}
                <code className="mono" title={manifest.audit.headHash}>
                  {manifest.audit.headHash.slice(0, 16)}…
                </code>
              </dd>
              {manifest.custody.map((entry) => (
                <Custody key={`${entry.at}:${entry.action}`} entry={entry} />
              ))}
            </dl>
          </section>
        )}
      </div>
      {manifest && <PacketSessions packet={packet} />}
      <Checks checks={verification.checks} />
    </div>
  );
}

function Verdict(props: { checks: VerifyCheck[]; failed: VerifyCheck[]; pinned: boolean; name: string }) {
  const { checks, failed } = props;
  if (failed.length === 0) {
    return (
      <div className="banner ok verdict" role="status" data-verified="true">
        ✓ Verified: all {formatCount(checks.length)} checks of {props.name} passed
        {props.pinned ? ', signed by the pinned key.' : '.'}
      </div>
    );
  }
  const first = failed[0];
  return (
    <div className="banner error verdict" role="alert" data-verified="false">
      ✗ Not verified: {formatCount(failed.length)} of {formatCount(checks.length)} checks failed.
      {first && (
        <>
          {' '}
          First: <strong>{first.name}</strong>: {first.detail}
        </>
      )}
    </div>
  );
}

function Custody({ entry }: { entry: { at: string; action: string; by: string; via: string; auditSeq?: number } }) {
  return (
    <>
      <dt>Custody</dt>
      <dd>
        {entry.action} by {entry.by} via {entry.via}, {formatDateTime(entry.at)}
        {entry.auditSeq !== undefined && <span className="muted"> (audit seq {entry.auditSeq})</span>}
      </dd>
    </>
  );
}

/** Every check the verifier made, in its order, with what it found (or exactly what failed). */
function Checks({ checks }: { checks: VerifyCheck[] }) {
  return (
    <section className="packet-card packet-checks" aria-labelledby="packet-checks">
      <h2 id="packet-checks">Checks</h2>
      <table className="plain-table" aria-label="Verification checks">
        <thead>
          <tr>
            <th scope="col">Result</th>
            <th scope="col">Check</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check, i) => (
            <tr
              // biome-ignore lint/suspicious/noArrayIndexKey: checks are a fixed list per verification; names repeat
              key={i}
              className={check.ok ? 'check-ok' : 'check-failed'}
              data-check={check.name}
              data-ok={String(check.ok)}
            >
              <td className="check-result">{check.ok ? '✓ verified' : '✗ failed'}</td>
              <td className="check-name mono">{check.name}</td>
              <td className="check-detail">{check.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
