/**
 * A session of a Node agent through Vigil (or direct) with postgres.js: named prepared statements by default, queries
 * pipelined on one connection, transactions, cursors, COPY streams, a cancel, and the simple protocol.
 * Prints one JSON line per step: {"step": name, "value": ...}. Usage: node postgresjs_session.mjs URL [DENY_URL]
 * (the password comes from PGPASSWORD).
 */
import postgres from 'postgres';

const [url, denyUrl] = process.argv.slice(2);
const emit = (step, value) => process.stdout.write(`${JSON.stringify({ step, value })}\n`);
const options = { max: 1, onnotice: () => {}, connect_timeout: 10 };
const sql = postgres(url, options);

emit('params', await sql`SELECT id, name, balance FROM people WHERE id = ANY(${[3, 1, 2]}) ORDER BY id`);
emit(
  'pipelined',
  (
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => sql`SELECT ${i}::int AS i, name FROM people WHERE id = ${i + 1}`),
    )
  ).map(([row]) => [row.i, row.name]),
);
await sql`CREATE TEMP TABLE notes (id serial PRIMARY KEY, body text)`;
emit(
  'transaction',
  await sql.begin(async (tx) => {
    for (let i = 0; i < 20; i++) await tx`INSERT INTO notes (body) VALUES (${`n${i}`})`;
    return (await tx`SELECT count(*)::int AS n FROM notes`)[0].n;
  }),
);
try {
  await sql.begin(async (tx) => {
    await tx`INSERT INTO notes (body) VALUES ('lost')`;
    await tx`SELECT 1 / 0`;
  });
} catch (err) {
  emit('error mid-transaction', err.code);
}
emit('after rollback', await sql`SELECT count(*)::int AS n, max(body) AS last FROM notes`);
let fetched = 0;
let last;
for await (const rows of sql`SELECT id, md5(id::text) AS h FROM generate_series(1, 5000) id`.cursor(700)) {
  fetched += rows.length;
  last = rows.at(-1);
}
emit('cursor', [fetched, last]);
let copied = '';
for await (const chunk of await sql`COPY (SELECT id, name FROM people ORDER BY id LIMIT 20) TO STDOUT WITH CSV`.readable())
  copied += chunk;
emit('copy out', copied);
const copyIn = await sql`COPY notes (body) FROM STDIN`.writable();
await new Promise((resolve, reject) => {
  copyIn.on('finish', resolve);
  copyIn.on('error', reject);
  for (let i = 0; i < 300; i++) copyIn.write(`copied ${i}\n`);
  copyIn.end();
});
emit('copy in', await sql`SELECT count(*)::int AS n FROM notes WHERE body LIKE 'copied %'`);
emit(
  'json and arrays',
  await sql`SELECT ${sql.json({ a: [1, 'x'] })}::jsonb AS j, ${sql.array([1, 2, 3])}::int[] AS a`,
);
emit('simple protocol', await sql.unsafe('SELECT 1 AS one; SELECT 2 AS two'));
emit('large result', (await sql`SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 50000) g`).length);
const sleeping = sql`SELECT pg_sleep(30)`.execute();
await new Promise((resolve) => setTimeout(resolve, 300));
sleeping.cancel();
try {
  await sleeping;
  emit('cancel', 'not cancelled');
} catch (err) {
  emit('cancel', err.code);
}
emit('after cancel', await sql`SELECT count(*)::int AS n FROM people`);
await sql.end();

if (denyUrl) {
  const reader = postgres(denyUrl, options);
  try {
    await reader`DELETE FROM people`;
    emit('denied', 'ran');
  } catch (err) {
    emit('denied', [err.code, /Vigil policy/.test(err.message)]);
  }
  emit(
    'after denial',
    (await reader`SELECT count(*)::int AS n FROM people`).map((r) => [r.n]),
  );
  await reader.end();
}
emit('done', true);
