/**
 * Which database errors mean "unavailable, retry" (503) and which are the request's or the code's (4xx/500). Oracle:
 * errors the real drivers raise in each situation (a refused connection, a destroyed pool, a database locked by
 * another connection, a terminated backend), not hand-made imitations; and errors of a working database (a unique
 * violation, a syntax error, a missing table) that must stay what they are.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isStorageUnavailable } from '../../src/storage/availability.js';
import { openDatabase } from '../../src/storage/database.js';
import { SQLITE_FILE_NAME } from '../../src/storage/sqliteDatabase.js';
import { DATABASE_CASES, POSTGRES_URL } from './databases.js';

async function errorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail');
}

const postgresSkipped = DATABASE_CASES.find((c) => c.dialect === 'postgres')?.skip ?? true;

describe('isStorageUnavailable', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scaleplan-availability-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is true for a PostgreSQL server nobody listens for (connection refused)', async () => {
    const database = openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test', dataDir: '' });
    try {
      expect(isStorageUnavailable(await errorOf(() => database.ping()))).toBe(true);
      expect(isStorageUnavailable(await errorOf(() => database.migrate()))).toBe(true);
    } finally {
      await database.close();
    }
  });

  it.each(DATABASE_CASES)('is true for a query on a closed $dialect database', async ({ dialect, skip }) => {
    if (skip) return;
    const database = openDatabase(
      dialect === 'sqlite' ? { dataDir: ':memory:' } : { databaseUrl: POSTGRES_URL, dataDir: '' },
    );
    await database.ping();
    await database.close();
    const error = await errorOf(() => database.ping());
    expect((error as Error).message).toBe('driver has already been destroyed');
    expect(isStorageUnavailable(error)).toBe(true);
  });

  it('is true for a SQLite write while another connection holds the lock, false for errors of a working one', async () => {
    const database = openDatabase({ dataDir });
    await database.migrate();
    const other = new DatabaseSync(join(dataDir, SQLITE_FILE_NAME));
    other.exec('PRAGMA busy_timeout = 0');
    const sqlite = new DatabaseSync(join(dataDir, SQLITE_FILE_NAME));
    try {
      sqlite.exec('PRAGMA busy_timeout = 0');
      other.exec('BEGIN EXCLUSIVE');
      let busy: unknown;
      try {
        sqlite.exec("INSERT INTO teams (id, name, created_at) VALUES ('t', 't', 'now')");
      } catch (error) {
        busy = error;
      }
      expect(busy).toBeDefined();
      expect(isStorageUnavailable(busy)).toBe(true);
      other.exec('ROLLBACK');

      await sql`insert into teams (id, name, created_at) values ('a', 'a', 'now')`.execute(database.db);
      const duplicate = await errorOf(() =>
        sql`insert into teams (id, name, created_at) values ('a', 'a', 'now')`.execute(database.db),
      );
      expect(isStorageUnavailable(duplicate)).toBe(false);
      expect(isStorageUnavailable(await errorOf(() => sql`selec 1`.execute(database.db)))).toBe(false);
      expect(isStorageUnavailable(await errorOf(() => sql`select * from nowhere`.execute(database.db)))).toBe(
        false,
      );
    } finally {
      sqlite.close();
      other.close();
      await database.close();
    }
  });

  it.skipIf(postgresSkipped)(
    'is true for a PostgreSQL backend terminated under a query, false for errors of a working server',
    async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      client.on('error', () => {});
      await client.connect();
      await admin.connect();
      try {
        expect(isStorageUnavailable(await errorOf(() => client.query('selec 1')))).toBe(false);
        expect(isStorageUnavailable(await errorOf(() => client.query('select * from nowhere_at_all')))).toBe(
          false,
        );
        const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
        const sleeping = errorOf(() => client.query('select pg_sleep(30)'));
        await new Promise((resolve) => setTimeout(resolve, 100));
        await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
        const terminated = await sleeping;
        expect((terminated as { code?: string }).code).toBe('57P01');
        expect(isStorageUnavailable(terminated)).toBe(true);
        // The client is broken from then on.
        expect(isStorageUnavailable(await errorOf(() => client.query('select 1')))).toBe(true);
      } finally {
        await client.end().catch(() => {});
        await admin.end();
      }
    },
  );

  it('is false for what is not a database error', () => {
    for (const value of [
      undefined,
      null,
      'ECONNREFUSED',
      42,
      new Error('boom'),
      new TypeError('x is undefined'),
    ])
      expect(isStorageUnavailable(value)).toBe(false);
    const cyclic: { cause?: unknown; message: string } = { message: 'cyclic' };
    cyclic.cause = cyclic;
    expect(isStorageUnavailable(cyclic)).toBe(false);
  });
});
