import { describe, expect, it } from 'vitest';
import { normalizeFrames } from '../api/annotations';
import type { Annotation, Frame, PgMessage } from '../api/api.types';
import { buildConsole, type ConsoleStatement } from './console-model';

// Builder fixtures: frames as the control API returns them (hex is irrelevant to the console).
const msg = (type: string, fields: Record<string, unknown> = {}): PgMessage => ({ type, offset: 0, length: 0, fields });
const bytes =
  (direction: 'client' | 'server') =>
  (n: number, ...messages: PgMessage[]): Frame => ({
    n,
    tUs: n * 1000,
    kind: 'bytes',
    direction,
    channel: 0,
    size: 0,
    hex: '',
    messages,
  });
const client = bytes('client');
const server = bytes('server');
const note = (n: number, value: Annotation): Frame => ({ n, tUs: n * 1000, kind: 'annotation', value });
const query = (sql: string) => msg('Query', { sql });
const rowDescription = (...names: string[]) => msg('RowDescription', { columns: names.map((name) => ({ name })) });
const dataRow = (...values: (string | null)[]) => msg('DataRow', { values });
const complete = (tag: string) => msg('CommandComplete', { tag });
const ready = () => msg('ReadyForQuery', { status: 'I' });
const command = (frame: number, text: string, decision: 'allow' | 'deny' | 'review', extra = {}): Annotation => ({
  type: 'command',
  frame,
  text,
  statements: [{ kind: 'select', tables: ['customers'] }],
  decision,
  rule: `rule-${decision}`,
  reason: 'because',
  ...extra,
});

const statements = (frames: Frame[], upTo?: number) =>
  buildConsole(frames, upTo).filter((item): item is ConsoleStatement => item.kind === 'statement');

