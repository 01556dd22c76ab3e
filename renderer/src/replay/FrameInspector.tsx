import { useState } from 'react';
import type { Frame } from '../api/api.types';
import { formatBytes, formatCount, formatTimecode } from '../lib/format';
import { JsonView } from '../monaco/JsonView';
import { HexView } from './HexView';

const HEX_LIMIT = 4096;

interface FrameInspectorProps {
  frame: Frame | undefined;
  n: number;
  pinned: boolean;
  onUnpin: () => void;
}

function frameTitle(frame: Frame): string {
  if (frame.kind === 'bytes') {
    const arrow = frame.direction === 'client' ? 'client → gateway' : 'gateway → client';
    return `${arrow} · channel ${frame.channel} · ${formatBytes(frame.size)}`;
  }
  if (frame.kind === 'resize') return `terminal resized to ${frame.cols}×${frame.rows}`;
  return `annotation · ${frame.value.type}`;
}

function TruncationNote({ size }: { size: number }) {
  if (size <= HEX_LIMIT) return null;
  return (
    <p className="muted small hex-note">
      Showing the first {formatBytes(HEX_LIMIT)} of {formatBytes(size)}.
    </p>
  );
}

/** The frame under the cursor (or the one picked): decoded messages, their fields, and the raw bytes. */
export function FrameInspector({ frame, n, pinned, onUnpin }: FrameInspectorProps) {
  // The picked message, remembered per frame: another frame starts at its first message.
  const [pick, setPick] = useState({ frame: -1, index: 0 });
  const selected = pick.frame === frame?.n ? pick.index : 0;
  const setSelected = (index: number) => setPick({ frame: frame?.n ?? -1, index });

  if (!frame) {
    return (
      <section className="inspector" aria-label="Frame inspector">
        <div className="inspector-head">
          <h2>Frame #{formatCount(Math.max(0, n))}</h2>
          <span className="muted">{n < 0 ? 'No frames.' : 'Loading…'}</span>
        </div>
      </section>
    );
  }

  const messages = frame.kind === 'bytes' ? (frame.messages ?? []) : [];
  const message = messages[selected];
  return (
    <section className="inspector" aria-label="Frame inspector" data-frame={frame.n}>
      <div className="inspector-head">
        <h2>Frame #{formatCount(frame.n)}</h2>
        <span className="timecode muted">{formatTimecode(frame.tUs)}</span>
        <span className={`direction ${frame.kind === 'bytes' ? frame.direction : frame.kind}`}>
          {frameTitle(frame)}
        </span>
        <span className="spacer" />
        {pinned && (
          <button type="button" className="button small ghost" onClick={onUnpin}>
            Follow cursor
          </button>
        )}
      </div>
      <div className="inspector-body">
        {frame.kind === 'bytes' && messages.length === 0 ? (
          // Terminal and undecoded bytes: the dump is the whole story.
          <div className="message-hex wide">
            <HexView hex={frame.hex} highlight={null} />
            <TruncationNote size={frame.size} />
          </div>
        ) : frame.kind === 'bytes' ? (
          <>
            <ul className="message-list" aria-label="Decoded messages">
              {messages.map((m, i) => (
                <li key={`${m.offset}:${m.type}`}>
                  <button
                    type="button"
                    className={i === selected ? 'message selected' : 'message'}
                    aria-pressed={i === selected}
                    onClick={() => setSelected(i)}
                  >
                    <span className="message-type">{m.type}</span>
                    <span className="muted">
                      @{m.offset} · {formatBytes(m.length)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            <div className="message-fields">
              {message && <JsonView value={message.fields} label={`${message.type} fields`} />}
            </div>
            <div className="message-hex">
              <HexView
                hex={frame.hex}
                highlight={message ? { start: message.offset, end: message.offset + message.length } : null}
              />
              <TruncationNote size={frame.size} />
            </div>
          </>
        ) : (
          <div className="message-fields wide">
            <JsonView value={frame.kind === 'annotation' ? frame.value : frame} label="Frame" />
          </div>
        )}
      </div>
    </section>
  );
}
