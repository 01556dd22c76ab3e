import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useMemo, useRef } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { formatCount, formatTimecode } from '../lib/format';
import type { FrameStore } from '../replay/frame-store';
import { PAGE_SIZE } from '../replay/frame-window-cache';
import { buildConsole, type ConsoleItem } from './console-model';
import { StatementBlock } from './StatementBlock';
import './console.css';

interface ConsoleViewProps {
  store: FrameStore;
  version: number;
  cursor: number;
  onInspect: (frame: number) => void;
  /** Rendered after the last statement (approval cards of a live session). */
  footer?: ReactNode;
}

/** The console shows the page before the cursor's page too, so a statement's earlier frames are in view. */
export function consoleWindow(cursor: number): [number, number] {
  const start = Math.max(0, (Math.floor(Math.max(0, cursor) / PAGE_SIZE) - 1) * PAGE_SIZE);
  return [start, cursor];
}

/** A PostgreSQL session as a console, as of the cursor: statements, decisions, results, notes. */
export function ConsoleView({ store, version, cursor, onInspect, footer }: ConsoleViewProps) {
  const [from, to] = consoleWindow(cursor);
  const complete = store.cache.missingPages(from, to, store.total).length === 0;
  // version: frames arrived; rebuild from the cache.
  const items = useMemo(() => {
    void version;
    return buildConsole(store.cache.range(from, to), to);
  }, [store, from, to, version]);

  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const virtualizer = useVirtualizer({
    count: items.length + 1,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (i === items.length ? 40 : 140),
    overscan: 4,
    getItemKey: (i) => items[i]?.id ?? 'footer',
  });

  // Like a terminal: new output keeps the view at the bottom unless the user scrolled up.
  useEffect(() => {
    if (stick.current && items.length > 0) virtualizer.scrollToIndex(items.length, { align: 'end' });
  }, [items, virtualizer]);

  const currentId = currentItem(items, cursor);
  return (
    <div
      className="console"
      ref={scroller}
      onScroll={(event) => {
        const el = event.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
    >
      {from > 0 && (
        <div className="console-earlier muted">
          Showing frames from #{formatCount(from)}; step back or use the outline for earlier statements.
        </div>
      )}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => {
          const item = items[row.index];
          return (
            <div
              key={row.key}
              data-index={row.index}
              ref={virtualizer.measureElement}
              className="console-row"
              style={{ transform: `translateY(${row.start}px)` }}
            >
              {item ? (
                // One entry that cannot render (an odd annotation) says so in place; the rest of the console stays.
                <ErrorBoundary what={`The entry at frame #${formatCount(item.frame)}`} resetKey={item}>
                  <ConsoleEntry item={item} current={item.id === currentId} onInspect={onInspect} />
                </ErrorBoundary>
              ) : (
                <div className="console-footer">
                  {!complete && <div className="muted loading-line">Loading frames…</div>}
                  {complete && items.length === 0 && (
                    <div className="empty">Nothing to show yet at frame #{formatCount(Math.max(0, cursor))}.</div>
                  )}
                  {footer}
                </div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The last item that started at or before the cursor. */
function currentItem(items: ConsoleItem[], cursor: number): string | null {
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i];
    if (item && item.frame <= cursor) return item.id;
  }
  return null;
}

function ConsoleEntry({
  item,
  current,
  onInspect,
}: {
  item: ConsoleItem;
  current: boolean;
  onInspect: (frame: number) => void;
}) {
  switch (item.kind) {
    case 'statement':
      return <StatementBlock statement={item} current={current} onInspect={onInspect} />;
    case 'note':
      return (
        <aside className="console-note" data-frame={item.frame}>
          <span className="timecode muted">{formatTimecode(item.tUs)}</span> <strong>{item.author}</strong>: {item.text}
        </aside>
      );
    case 'event':
      return (
        <div className="console-event muted" data-frame={item.frame}>
          <span className="timecode">{formatTimecode(item.tUs)}</span> {item.text}
        </div>
      );
  }
}
