import type { BytesFrame, FrameDescriber } from '@vigil/recordings';
import {
  type BackendMessage,
  type FrontendMessage,
  type PgFrame,
  parseBackend,
  parseFrontend,
  parseStartupPacket,
} from '../protocols/postgres/codec';

/** DataRows shown per frame in a transcript; the rest are counted (the recording and the capture keep them all). */
const ROWS_SHOWN = 5;
const MAX_VALUE = 200;
const MAX_SQL = 8000;
const PROTOCOL_3 = 196_608;
const P_CODE = 0x70; // 'p': password / SASL: never decoded, it may carry a credential
const DATA_ROW = 0x44; // 'D'
const utf8 = new TextDecoder('utf-8');

/**
 * Transcript lines for one recorded PostgreSQL bytes frame: statements in full, results summarized (row
 * descriptions, the first rows, command tags, errors). The gateway records whole messages per frame.
 */
export const pgDescriber: FrameDescriber = (frame: BytesFrame) => {
  const data = frame.data;
  const lines: string[] = [];
  let off = 0;
  if (frame.direction === 'client' && looksLikeStartup(data)) {
    const length = int32(data, 0);
    lines.push(startupLine(data.subarray(4, length)));
    off = length;
  }
  const run = { rows: 0 };
  const flushRows = () => {
    if (run.rows > ROWS_SHOWN) lines.push(`… ${run.rows - ROWS_SHOWN} more DataRow`);
    run.rows = 0;
  };
  while (off < data.length) {
    const length = data.length - off >= 5 ? int32(data, off + 1) : -1;
    if (length < 4 || off + 1 + length > data.length) {
      lines.push(`(${data.length - off} bytes that are not a whole message)`);
      break;
    }
    const bytes = data.subarray(off, off + 1 + length);
    const code = data[off] as number;
    off += bytes.length;
    if (frame.direction === 'server' && code === DATA_ROW) {
      // Large results are mostly DataRows: only the first few are decoded, the rest counted.
      run.rows++;
      if (run.rows <= ROWS_SHOWN) lines.push(describe('server', { code, payload: bytes.subarray(5), bytes }));
      continue;
    }
    flushRows();
    lines.push(describe(frame.direction, { code, payload: bytes.subarray(5), bytes }));
  }
  flushRows();
  return lines.length > 0 ? lines : ['(empty)'];
};

function describe(direction: 'client' | 'server', frame: PgFrame): string {
  if (direction === 'client' && frame.code === P_CODE) return 'PasswordMessage (content not shown)';
  try {
    return direction === 'client' ? frontendText(parseFrontend(frame)) : backendText(parseBackend(frame));
  } catch (err) {
    return `Invalid '${String.fromCharCode(frame.code)}' message (${(err as Error).message})`;
  }
}

function frontendText(m: FrontendMessage): string {
  switch (m.type) {
    case 'query':
      return `Query: ${sql(m.query)}`;
    case 'parse':
      return `Parse${m.name ? ` ${m.name}` : ''}: ${sql(m.query)}`;
    case 'bind':
      return `Bind${m.statement ? ` ${m.statement}` : ''}: ${m.params.length} parameter(s) [${m.params.map(value).join(', ')}]`;
    case 'execute':
      return `Execute${m.portal ? ` ${m.portal}` : ''}${m.maxRows ? ` (max ${m.maxRows} rows)` : ''}`;
    case 'describe':
      return `Describe ${m.target === 'S' ? 'statement' : 'portal'} ${m.name || '(unnamed)'}`;
    case 'close':
      return `Close ${m.target === 'S' ? 'statement' : 'portal'} ${m.name || '(unnamed)'}`;
    case 'copy-data':
      return `CopyData ${m.data.length} bytes: ${value(m.data)}`;
    case 'copy-fail':
      return `CopyFail: ${m.message}`;
    case 'function-call':
      return `FunctionCall oid ${m.functionOid}`;
    default:
      return pascal(m.type);
  }
}

function backendText(m: BackendMessage): string {
  switch (m.type) {
    case 'row-description':
      return `RowDescription: ${m.fields.map((f) => f.name).join(', ')}`;
    case 'data-row':
      return `DataRow: ${m.values.map(value).join(' | ')}`;
    case 'command-complete':
      return `CommandComplete: ${m.tag}`;
    case 'ready-for-query':
      return `ReadyForQuery (${String.fromCharCode(m.status)})`;
    case 'error-response':
    case 'notice-response':
      return `${m.type === 'error-response' ? 'ErrorResponse' : 'NoticeResponse'}: ${m.fields.S ?? ''} ${m.fields.C ?? ''} ${m.fields.M ?? ''}`;
    case 'parameter-status':
      return `ParameterStatus ${m.name}=${m.value}`;
    case 'backend-key-data':
      return `BackendKeyData pid ${m.pid}`; // the cancel secret is not shown
    case 'copy-data':
      return `CopyData ${m.data.length} bytes: ${value(m.data)}`;
    default:
      return pascal(m.type);
  }
}

function startupLine(payload: Uint8Array): string {
  try {
    const p = parseStartupPacket(payload);
    if (p.kind !== 'startup') return `${pascal(p.kind)}Request`;
    return `StartupMessage ${Object.entries(p.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`;
  } catch (err) {
    return `Invalid startup packet (${(err as Error).message})`;
  }
}

function looksLikeStartup(data: Uint8Array): boolean {
  return data.length >= 8 && data[0] === 0 && int32(data, 4) === PROTOCOL_3 && int32(data, 0) <= data.length;
}

function value(v: Uint8Array | null): string {
  if (v === null) return 'NULL';
  const text = utf8.decode(v.subarray(0, MAX_VALUE));
  return v.length > MAX_VALUE ? `${JSON.stringify(text)}…(+${v.length - MAX_VALUE} bytes)` : JSON.stringify(text);
}

function sql(text: string): string {
  const flat = text.length > MAX_SQL ? `${text.slice(0, MAX_SQL)} … (${text.length - MAX_SQL} more chars)` : text;
  return flat.replace(/\r?\n/g, '\n      ');
}

const pascal = (kebab: string) =>
  kebab
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

function int32(b: Uint8Array, at: number): number {
  return (
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0
  );
}
