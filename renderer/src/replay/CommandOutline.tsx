import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { formatCount } from '../lib/format';
import type { MarkerCoverage } from './marker-loader';
import type { Marker } from './timeline-markers';

interface CommandOutlineProps {
  markers: readonly Marker[];
  markerVersion: number;
  coverage: MarkerCoverage | 'loading';
  cursor: number;
  /** The deep link of a frame (each entry is one). */
  frameHref: (frame: number) => string;
  onSeek: (frame: number) => void;
}

const ROW_HEIGHT = 26;
const ICON: Record<string, string> = { command: '▸', denial: '✕', approval: '✓', note: '✎' };

/** The session's outline: commands, denials, approvals and notes, in order; click to jump. */
export function CommandOutline({ markers, markerVersion, coverage, cursor, frameHref, onSeek }: CommandOutlineProps) {
  const entries = useMemo(() => {
    void markerVersion;
    return markers.filter((m) => m.kind !== 'mask');
  }, [markers, markerVersion]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const current = lastAtOrBefore(entries, cursor);

  useEffect(() => {
    if (current >= 0) virtualizer.scrollToIndex(current, { align: 'auto' });
  }, [current, virtualizer]);

  return (
    <nav className="outline" aria-label="Outline">
      <div className="side-title">
        Outline
        <span className="muted">
          {formatCount(entries.length)}
          {coverage === 'complete' ? '' : '+'}
        </span>
      </div>
      <div className="outline-list" ref={scroller}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const marker = entries[item.index];
            if (!marker) return null;
            return (
              // A link (each entry is a deep link to its frame); a plain click seeks in place.
              <a
                key={marker.n}
                href={frameHref(marker.target)}
                className={`outline-item kind-${marker.kind}${item.index === current ? ' current' : ''}`}
                aria-current={item.index === current ? 'location' : undefined}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={(event) => {
                  if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  onSeek(marker.target);
                }}
                title={`${marker.label} (frame ${marker.target})`}
              >
                <span className="outline-icon" aria-hidden="true">
                  {ICON[marker.kind] ?? '•'}
                </span>
                <span className="outline-label">{marker.label}</span>
              </a>
            );
          })}
        </div>
        {entries.length === 0 && (
          <p className="muted empty-small">{coverage === 'loading' ? 'Loading…' : 'No commands yet.'}</p>
        )}
      </div>
    </nav>
  );
}

function lastAtOrBefore(entries: readonly Marker[], cursor: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((entries[mid]?.target ?? 0) <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