describe('buildConsole', () => {
  const session: Frame[] = [
    note(0, { type: 'session.start', principal: 'agent-1', connection: 'orders-db', upstream: 'pg:5432' }),
    server(1, msg('AuthenticationOk'), msg('ParameterStatus'), ready()),
    client(2, query('select email from customers')),
    note(3, command(2, 'select email from customers', 'allow')),
    server(4, rowDescription('email'), dataRow('a***@example.com'), dataRow(null)),
    note(5, { type: 'mask', frame: 4, message: 1, row: 0, column: 0, rule: 'customers.email', style: 'partial' }),
    server(6, complete('SELECT 2'), ready()),
  ];

  it('pairs a statement with its decision, result and masks', () => {
    const [statement] = statements(session);
    expect(statement).toMatchObject({
      id: '2:0',
      sql: 'select email from customers',
      status: 'done',
      endFrame: 6,
      command: { decision: 'allow', rule: 'rule-allow' },
    });
    expect(statement?.results).toHaveLength(1);
    expect(statement?.results[0]).toMatchObject({ columns: [{ name: 'email' }], rows: [['a***@example.com'], [null]] });
    expect(statement?.results[0]?.tag).toBe('SELECT 2');
    expect([...(statement?.results[0]?.masks ?? [])]).toEqual([['0:0', { rule: 'customers.email', style: 'partial' }]]);
  });

  it('shows only what had happened by frame upTo', () => {
    const [atQuery] = statements(session, 2);
    expect(atQuery).toMatchObject({ status: 'running', command: null, results: [] });
    const [atRows] = statements(session, 4);
    expect(atRows?.command?.decision).toBe('allow');
    expect(atRows?.results[0]?.rows).toHaveLength(2);
    expect(atRows?.results[0]?.masks.size).toBe(0);
    expect(atRows?.status).toBe('running');
  });

  it('keeps session events and notes in order', () => {
    const items = buildConsole([
      ...session,
      note(7, { type: 'note', author: 'alice', text: 'looks fine' }),
      note(8, { type: 'session.end', reason: 'client closed' }),
    ]);
    expect(items.map((item) => item.kind)).toEqual(['event', 'statement', 'note', 'event']);
    expect(items[0]).toMatchObject({ text: 'Session started: agent-1 → orders-db (pg:5432)' });
    expect(items[2]).toMatchObject({ author: 'alice', text: 'looks fine' });
  });

  it('marks a denied statement and keeps the error the gateway answered', () => {
    const [statement] = statements([
      client(0, query('drop table customers')),
      note(1, command(0, 'drop table customers', 'deny')),
      server(2, msg('ErrorResponse', { severity: 'ERROR', code: '42501', message: 'denied by policy' }), ready()),
    ]);
    expect(statement).toMatchObject({
      status: 'denied',
      error: { code: '42501', message: 'denied by policy' },
      endFrame: 2,
    });
  });

  it('holds a statement under review until the approval is decided', () => {
    const frames: Frame[] = [
      client(0, query('delete from orders where id = 7')),
      note(1, command(0, 'delete from orders where id = 7', 'review', { requestId: 'r1' })),
      note(2, { type: 'approval.requested', requestId: 'r1', text: 'delete from orders where id = 7' }),
      note(3, { type: 'approval.decided', requestId: 'r1', decision: 'approve', approver: 'bob', reason: 'ok' }),
      server(4, complete('DELETE 1'), ready()),
    ];
    expect(statements(frames, 2)[0]).toMatchObject({ status: 'held', approval: { requestId: 'r1', decision: null } });
    expect(statements(frames, 3)[0]).toMatchObject({ status: 'running', approval: { approver: 'bob' } });
    expect(statements(frames)[0]).toMatchObject({ status: 'done', tags: ['DELETE 1'] });
  });

  it('reports a rejected review as denied', () => {
    const [statement] = statements([
      client(0, query('update orders set total = 0')),
      note(1, command(0, 'update orders set total = 0', 'review', { requestId: 'r2' })),
      note(2, { type: 'approval.decided', requestId: 'r2', decision: 'deny', approver: 'bob', reason: 'no' }),
    ]);
    expect(statement?.status).toBe('denied');
  });

  it('splits a multi-statement simple query into result sets of one statement', () => {
    const [statement] = statements([
      client(0, query('select 1; select 2')),
      server(1, rowDescription('a'), dataRow('1'), complete('SELECT 1'), rowDescription('b'), dataRow('2')),
      server(2, complete('SELECT 1'), ready()),
    ]);
    expect(statement?.results.map((r) => r.rows)).toEqual([[['1']], [['2']]]);
    expect(statement?.status).toBe('done');
  });

  it('answers pipelined simple queries in order', () => {
    const [first, second] = statements([
      client(0, query('select 1'), query('select 2')),
      server(1, rowDescription('a'), dataRow('1'), complete('SELECT 1'), ready()),
      server(2, rowDescription('b'), dataRow('2'), complete('SELECT 1')),
    ]);
    expect(first).toMatchObject({ status: 'done', endFrame: 1 });
    expect(first?.results[0]?.rows).toEqual([['1']]);
    expect(second).toMatchObject({ status: 'running' });
    expect(second?.results[0]?.rows).toEqual([['2']]);
  });

  it('follows the extended protocol: Parse/Bind/Execute batches, and re-executions of a prepared statement', () => {
    const items = statements([
      client(
        0,
        msg('Parse', { name: 's1', sql: 'select $1::int' }),
        msg('Bind', { statement: 's1' }),
        msg('Execute'),
        msg('Parse', { name: '', sql: 'select now()' }),
        msg('Bind', { statement: '' }),
        msg('Execute'),
        msg('Sync'),
      ),
      server(
        1,
        msg('ParseComplete'),
        msg('BindComplete'),
        dataRow('7'),
        complete('SELECT 1'),
        msg('ParseComplete'),
        msg('BindComplete'),
        dataRow('2024-01-01'),
        complete('SELECT 1'),
        ready(),
      ),
      client(2, msg('Bind', { statement: 's1' }), msg('Execute'), msg('Sync')),
      server(3, msg('BindComplete'), dataRow('8'), complete('SELECT 1'), ready()),
    ]);
    expect(items.map((s) => [s.id, s.sql, s.results[0]?.rows[0]?.[0], s.status])).toEqual([
      ['0:0', 'select $1::int', '7', 'done'],
      ['0:3', 'select now()', '2024-01-01', 'done'],
      ['2:0', 'select $1::int', '8', 'done'],
    ]);
  });

  it('as the gateway records it, a message a frame: a Parse and its Bind are one statement, held at the Bind', () => {
    const sql = 'update orders set status = $1 where id = $2';
    const frames = [
      client(0, msg('Parse', { name: '', sql })),
      note(1, command(0, sql, 'allow', { reason: 'review by rule r; held when it runs' })),
      client(2, msg('Bind', { statement: '' })),
      note(3, command(2, sql, 'review', { requestId: 'r3' })),
      note(4, { type: 'approval.requested', requestId: 'r3', text: sql }),
      client(5, msg('Execute')),
      client(6, msg('Sync')),
      note(7, { type: 'approval.decided', requestId: 'r3', decision: 'approve', approver: 'bob', reason: 'ok' }),
      server(8, msg('ParseComplete'), msg('BindComplete'), complete('UPDATE 1'), ready()),
      client(9, msg('Bind', { statement: '' })),
      client(10, msg('Execute')),
      client(11, msg('Sync')),
      server(12, msg('BindComplete'), complete('UPDATE 1'), ready()),
    ];
    const held = statements(frames, 6);
    expect(held.map((st) => [st.id, st.status, st.approval?.requestId])).toEqual([['0:0', 'held', 'r3']]);
    // Run again in a later batch: a second execution; each ends with its own result.
    expect(statements(frames).map((st) => [st.id, st.sql, st.status, st.tags])).toEqual([
      ['0:0', sql, 'done', ['UPDATE 1']],
      ['9:0', sql, 'done', ['UPDATE 1']],
    ]);
  });

  it('matches several commands of one frame by their text', () => {
    const items = statements([
      client(0, query('select 2'), query('select 1')),
      note(1, command(0, 'select 1', 'allow')),
      note(2, command(0, 'select 2', 'deny')),
    ]);
    expect(items.map((s) => [s.sql, s.command?.decision])).toEqual([
      ['select 2', 'deny'],
      ['select 1', 'allow'],
    ]);
  });

  it('ignores server messages that belong to nothing in the window', () => {
    const items = buildConsole([server(0, dataRow('x'), complete('SELECT 1'), ready())]);
    expect(items).toEqual([]);
  });

  it('keeps the notices the server sent for a statement', () => {
    const [statement] = statements([
      client(0, query('drop table if exists t')),
      server(
        1,
        msg('NoticeResponse', { message: 'table "t" does not exist, skipping' }),
        complete('DROP TABLE'),
        ready(),
      ),
    ]);
    expect(statement).toMatchObject({ notices: ['table "t" does not exist, skipping'], tags: ['DROP TABLE'] });
  });

  it('builds from command annotations with missing or extra fields (normalized on the way in)', () => {
    const raw = [
      client(0, query('select 1')),
      note(1, { type: 'command', frame: 0, text: 'select 1' } as unknown as Annotation),
      client(2, query('select 2')),
      note(3, {
        type: 'command',
        frame: 2,
        text: 'select 2',
        decision: 'denied',
        rule: 'no-reads',
        reason: null,
        statements: [{ kind: 'select' }],
        actions: ['notify', 7],
        requestId: 'apr_9',
        future: { nested: true },
      } as unknown as Annotation),
      note(4, { type: 'mask', frame: 0 } as unknown as Annotation),
      note(5, 'garbage' as unknown as Annotation),
    ];
    const items = statements(normalizeFrames(raw));
    expect(items.map((s) => [s.sql, s.command?.decision, s.status])).toEqual([
      ['select 1', 'review', 'held'],
      ['select 2', 'deny', 'denied'],
    ]);
    expect(items[1]?.command).toMatchObject({
      statements: [{ kind: 'select', tables: [] }],
      actions: ['notify'],
      reason: '',
      future: { nested: true },
    });
  });
});
