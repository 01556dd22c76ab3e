import { type KeyboardEvent, type PointerEvent, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatCount } from '../lib/format';
import { bucketMarkers, MARKER_KINDS, type Marker, type MarkerBucket, type MarkerKind } from './timeline-markers';

interface ReplayTimelineProps {
  cursor: number;
  total: number;
  markers: readonly Marker[];
  /** Changes when markers were added (the array is reused). */
  markerVersion: number;
  onSeek: (frame: number) => void;
}

const LANE_LABEL: Record<MarkerKind, string> = {
  command: 'Commands',
  denial: 'Denials',
  approval: 'Approvals',
  mask: 'Masks',
  note: 'Notes',
};

/** Pixels per marker column: 100k markers draw as at most width/3 ticks per lane. */
const COLUMN_PX = 3;

/** The timeline (by frame): one lane per marker kind above a scrubber. Click or drag to seek. */
export function ReplayTimeline({ cursor, total, markers, markerVersion, onSeek }: ReplayTimelineProps) {
  const track = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [hover, setHover] = useState<{ x: number; frame: number; labels: string[] } | null>(null);

  useLayoutEffect(() => {
    const element = track.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth || 800));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const buckets = useMemo(() => {
    void markerVersion;
    return bucketMarkers(markers, total, Math.max(1, Math.floor(width / COLUMN_PX)));
  }, [markers, markerVersion, total, width]);
  const byLane = useMemo(() => {
    const lanes = new Map<MarkerKind, MarkerBucket[]>();
    for (const kind of MARKER_KINDS) lanes.set(kind, []);
    for (const bucket of buckets) lanes.get(bucket.kind)?.push(bucket);
    return lanes;
  }, [buckets]);

  const last = Math.max(0, total - 1);
  const frameAt = (clientX: number) => {
    const rect = track.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return 0;
    return Math.round(Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)) * last);
  };
  const labelsNear = (frame: number) => {
    const span = Math.max(1, (last / Math.max(1, width)) * 4);
    return buckets
      .filter((b) => Math.abs(b.first.n - frame) <= span)
      .slice(0, 4)
      .map((b) => (b.count > 1 ? `${b.first.label} (+${b.count - 1})` : b.first.label));
  };

  const onPointer = (event: PointerEvent<HTMLDivElement>) => {
    const frame = frameAt(event.clientX);
    const rect = track.current?.getBoundingClientRect();
    setHover({ x: event.clientX - (rect?.left ?? 0), frame, labels: labelsNear(frame) });
    if (event.type === 'pointerdown') {
      event.currentTarget.setPointerCapture(event.pointerId);
      onSeek(frame);
    } else if (event.buttons === 1) onSeek(frame);
  };
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    // The global player keys handle arrows; PageUp/PageDown move by a tenth here.
    if (event.key === 'PageUp' || event.key === 'PageDown') {
      event.preventDefault();
      onSeek(Math.round(cursor + (event.key === 'PageUp' ? -0.1 : 0.1) * last));
    }
  };

  const progress = total > 1 ? Math.max(0, cursor) / last : total === 1 ? 1 : 0;
  return (
    <div className="timeline">
      <div className="timeline-legend" aria-hidden="true">
        {MARKER_KINDS.map((kind) => (
          <span key={kind} className={`legend lane-${kind}`}>
            {LANE_LABEL[kind]}
          </span>
        ))}
      </div>
      <div
        ref={track}
        className="timeline-track"
        role="slider"
        tabIndex={0}
        aria-label="Timeline"
        aria-valuemin={0}
        aria-valuemax={last}
        aria-valuenow={Math.max(0, cursor)}
        aria-valuetext={`Frame ${formatCount(Math.max(0, cursor))} of ${formatCount(last)}`}
        onPointerDown={onPointer}
        onPointerMove={onPointer}
        onPointerLeave={() => setHover(null)}
        onKeyDown={onKey}
      >
        {MARKER_KINDS.map((kind, lane) => (
          <div key={kind} className={`timeline-lane lane-${kind}`} style={{ top: lane * 6 }}>
            {byLane.get(kind)?.map((bucket) => (
              <span
                key={`${bucket.first.n}`}
                className="tick"
                data-marker={kind}
                style={{ left: `${bucket.at * 100}%`, opacity: Math.min(1, 0.55 + bucket.count / 10) }}
              />
            ))}
          </div>
        ))}
        <div className="timeline-bar">
          <div className="timeline-progress" style={{ width: `${progress * 100}%` }} />
        </div>
        <div className="timeline-head" style={{ left: `${progress * 100}%` }} />
        {hover && (
          <div className="timeline-tooltip" style={{ left: hover.x }}>
            <div>frame {formatCount(hover.frame)}</div>
            {hover.labels.map((label) => (
              <div key={label} className="tooltip-label">
                {label}
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
