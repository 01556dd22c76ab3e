import { memo, useMemo } from 'react';
import { byteAscii, byteHex, hexRows, offsetHex } from '../lib/hex';

interface HexViewProps {
  hex: string;
  /** Bytes [start, end) to highlight (the selected message). */
  highlight: { start: number; end: number } | null;
}

/** A classic hex dump (offset, 16 bytes, ASCII) of a frame's bytes, the selected message highlighted. */
export const HexView = memo(function HexView({ hex, highlight }: HexViewProps) {
  const rows = useMemo(() => hexRows(hex), [hex]);
  if (rows.length === 0) return <div className="hex-view muted">No bytes.</div>;
  return (
    <section className="hex-view" aria-label="Frame bytes (hex)">
      {rows.map((row) => {
        const inRow = highlight && highlight.start < row.offset + 16 && highlight.end > row.offset;
        return (
          <div key={row.offset} className="hex-row">
            <span className="hex-offset">{offsetHex(row.offset)}</span>
            {inRow ? (
              <HighlightedRow offset={row.offset} bytes={row.bytes} highlight={highlight} />
            ) : (
              <>
                <span className="hex-bytes">{row.bytes.map(byteHex).join(' ').padEnd(47, ' ')}</span>
                <span className="hex-ascii">{row.bytes.map(byteAscii).join('')}</span>
              </>
            )}
          </div>
        );
      })}
    </section>
  );
});

function HighlightedRow(props: { offset: number; bytes: number[]; highlight: { start: number; end: number } }) {
  const { offset, bytes, highlight } = props;
  const on = (i: number) => offset + i >= highlight.start && offset + i < highlight.end;
  return (
    <>
      <span className="hex-bytes">
        {bytes.map((byte, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: byte positions are the identity here
          <span key={i} className={on(i) ? 'hl' : undefined}>
            {byteHex(byte)}
            {i < bytes.length - 1 ? ' ' : ''}
          </span>
        ))}
        {' '.repeat(Math.max(0, 47 - (bytes.length * 3 - 1)))}
      </span>
      <span className="hex-ascii">
        {bytes.map((byte, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: byte positions are the identity here
          <span key={i} className={on(i) ? 'hl' : undefined}>
            {byteAscii(byte)}
          </span>
        ))}
      </span>
    </>
  );
}
