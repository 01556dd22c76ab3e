import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';

export interface GridColumn {
  name: string;
  /** The whole column is masked (workbench results say so per column). */
  masked?: boolean;
}

export interface CellMask {
  rule: string;
  style?: string;
}

interface ResultGridProps {
  columns: readonly GridColumn[];
  rows: readonly (readonly (string | null)[])[];
  /** Masked cells by `${row}:${column}`. */
  masks: ReadonlyMap<string, CellMask>;
  label: string;
  /** Rows visible before the grid scrolls. */
  visibleRows?: number;
}

const ROW_HEIGHT = 24;
const CHAR_PX = 7.4;
const SAMPLE_ROWS = 200;
const ROWNUM_PX = 48;

/** Column widths from the header and a sample of rows; a masked cell must also fit its rule's name (hover). */
function columnWidths(
  columns: readonly GridColumn[],
  rows: readonly (readonly (string | null)[])[],
  masks: ReadonlyMap<string, CellMask>,
): number[] {
  const ruleChars = new Map<number, number>();
  for (const [key, mask] of masks) {
    const column = Number(key.slice(key.indexOf(':') + 1));
    ruleChars.set(column, Math.max(ruleChars.get(column) ?? 0, mask.rule.length + 2));
  }
  return columns.map((column, c) => {
    let chars = Math.max(column.name.length + (column.masked ? 8 : 2), ruleChars.get(c) ?? 0);
    for (let r = 0; r < Math.min(rows.length, SAMPLE_ROWS); r += 1) {
      chars = Math.max(chars, (rows[r]?.[c] ?? 'NULL').length);
    }
    return Math.round(Math.min(360, Math.max(64, chars * CHAR_PX + 18)));
  });
}

/**
 * A result set, virtualized (a 100k-row result scrolls like a 10-row one). A masked cell carries
 * data-masked="true" and holds only the masked text that was recorded; the rule shows as an overlay on hover.
 */
export function ResultGrid({ columns, rows, masks, label, visibleRows = 10 }: ResultGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const widths = useMemo(() => columnWidths(columns, rows, masks), [columns, rows, masks]);
  const template = `${ROWNUM_PX}px ${widths.map((w) => `${w}px`).join(' ')}`;
  const totalWidth = ROWNUM_PX + widths.reduce((a, b) => a + b, 0);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  // Header and rows, plus borders and room for a horizontal scrollbar.
  const height = (Math.min(rows.length, visibleRows) + 1) * ROW_HEIGHT + 14;

  return (
    <div className="result-grid" ref={scroller} style={{ maxHeight: height }}>
      <table className="vtable grid" aria-label={label} aria-rowcount={rows.length + 1} style={{ width: totalWidth }}>
        <thead>
          <tr style={{ gridTemplateColumns: template }}>
            <th scope="col" className="rownum">
              #
            </th>
            {columns.map((column, c) => (
              <th
                // Column names repeat (?column?); their position is their identity.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                key={c}
                scope="col"
                title={column.masked ? `${column.name} (masked)` : column.name}
              >
                {column.name}
                {column.masked && <span className="mask-flag">masked</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] ?? [];
            return (
              <tr
                key={item.index}
                aria-rowindex={item.index + 2}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <td className="rownum">{item.index + 1}</td>
                {columns.map((_, c) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are identified by their column position
                  <Cell key={c} value={row[c] ?? null} mask={masks.get(`${item.index}:${c}`)} />
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Cell({ value, mask }: { value: string | null; mask: CellMask | undefined }) {
  if (mask) {
    const why = `Masked by rule ${mask.rule}${mask.style ? ` (${mask.style})` : ''}`;
    return (
      <td className="masked" data-masked="true" data-rule={mask.rule} title={why}>
        {value ?? ''}
      </td>
    );
  }
  if (value === null) return <td className="null">NULL</td>;
  return <td title={value.length > 40 ? value : undefined}>{value}</td>;
}
