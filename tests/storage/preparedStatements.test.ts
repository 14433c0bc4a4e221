/**
 * The statements every request runs (a key with its team's profile, a profile's head) are kept parsed on each
 * PostgreSQL connection: after a request's queries, the connection's pg_prepared_statements lists them, and running
 * them again gives the same answers. Oracle: PostgreSQL's own catalogue of the session's prepared statements.
 */

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { DATABASE_CASES, freshDatabaseOptions } from './databases.js';

const postgres = DATABASE_CASES.find((c) => c.dialect === 'postgres');

describe('prepared statements on PostgreSQL', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (postgres?.skip !== false) return;
    const fresh = freshDatabaseOptions('postgres');
    cleanup = fresh.cleanup;
    // One connection, so the catalogue read below is the session that ran the statements.
    database = openDatabase({ ...fresh.options, poolSize: 1 });
    await database.migrate();
  });
  afterAll(async () => {
    if (postgres?.skip !== false) return;
    await database.close();
    await cleanup();
  });

  it.skipIf(postgres?.skip !== false)(
    'keeps the key and profile-head statements parsed on the connection',
    async () => {
      const store = new Store(database);
      const key = await store.createKey('vision', 'read');
      for (let i = 0; i < 2; i++) {
        const principal = await store.authenticate(key.token, 'main');
        expect(principal).toMatchObject({ teamName: 'vision', scope: 'read', profileLookup: { head: null } });
        expect(await store.profileHead(principal?.teamId as string, 'main')).toBeUndefined();
      }
      const { rows } = await sql<{ name: string; statement: string }>`
      select name, statement from pg_prepared_statements where name like 'scaleplan_%'`.execute(database.db);
      expect(rows.map((r) => r.statement).some((s) => /api_keys/.test(s))).toBe(true);
      expect(rows.map((r) => r.statement).some((s) => /from "profiles"/.test(s))).toBe(true);
    },
  );
});
