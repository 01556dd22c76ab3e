import { formatCount, formatDateTime } from '../lib/format';
import { packetSessionHref } from '../shell/routes';
import type { OpenedPacket } from './opened-packet';

/** The packet's sessions, each with its final chain hash and whether its recording verified; click to replay. */
export function PacketSessions({ packet }: { packet: OpenedPacket }) {
  const sessions = packet.manifest?.sessions ?? [];
  const recordingOk = (id: string) => packet.verification.checks.find((c) => c.name === `recording ${id}`)?.ok;
  return (
    <section className="packet-card" aria-labelledby="packet-sessions">
      <h2 id="packet-sessions">Sessions</h2>
      <table className="plain-table packet-sessions" aria-label="Packet sessions">
        <thead>
          <tr>
            <th scope="col">Session</th>
            <th scope="col">Principal → connection</th>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Frames
            </th>
            <th scope="col" className="num">
              Commands
            </th>
            <th scope="col" className="num">
              Denials
            </th>
            <th scope="col" className="num">
              Masked
            </th>
            <th scope="col">Final hash</th>
            <th scope="col">
              <span className="visually-hidden">Replay</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => {
            const ok = recordingOk(s.id);
            return (
              <tr key={s.id} data-session-id={s.id}>
                <td className="mono">
                  {s.id} <span className={`proto proto-${s.protocol}`}>{s.protocol}</span>
                </td>
                <td>
                  {s.principal} <span className="muted">→</span> {s.connection}
                </td>
                <td>{formatDateTime(s.startedAt)}</td>
                <td>
                  <span className={`badge status-${s.status}`}>{s.status}</span>
                </td>
                <td className="num">{formatCount(s.seal.frames)}</td>
                <td className="num">{formatCount(s.commands)}</td>
                <td className="num">{formatCount(s.denials)}</td>
                <td className="num">{formatCount(s.masked)}</td>
                <td className="final-hash">
                  <code className="mono" title={s.finalHash}>
                    {s.finalHash}
                  </code>{' '}
                  {ok !== undefined && (
                    <span className={ok ? 'hash-ok' : 'hash-failed'}>{ok ? '✓ chain verified' : '✗ chain failed'}</span>
                  )}
                </td>
                <td>
                  <a className="button small" href={packetSessionHref(s.id)} aria-label={`Replay session ${s.id}`}>
                    Replay
                  </a>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
