import type { Recording } from '@vigil/recordings';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ReplayView } from '../replay/ReplayView';
import { SessionHeader } from '../replay/SessionHeader';
import { packetSessionHref } from '../shell/routes';
import type { OpenedPacket } from './opened-packet';
import { usePacket } from './PacketContext';
import { sessionFromPacket } from './packet-session';
import { recordingFrameSource } from './recording-frame-source';
import './packet.css';

/** A session of the open packet, replayed from its recording in the browser, in the gateway's replay view. */
export function PacketSessionView({ id, frame }: { id: string; frame: number | null }) {
  const { state } = usePacket();
  if (state.status !== 'open') {
    return (
      <div className="view">
        <div className="banner error" role="alert">
          {state.status === 'verifying'
            ? 'The packet is still being verified.'
            : 'No evidence packet is open in this window (packets are not kept across reloads).'}{' '}
          <a href="#/packet">Open the packet</a> and choose the session again.
        </div>
      </div>
    );
  }
  return <PacketSessionReplay key={id} packet={state.packet} id={id} frame={frame} />;
}

function PacketSessionReplay({ packet, id, frame }: { packet: OpenedPacket; id: string; frame: number | null }) {
  const entry = packet.session(id);
  const [opened, setOpened] = useState<{ recording: Recording } | { error: string } | null>(null);
  useEffect(() => {
    let current = true;
    packet.recording(id).then(
      (recording) => current && setOpened({ recording }),
      (error: unknown) => current && setOpened({ error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [packet, id]);

  const recording = opened && 'recording' in opened ? opened.recording : null;
  const source = useMemo(
    () => (recording && entry ? recordingFrameSource(recording, entry.protocol) : null),
    [recording, entry],
  );
  const session = useMemo(
    () => (recording && entry ? sessionFromPacket(entry, recording.header) : null),
    [recording, entry],
  );
  const frameHref = useCallback((n: number | null) => packetSessionHref(id, n), [id]);

  if (!entry || (opened && 'error' in opened)) {
    return (
      <div className="view">
        <div className="banner error" role="alert">
          {entry
            ? `Cannot open the recording of session ${id}: ${opened && 'error' in opened ? opened.error : ''}`
            : `This packet has no session ${id}.`}{' '}
          <a href="#/packet">Back to the packet</a>
        </div>
      </div>
    );
  }
  if (!source || !session) return <div className="view-loading">Opening the recording…</div>;

  const failed = packet.verification.checks.filter((c) => !c.ok).length;
  return (
    <ReplayView
      session={session}
      source={source}
      live={null}
      frame={frame}
      frameHref={frameHref}
      header={
        <SessionHeader
          session={session}
          actions={
            <>
              <span
                className={failed === 0 ? 'badge decision-allow' : 'badge decision-deny'}
                data-verified={String(failed === 0)}
                title={`From ${packet.name}`}
              >
                {failed === 0 ? 'packet verified' : 'packet NOT verified'}
              </span>
              <a className="button" href="#/packet">
                Back to packet
              </a>
            </>
          }
        />
      }
      banner={
        failed > 0 ? (
          <div className="banner error" role="alert">
            {packet.name} did not pass verification ({failed} {failed === 1 ? 'check' : 'checks'} failed): what this
            replay shows may have been altered. <a href="#/packet">See the checks</a>.
          </div>
        ) : null
      }
    />
  );
}
