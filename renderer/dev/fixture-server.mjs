// DEVELOPMENT FIXTURE — NOT THE GATEWAY.
//
// A throwaway stand-in for the control API (proxy-core) so the IDE can be looked at before the real server
// exists: canned sessions, generated PostgreSQL wire frames (a 1,000,000-frame session among them), a terminal
// session, a live session that grows every couple of seconds and holds a statement for approval, approvals,
// workbench answers and an audit log. Nothing here is used by tests or by the build.
//
//   npx vite build && node renderer/dev/fixture-server.mjs            # serves renderer/dist + API on :7480
//   PORT=7499 node renderer/dev/fixture-server.mjs                      # another port
//   FIXTURE_SIGNED_OUT=1 node renderer/dev/fixture-server.mjs          # /api/me answers 401
//   node renderer/dev/fixture-server.mjs & npx vite                     # Vite dev server proxies /api here

// biome-ignore-all lint/style/noRestrictedImports: a development fixture that runs in Node, never in the IDE
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const PORT = Number(process.env.PORT ?? 7480);
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const ME = {
  sub: 'alice',
  name: 'Alice Operator',
  groups: ['dba', 'security'],
  roles: ['admin', 'approver', 'auditor'],
};
const T0 = Date.parse('2025-03-14T09:00:00Z');

// ---------- PostgreSQL wire encoding (enough for realistic hex dumps) ----------

const enc = new TextEncoder();
const hex = (bytes) => Buffer.from(bytes).toString('hex');

