/**
 * The PostgreSQL statement timeout (DATABASE_STATEMENT_TIMEOUT_MS). Oracle: the real server, which cancels a statement
 * that runs past it with SQLSTATE 57014 (PostgreSQL's documentation, "statement_timeout"); and Kysely's migration lock
 * (0.28's PostgresAdapter: the session-level advisory lock 3853314791062309107), held here by hand.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isStorageUnavailable } from '../../src/storage/availability.js';
import { openDatabase } from '../../src/storage/database.js';
import { DATABASE_CASES, freshDatabaseOptions } from './databases.js';

const postgresSkipped = DATABASE_CASES.find((c) => c.dialect === 'postgres')?.skip ?? true;

describe.skipIf(postgresSkipped)('the PostgreSQL statement timeout', () => {
  it('cancels a statement that runs past it (57014, unavailable: a 503) and leaves the pool usable', async () => {
    const { options, cleanup } = freshDatabaseOptions('postgres');
    const database = openDatabase({ ...options, statementTimeoutMs: 200 });
    try {
      await database.migrate();
      const started = performance.now();
      const error = await sql`select pg_sleep(5)`.execute(database.db).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as { code?: string } | undefined)?.code).toBe('57014');
      expect(performance.now() - started).toBeLessThan(4_000);
      expect(isStorageUnavailable(error)).toBe(true);
      // A statement within the limit runs, on the same pool.
      await sql`select pg_sleep(0.05)`.execute(database.db);
      await database.ping();
    } finally {
      await database.close();
      await cleanup();
    }
  });

  it('does not limit migrations: a pod waits out another pod’s migration lock held longer than the timeout', async () => {
    const { options, cleanup } = freshDatabaseOptions('postgres');
    const first = openDatabase(options);
    const second = openDatabase({ ...options, statementTimeoutMs: 100 });
    const holder = new pg.Client({ connectionString: options.databaseUrl });
    try {
      await first.migrate();
      await holder.connect();
      await holder.query('select pg_advisory_lock(3853314791062309107)');
      const migrating = second.migrate();
      await new Promise((resolve) => setTimeout(resolve, 600));
      await holder.query('select pg_advisory_unlock(3853314791062309107)');
      // Nothing left to run, but it had to take the lock: it waited 600 ms, six times its statement timeout.
      await expect(migrating).resolves.toEqual([]);
    } finally {
      await holder.end().catch(() => {});
      await first.close();
      await second.close();
      await cleanup();
    }
  });
});
