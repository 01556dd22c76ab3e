import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger';
import { UpstreamCatalog } from '../src/protocols/postgres/upstream-catalog';
import { type PgCluster, startPgCluster } from './support/pg-cluster';

/** The catalog reader against a real server, counting the catalog queries it sends. */
class CountingCatalog extends UpstreamCatalog {
  reads = 0;

  override query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (sql.includes('pg_attribute')) this.reads++;
    return super.query<T>(sql, params);
  }
}

let cluster: PgCluster;
let catalog: CountingCatalog;

beforeAll(async () => {
  cluster = await startPgCluster({ database: 'shop' });
  await cluster.query('CREATE TABLE first_table (id int, secret text)');
  catalog = new CountingCatalog(
    () => ({
      host: cluster.host,
      port: cluster.port,
      database: 'shop',
      user: cluster.roles.scram,
      password: cluster.password,
      tls: 'disable',
      connectTimeoutMs: 5000,
      maxMessageSize: 1 << 20,
    }),
    silentLogger,
  );
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

const columnsOf = async (read: Promise<Awaited<ReturnType<UpstreamCatalog['maskingCatalog']>>>, table: string) =>
  (await read)?.columnsOf('public', table);

describe('UpstreamCatalog: the masking catalog, read again on a miss at most once a second', () => {
  it('reads once, then serves sessions from what it read', async () => {
    expect(await columnsOf(catalog.maskingCatalog(), 'first_table')).toEqual(['id', 'secret']);
    await cluster.query('CREATE TABLE second_table (id int)');
    expect(await columnsOf(catalog.maskingCatalog(), 'second_table')).toBeUndefined();
    expect(catalog.reads).toBe(1);
  });

  it('a miss right after a read waits for no new read; DDL through the gateway makes the next miss read again', async () => {
    expect(await columnsOf(catalog.freshMaskingCatalog(), 'second_table')).toBeUndefined();
    expect(catalog.reads).toBe(1);
    catalog.invalidate();
    expect(await columnsOf(catalog.freshMaskingCatalog(), 'second_table')).toEqual(['id']);
    expect(await columnsOf(catalog.freshMaskingCatalog(), 'second_table')).toEqual(['id']);
    expect(catalog.reads).toBe(2);
  });

  it('a miss a second after the last read reads again: a table a migration made is found', async () => {
    await cluster.query('CREATE TABLE third_table (a int, b text)');
    await Promise.all(Array.from({ length: 20 }, () => catalog.freshMaskingCatalog()));
    expect(catalog.reads).toBe(2);
    await new Promise((r) => setTimeout(r, 1100));
    const reads = await Promise.all(
      Array.from({ length: 20 }, () => columnsOf(catalog.freshMaskingCatalog(), 'third_table')),
    );
    expect(reads.every((c) => c?.join() === 'a,b')).toBe(true);
    expect(catalog.reads).toBe(3);
    // Sessions that start now get the catalog read last.
    expect(await columnsOf(catalog.maskingCatalog(), 'third_table')).toEqual(['a', 'b']);
    expect(catalog.reads).toBe(3);
  });
});