function message(type, body) {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, body.length + 4);
  out.set(body, 5);
  return out;
}
const cstr = (s) => [...enc.encode(s), 0];
const int16 = (v) => [(v >> 8) & 255, v & 255];
const int32 = (v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

const pg = {
  query: (sql) => ({ type: 'Query', bytes: message('Q', new Uint8Array(cstr(sql))), fields: { sql } }),
  rowDescription: (columns) => ({
    type: 'RowDescription',
    bytes: message(
      'T',
      new Uint8Array([
        ...int16(columns.length),
        ...columns.flatMap((c) => [
          ...cstr(c.name),
          ...int32(c.tableOid),
          ...int16(c.attnum),
          ...int32(25),
          ...int16(-1),
          ...int32(-1),
          ...int16(0),
        ]),
      ]),
    ),
    fields: { columns: columns.map((c) => ({ name: c.name, typeOid: 25, tableOid: c.tableOid, attnum: c.attnum })) },
  }),
  dataRow: (values) => ({
    type: 'DataRow',
    bytes: message(
      'D',
      new Uint8Array([
        ...int16(values.length),
        ...values.flatMap((v) => (v === null ? int32(-1) : [...int32(enc.encode(v).length), ...enc.encode(v)])),
      ]),
    ),
    fields: { values },
  }),
  complete: (tag) => ({ type: 'CommandComplete', bytes: message('C', new Uint8Array(cstr(tag))), fields: { tag } }),
  ready: () => ({ type: 'ReadyForQuery', bytes: message('Z', new Uint8Array([73])), fields: { status: 'I' } }),
  error: (code, text) => ({
    type: 'ErrorResponse',
    bytes: message('E', new Uint8Array([83, ...cstr('ERROR'), 67, ...cstr(code), 77, ...cstr(text), 0])),
    fields: { severity: 'ERROR', code, message: text },
  }),
};

function bytesFrame(n, tUs, direction, messages) {
  let offset = 0;
  const all = [];
  const decoded = messages.map((m) => {
    const d = { type: m.type, offset, length: m.bytes.length, fields: m.fields };
    offset += m.bytes.length;
    all.push(...m.bytes);
    return d;
  });
  return {
    n,
    tUs,
    kind: 'bytes',
    direction,
    channel: 0,
    size: all.length,
    hex: hex(all.slice(0, 4096)),
    messages: decoded,
  };
}

const annotation = (n, tUs, value) => ({ n, tUs, kind: 'annotation', value });

// ---------- a realistic PostgreSQL session ----------

const CUSTOMERS = [
  ['1', 'Ada Lovelace', 'a***@example.com', '***-**-6789', '+1 *** *** 0142'],
  ['2', 'Grace Hopper', 'g***@navy.example', '***-**-1234', '+1 *** *** 7781'],
  ['3', 'Alan Turing', 'a***@bletchley.example', '***-**-4321', null],
  ['4', 'Edsger Dijkstra', 'e***@tue.example', '***-**-5555', '+31 *** *** 220'],
  ['5', 'Barbara Liskov', 'b***@mit.example', '***-**-0007', '+1 *** *** 9001'],
];

function statementFrames(n, tUs, sql, options) {
  const frames = [];
  const at = () => n + frames.length;
  const t = () => tUs + frames.length * 1800;
  const queryFrame = at();
  frames.push(bytesFrame(queryFrame, t(), 'client', [pg.query(sql)]));
  frames.push(
    annotation(at(), t(), {
      type: 'command',
      frame: queryFrame,
      text: sql,
      statements: options.statements,
      decision: options.decision,
      rule: options.rule,
      reason: options.reason,
      ...(options.requestId ? { requestId: options.requestId } : {}),
    }),
  );
  if (options.decision === 'deny') {
    frames.push(
      bytesFrame(at(), t(), 'server', [pg.error('42501', `denied by policy rule ${options.rule}`), pg.ready()]),
    );
    return frames;
  }
  if (options.requestId) {
    frames.push(annotation(at(), t(), { type: 'approval.requested', requestId: options.requestId, text: sql }));
    if (options.pending) return frames;
    frames.push(
      annotation(at(), t() + 42_000_000, {
        type: 'approval.decided',
        requestId: options.requestId,
        decision: 'approve',
        approver: 'bob',
        reason: 'Ticket OPS-1432: refund approved',
      }),
    );
  }
  if (options.columns) {
    const rowsFrame = at();
    frames.push(
      bytesFrame(rowsFrame, t(), 'server', [
        pg.rowDescription(options.columns),
        ...options.rows.map((r) => pg.dataRow(r)),
        pg.complete(`SELECT ${options.rows.length}`),
        pg.ready(),
      ]),
    );
    for (const [row, column, rule] of options.masks ?? []) {
      frames.push(
        annotation(at(), t(), {
          type: 'mask',
          frame: rowsFrame,
          message: row + 1,
          row,
          column,
          rule,
          style: 'partial',
        }),
      );
    }
  } else {
    frames.push(bytesFrame(at(), t(), 'server', [pg.complete(options.tag ?? 'OK'), pg.ready()]));
  }
  return frames;
}

const customerColumns = ['id', 'name', 'email', 'ssn', 'phone'].map((name, i) => ({
  name,
  tableOid: 16384,
  attnum: i + 1,
}));
const customerMasks = CUSTOMERS.flatMap((r, i) => [
  [i, 2, 'customers.email'],
  [i, 3, 'customers.ssn'],
  ...(r[4] ? [[i, 4, 'detector:phone']] : []),
]);

function demoSession(pending = false) {
  const frames = [
    annotation(0, 0, {
      type: 'session.start',
      principal: 'agent:claude-ops',
      connection: 'orders-db',
      upstream: 'pg-primary:5432',
    }),
  ];
  const add = (tUs, sql, options) => frames.push(...statementFrames(frames.length, tUs, sql, options));
  add(1_200_000, 'select id, name, email, ssn, phone\n  from customers\n order by id\n limit 5;', {
    statements: [{ kind: 'select', tables: ['customers'] }],
    decision: 'allow',
    rule: 'reads-allowed',
    reason: 'read-only statement',
    columns: customerColumns,
    rows: CUSTOMERS,
    masks: customerMasks,
  });
  add(9_500_000, "select count(*) as open_orders from orders where status = 'open';", {
    statements: [{ kind: 'select', tables: ['orders'] }],
    decision: 'allow',
    rule: 'reads-allowed',
    reason: 'read-only statement',
    columns: [{ name: 'open_orders', tableOid: 0, attnum: 0 }],
    rows: [['1287']],
  });
  add(21_000_000, 'drop table audit_trail;', {
    statements: [{ kind: 'drop', tables: ['audit_trail'] }],
    decision: 'deny',
    rule: 'no-ddl',
    reason: 'DDL is never allowed for agents',
  });
  frames.push(
    annotation(frames.length, 25_000_000, {
      type: 'note',
      author: 'alice',
      text: 'Agent tried DDL; policy held. Watching.',
    }),
  );
  add(33_000_000, "update orders\n   set status = 'refunded'\n where id = 48213;", {
    statements: [{ kind: 'update', tables: ['orders'] }],
    decision: 'review',
    rule: 'writes-need-review',
    reason: 'writes are held for a DBA',
    requestId: 'apr-1',
    tag: 'UPDATE 1',
    pending,
  });
  if (!pending)
    frames.push(annotation(frames.length, 80_000_000, { type: 'session.end', reason: 'client closed the connection' }));
  return frames;
}

// ---------- a 1,000,000-frame session, generated on demand ----------

const HUGE_TOTAL = 1_000_000;
function hugeFrame(n) {
  const block = Math.floor(n / 8);
  const base = block * 8;
  const tUs = block * 350_000 + (n - base) * 2_000;
  const id = 1000 + block;
  const deny = block % 50 === 49;
  switch (n - base) {
    case 0:
      return bytesFrame(n, tUs, 'client', [pg.query(`select id, email from customers where id = ${id};`)]);
    case 1:
      return annotation(n, tUs, {
        type: 'command',
        frame: base,
        text: `select id, email from customers where id = ${id};`,
        statements: [{ kind: 'select', tables: ['customers'] }],
        decision: 'allow',
        rule: 'reads-allowed',
        reason: 'read-only statement',
      });
    case 2:
      return bytesFrame(n, tUs, 'server', [
        pg.rowDescription(customerColumns.slice(0, 3).filter((c) => c.name !== 'name')),
        pg.dataRow([String(id), `c***${id % 10}@example.com`]),
        pg.complete('SELECT 1'),
        pg.ready(),
      ]);
    case 3:
      return annotation(n, tUs, {
        type: 'mask',
        frame: base + 2,
        message: 1,
        row: 0,
        column: 1,
        rule: 'customers.email',
        style: 'partial',
      });
    case 4:
      return bytesFrame(n, tUs, 'client', [pg.query(deny ? `truncate orders_${block};` : `select now();`)]);
    case 5:
      return annotation(n, tUs, {
        type: 'command',
        frame: base + 4,
        text: deny ? `truncate orders_${block};` : 'select now();',
        statements: [{ kind: deny ? 'truncate' : 'select', tables: deny ? [`orders_${block}`] : [] }],
        decision: deny ? 'deny' : 'allow',
        rule: deny ? 'no-ddl' : 'reads-allowed',
        reason: deny ? 'DDL is never allowed' : 'read-only statement',
      });
    case 6:
      return deny
        ? bytesFrame(n, tUs, 'server', [pg.error('42501', 'denied by policy rule no-ddl'), pg.ready()])
        : bytesFrame(n, tUs, 'server', [
            pg.rowDescription([{ name: 'now', tableOid: 0, attnum: 0 }]),
            pg.dataRow([new Date(T0 + tUs / 1000).toISOString()]),
            pg.complete('SELECT 1'),
            pg.ready(),
          ]);
    default:
      return { n, tUs, kind: 'resize', cols: 80, rows: 24 };
  }
}

// ---------- a terminal session ----------

function sshSession() {
  const frames = [{ n: 0, tUs: 0, kind: 'resize', cols: 100, rows: 28 }];
  const out = (tUs, text) =>
    frames.push({
      n: frames.length,
      tUs,
      kind: 'bytes',
      direction: 'server',
      channel: 0,
      size: enc.encode(text).length,
      hex: hex(enc.encode(text)),
    });
  const typed = (tUs, text) =>
    frames.push({
      n: frames.length,
      tUs,
      kind: 'bytes',
      direction: 'client',
      channel: 0,
      size: text.length,
      hex: hex(enc.encode(text)),
    });
  let t = 200_000;
  out(t, '\x1b[1;32mdeploy@build-host\x1b[0m:\x1b[1;34m~\x1b[0m$ ');
  for (const [cmd, output] of [
    ['uptime', ' 09:12:44 up 41 days,  3:07,  1 user,  load average: 0.31, 0.27, 0.22\r\n'],
    [
      'ls -la releases/',
      'total 24\r\ndrwxr-xr-x 5 deploy deploy 4096 Mar 14 09:01 \x1b[1;34m.\x1b[0m\r\ndrwxr-xr-x 9 deploy deploy 4096 Mar 13 17:22 \x1b[1;34m..\x1b[0m\r\ndrwxr-xr-x 2 deploy deploy 4096 Mar 12 10:15 \x1b[1;34m2025.03.12\x1b[0m\r\ndrwxr-xr-x 2 deploy deploy 4096 Mar 14 09:01 \x1b[1;34m2025.03.14\x1b[0m\r\n',
    ],
    [
      'systemctl status orders-api --no-pager | head -5',
      '\x1b[1;32m●\x1b[0m orders-api.service - Orders API\r\n     Loaded: loaded (/etc/systemd/system/orders-api.service; enabled)\r\n     Active: \x1b[1;32mactive (running)\x1b[0m since Fri 2025-03-14 09:01:12 UTC; 11min ago\r\n   Main PID: 48213 (node)\r\n      Tasks: 11 (limit: 4915)\r\n',
    ],
    ['rm -rf /var/lib/orders', '\x1b[31mvigil: denied by policy rule no-destructive-programs\x1b[0m\r\n'],
  ]) {
    for (const ch of cmd) {
      t += 90_000;
      typed(t, ch);
      out(t + 2_000, ch);
    }
    t += 400_000;
    typed(t, '\r');
    out(t + 1_000, '\r\n');
    t += 300_000;
    out(t, output);
    out(t + 5_000, '\x1b[1;32mdeploy@build-host\x1b[0m:\x1b[1;34m~\x1b[0m$ ');
    t += 1_500_000;
  }
  return frames;
}

// ---------- sessions, approvals, audit ----------

const principals = ['agent:claude-ops', 'agent:cursor-ci', 'agent:migrations-bot', 'alice', 'agent:support-copilot'];
const connections = [
  { name: 'orders-db', type: 'postgres' },
  { name: 'billing-db', type: 'postgres' },
  { name: 'build-host', type: 'ssh' },
  { name: 'billing-api', type: 'http' },
];

function session(id, i, extra = {}) {
  const startedAt = new Date(T0 - i * 73 * 60_000).toISOString();
  const ended = new Date(T0 - i * 73 * 60_000 + (90 + ((i * 37) % 3000)) * 1000).toISOString();
  return {
    id,
    protocol: 'postgres',
    connection: connections[i % 2].name,
    principal: principals[i % principals.length],
    groups: ['ai-agents'],
    clientAddr: `10.0.4.${(i % 200) + 10}`,
    upstream: 'pg-primary:5432',
    startedAt,
    endedAt: ended,
    status: i % 29 === 7 ? 'interrupted' : i % 41 === 3 ? 'failed' : 'ended',
    endReason: 'client closed the connection',
    bytesIn: 2000 + i * 131,
    bytesOut: 90_000 + i * 977,
    frames: 40 + (i % 50) * 3,
    commands: 3 + (i % 17),
    denials: i % 5 === 0 ? 1 + (i % 3) : 0,
    approvals: i % 4 === 0 ? 1 : 0,
    masked: (i * 7) % 60,
    finalHash: `${(i * 2654435761).toString(16).padStart(8, '0')}9f3ab2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081`,
    ...extra,
  };
}

const demoFrames = demoSession(false);
const liveFrames = demoSession(true);
const sshFrames = sshSession();
const sessions = [
  session('s-live-0001', 0, {
    status: 'live',
    endedAt: null,
    endReason: null,
    finalHash: null,
    startedAt: new Date(Date.now() - 95_000).toISOString(),
    frames: liveFrames.length,
    commands: 4,
    denials: 1,
    approvals: 1,
    masked: 14,
    stepMode: false,
  }),
  session('s-demo-0002', 1, {
    frames: demoFrames.length,
    commands: 4,
    denials: 1,
    approvals: 1,
    masked: 14,
    principal: 'agent:claude-ops',
    connection: 'orders-db',
  }),
  session('s-huge-0003', 2, {
    frames: HUGE_TOTAL,
    commands: 250_000,
    denials: 2_500,
    masked: 125_000,
    principal: 'agent:migrations-bot',
    endedAt: new Date(T0 + 43_750_000).toISOString(),
  }),
  session('s-ssh-0004', 3, {
    protocol: 'ssh',
    connection: 'build-host',
    upstream: '10.0.0.7:22',
    frames: sshFrames.length,
    commands: 4,
    denials: 1,
    masked: 0,
  }),
  ...Array.from({ length: 320 }, (_, i) => session(`s-${String(i + 5).padStart(4, '0')}`, i + 4)),
];

const framesOf = (id) =>
  id === 's-live-0001' ? liveFrames : id === 's-demo-0002' ? demoFrames : id === 's-ssh-0004' ? sshFrames : null;

function framesPage(id, from, limit, kind) {
  const s = sessions.find((x) => x.id === id);
  if (!s) return null;
  if (id === 's-huge-0003') {
    const frames = [];
    let n = from;
    while (frames.length < limit && n < HUGE_TOTAL) {
      const f = hugeFrame(n);
      if (!kind || f.kind === kind) frames.push(f);
      n += 1;
    }
    return { total: HUGE_TOTAL, from, next: n < HUGE_TOTAL ? n : null, frames };
  }
  const all = framesOf(id) ?? demoFrames.map((f) => f);
  const source = kind ? all.filter((f) => f.kind === kind && f.n >= from) : all.slice(from);
  const frames = source.slice(0, limit);
  const last = frames.at(-1);
  const next = kind
    ? frames.length === limit && last
      ? last.n + 1
      : null
    : from + frames.length < all.length
      ? from + frames.length
      : null;
  return { total: all.length, from, next, frames };
}

const approvals = [
  {
    id: 'apr-live',
    sessionId: 's-live-0001',
    principal: 'agent:claude-ops',
    connection: 'orders-db',
    statement: "update orders\n   set status = 'refunded'\n where id = 48213;",
    actions: [{ kind: 'update', tables: ['orders'] }],
    rule: 'writes-need-review',
    status: 'pending',
    requestedAt: new Date(Date.now() - 47_000).toISOString(),
    expiresAt: new Date(Date.now() + 9 * 60_000).toISOString(),
    requiredCount: 1,
    votes: [],
  },
  {
    id: 'apr-self',
    sessionId: 's-0007',
    principal: 'alice',
    connection: 'billing-db',
    statement: "delete from invoices where paid_at is null and created_at < now() - interval '2 years';",
    actions: [{ kind: 'delete', tables: ['invoices'] }],
    rule: 'writes-need-review',
    status: 'pending',
    requestedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    expiresAt: new Date(Date.now() + 5 * 60_000).toISOString(),
    requiredCount: 2,
    votes: [],
  },
  {
    id: 'apr-old',
    sessionId: 's-demo-0002',
    principal: 'agent:claude-ops',
    connection: 'orders-db',
    statement: "update orders set status = 'refunded' where id = 48213;",
    actions: [{ kind: 'update', tables: ['orders'] }],
    rule: 'writes-need-review',
    status: 'approved',
    requestedAt: new Date(T0 - 3600_000).toISOString(),
    expiresAt: new Date(T0 - 3000_000).toISOString(),
    requiredCount: 1,
    votes: [
      { approver: 'bob', decision: 'approve', reason: 'Ticket OPS-1432', at: new Date(T0 - 3558_000).toISOString() },
    ],
  },
];

const auditTypes = [
  'session.started',
  'command',
  'approval.requested',
  'approval.decided',
  'session.ended',
  'auth.login',
];
const audit = Array.from({ length: 1200 }, (_, i) => ({
  seq: 1200 - i,
  id: `evt-${1200 - i}`,
  time: new Date(T0 - i * 41_000).toISOString(),
  type: auditTypes[i % auditTypes.length],
  actor: principals[i % principals.length],
  sessionId: i % 6 === 5 ? undefined : sessions[4 + (i % 300)]?.id,
  connection: connections[i % 3].name,
  data:
    i % 6 === 1
      ? { text: 'select * from orders limit 10', decision: 'allow', rule: 'reads-allowed' }
      : { clientAddr: '10.0.4.17' },
  hash: `${((1200 - i) * 40503).toString(16).padStart(6, '0')}e1d2c3b4a5968778695a4b3c2d1e0f`,
  prevHash: `${((1199 - i) * 40503).toString(16).padStart(6, '0')}e1d2c3b4a5968778695a4b3c2d1e0f`,
}));

// ---------- live growth ----------

let liveStep = 0;
const liveScript = [
  'select id, status, total from orders where customer_id = 2 order by id desc limit 3;',
  'select pg_size_pretty(pg_database_size(current_database()));',
  'select email from customers where id = 5;',
];
let wss;
function broadcast(message, sessionId) {
  const data = JSON.stringify(message);
  for (const client of wss.clients) {
    if (client.readyState !== 1) continue;
    if (sessionId && !client.watching?.has(sessionId)) continue;
    client.send(data);
  }
}
function appendLive(frames) {
  const live = sessions[0];
  liveFrames.push(...frames);
  live.frames = liveFrames.length;
  broadcast({ type: 'frames', sessionId: live.id, frames }, live.id);
  broadcast({ type: 'session.updated', session: live });
}
setInterval(() => {
  if (sessions[0].status !== 'live' || approvals[0].status === 'pending') return;
  const sql = liveScript[liveStep++ % liveScript.length];
  const n = liveFrames.length;
  const tUs = (Date.now() - Date.parse(sessions[0].startedAt)) * 1000;
  appendLive(
    statementFrames(n, tUs, sql, {
      statements: [{ kind: 'select', tables: ['orders'] }],
      decision: 'allow',
      rule: 'reads-allowed',
      reason: 'read-only statement',
      columns: [{ name: 'result', tableOid: 0, attnum: 0 }],
      rows: [[`row ${liveStep}`], [`row ${liveStep + 1}`]],
    }),
  );
  sessions[0].commands += 1;
}, 2500);

// ---------- HTTP ----------

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
};

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

