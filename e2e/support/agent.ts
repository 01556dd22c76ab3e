import pg from 'pg';
import type { VigilServer } from './vigil-server';

/** An AI agent as the gateway sees one: node-postgres with the demo's OIDC token as its password. */
export async function connectAgent(vigil: VigilServer, user = 'agent-demo'): Promise<pg.Client> {
  const client = new pg.Client({
    host: vigil.pgHost,
    port: vigil.pgPort,
    database: 'demo',
    user,
    password: vigil.agentToken,
    // The demo gateway's certificate is self-signed (sslmode=require in the printed psql line).
    ssl: { rejectUnauthorized: false },
    application_name: 'vigil-e2e',
  });
  // A terminated session surfaces as an 'error' event; the tests look at query outcomes instead.
  client.on('error', () => {});
  await client.connect();
  return client;
}

export type Outcome = { ok: true; result: pg.QueryResult } | { ok: false; error: Error & { code?: string } };

/** A query whose outcome is awaited later (held statements): never an unhandled rejection meanwhile. */
export function sendQuery(client: pg.Client, sql: string, params?: unknown[]): Promise<Outcome> {
  return client.query(sql, params).then(
    (result) => ({ ok: true, result }),
    (error: Error & { code?: string }) => ({ ok: false, error }),
  );
}

/** The outcome of a held query once a person decided it; fails (instead of hanging) if it never comes. */
export async function outcomeWithin(outcome: Promise<Outcome>, ms = 15_000): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the agent's query was still waiting ${ms} ms after the decision`)), ms);
  });
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