async function readBody(req) {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data ? JSON.parse(data) : {};
}

async function api(req, res, url) {
  const parts = url.pathname.split('/').filter(Boolean).slice(1);
  const q = url.searchParams;
  if (process.env.FIXTURE_SIGNED_OUT) return send(res, 401, { error: 'sign in required', login: '/auth/login' });
  if (req.method === 'POST' && req.headers['x-csrf-token'] !== 'fixture-csrf')
    return send(res, 403, { error: 'bad CSRF token' });
  const [head, id, sub] = parts;
  if (head === 'me') return send(res, 200, { principal: ME, csrf: 'fixture-csrf', demo: true });
  if (head === 'connections') return send(res, 200, connections);
  if (head === 'keys')
    return send(res, 200, {
      fingerprint: 'SHA256:q3Y0mT5x9J0pE8fJ9xv0r2m0d0hA5C2u3o1VbXw4YkE',
      publicKeyPem:
        '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----',
    });
  if (head === 'audit') {
    const type = q.get('type');
    const limit = Number(q.get('limit') ?? 200);
    const events = audit.filter((e) => !type || e.type === type).slice(0, limit);
    return send(res, 200, { events, chain: { ok: true, checked: audit.length } });
  }
  if (head === 'approvals' && !id) {
    const status = q.get('status') ?? 'pending';
    return send(res, 200, { approvals: approvals.filter((a) => status === 'all' || a.status === status) });
  }
  if (head === 'approvals' && sub === 'decision') {
    const approval = approvals.find((a) => a.id === id);
    const body = await readBody(req);
    if (!approval) return send(res, 404, { error: 'no such approval' });
    if (approval.principal === ME.sub) return send(res, 403, { error: 'You cannot approve or deny your own request.' });
    if (approval.status !== 'pending') return send(res, 409, { error: `already ${approval.status}` });
    approval.votes.push({
      approver: ME.sub,
      decision: body.decision,
      reason: body.reason,
      at: new Date().toISOString(),
    });
    approval.status = body.decision === 'approve' ? 'approved' : 'denied';
    broadcast({ type: 'approval.decided', approval });
    if (approval.id === 'apr-live') {
      const n = liveFrames.length;
      const tUs = (Date.now() - Date.parse(sessions[0].startedAt)) * 1000;
      const frames = [
        annotation(n, tUs, {
          type: 'approval.decided',
          requestId: 'apr-1',
          decision: body.decision,
          approver: ME.sub,
          reason: body.reason,
        }),
      ];
      frames.push(
        body.decision === 'approve'
          ? bytesFrame(n + 1, tUs + 800, 'server', [pg.complete('UPDATE 1'), pg.ready()])
          : bytesFrame(n + 1, tUs + 800, 'server', [pg.error('42501', 'denied by approver'), pg.ready()]),
      );
      appendLive(frames);
    }
    return send(res, 200, approval);
  }
  if (head === 'sessions' && !id) {
    let list = sessions.filter(
      (s) =>
        (!q.get('principal') || s.principal === q.get('principal')) &&
        (!q.get('connection') || s.connection === q.get('connection')) &&
        (!q.get('status') || s.status === q.get('status')) &&
        (!q.get('q') || (s.id.charCodeAt(s.id.length - 1) + q.get('q').length) % 3 === 0),
    );
    const start = Number(q.get('cursor') ?? 0);
    const limit = Number(q.get('limit') ?? 100);
    list = list.slice(start, start + limit);
    const nextCursor = start + limit < sessions.length && list.length === limit ? String(start + limit) : null;
    return send(res, 200, { sessions: list, nextCursor });
  }
  const s = sessions.find((x) => x.id === id);
  if (head === 'sessions' && !s) return send(res, 404, { error: `no session ${id}` });
  if (head === 'sessions' && !sub) return send(res, 200, s);
  if (head === 'sessions' && sub === 'frames') {
    return send(
      res,
      200,
      framesPage(id, Number(q.get('from') ?? 0), Math.min(5000, Number(q.get('limit') ?? 500)), q.get('kind')),
    );
  }
  if (head === 'sessions' && sub === 'step-mode') {
    s.stepMode = (await readBody(req)).enabled;
    broadcast({ type: 'session.updated', session: s });
    return send(res, 200, {});
  }
  if (head === 'sessions' && sub === 'notes') {
    const { text } = await readBody(req);
    if (s.status === 'live')
      appendLive([
        annotation(liveFrames.length, (Date.now() - Date.parse(s.startedAt)) * 1000, {
          type: 'note',
          author: ME.sub,
          text,
        }),
      ]);
    return send(res, 200, {});
  }
  if (head === 'sessions' && sub === 'terminate') {
    s.status = 'ended';
    s.endedAt = new Date().toISOString();
    s.endReason = `terminated by ${ME.sub}`;
    broadcast({ type: 'session.ended', session: s });
    return send(res, 200, {});
  }
  if (head === 'workbench') {
    const { sql } = await readBody(req);
    if (/\b(drop|truncate)\b/i.test(sql)) {
      return send(res, 200, {
        columns: [],
        rows: [],
        masks: [],
        command: null,
        error: { code: '42501', message: 'denied by policy rule no-ddl' },
        sessionId: 's-0009',
      });
    }
    return send(res, 200, {
      columns: [
        { name: 'id' },
        { name: 'name' },
        { name: 'email', masked: true },
        { name: 'ssn', masked: true },
        { name: 'phone' },
      ],
      rows: CUSTOMERS,
      masks: customerMasks.map(([row, column, rule]) => ({ row, column, rule })),
      command: `SELECT ${CUSTOMERS.length}`,
      error: null,
      sessionId: 's-0010',
    });
  }
  if (head === 'evidence') {
    const { sessions: ids } = await readBody(req);
    res.writeHead(200, {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="evidence-${ids.join('-')}.zip"`,
    });
    return res.end(Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]));
  }
  return send(res, 404, { error: 'not in the fixture' });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://fixture');
  try {
    if (url.pathname.startsWith('/api/')) return await api(req, res, url);
    if (url.pathname.startsWith('/auth/login')) {
      res.writeHead(302, { location: url.searchParams.get('return') ?? '/' });
      return res.end();
    }
    const path = normalize(join(DIST, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!path.startsWith(DIST)) return send(res, 403, { error: 'no' });
    const body = await readFile(path).catch(() => null);
    if (!body) return send(res, 404, { error: 'not found (run npx vite build first)' });
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(body);
  } catch (error) {
    send(res, 500, { error: String(error) });
  }
});

wss = new WebSocketServer({ server, path: '/api/live' });
wss.on('connection', (socket) => {
  socket.watching = new Set();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type === 'watch') socket.watching.add(message.sessionId);
    if (message.type === 'unwatch') socket.watching.delete(message.sessionId);
  });
});

server.listen(PORT, '127.0.0.1', () => {
  process.stdout.write(`Vigil IDE development fixture (not the gateway) on http://127.0.0.1:${PORT}\n`);
});
