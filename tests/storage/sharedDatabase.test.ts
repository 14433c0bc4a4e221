/**
 * Deployments that share one PostgreSQL database, each in a schema of its own (staging beside production, or another
 * application that migrates with Kysely). Oracle: the real server's catalog. Kysely's introspection lists the tables
 * of every schema, so the migrator must be told which schema its bookkeeping tables belong to, or a new schema's
 * first migration fails with "relation kysely_migration_lock does not exist".
 */
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { DATABASE_CASES, freshDatabaseOptions, POSTGRES_URL } from './databases.js';

const postgresSkipped = DATABASE_CASES.find((c) => c.dialect === 'postgres')?.skip ?? true;

async function tablesIn(schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by table_name',
      [schema],
    );
    return rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

const EXPECTED_TABLES = [
  'api_keys',
  'idempotency_keys',
  'kysely_migration',
  'kysely_migration_lock',
  'outcomes',
  'plans',
  'profile_versions',
  'profiles',
  'teams',
];

describe.skipIf(postgresSkipped)('two deployments in one PostgreSQL database', () => {
  it('migrates a new schema beside one already migrated, each holding its own tables', async () => {
    const first = freshDatabaseOptions('postgres');
    const second = freshDatabaseOptions('postgres');
    const a = openDatabase(first.options);
    const b = openDatabase(second.options);
    try {
      expect(await a.migrate()).toContain('0001_profiles');
      expect(await b.migrate()).toContain('0001_profiles');
      expect(await b.migrate()).toEqual([]);
      expect(await tablesIn(first.options.schema as string)).toEqual(EXPECTED_TABLES);
      expect(await tablesIn(second.options.schema as string)).toEqual(EXPECTED_TABLES);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([first.cleanup(), second.cleanup()]);
    }
  });

  it('migrates into the schema a DATABASE_URL search_path names, beside a migrated one', async () => {
    const migrated = freshDatabaseOptions('postgres');
    const target = freshDatabaseOptions('postgres');
    const schema = target.options.schema as string;
    const a = openDatabase(migrated.options);
    // As a deployment configures it: the schema exists, and only the URL's search_path selects it.
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const b = openDatabase({ databaseUrl: url.toString(), dataDir: '' });
    try {
      await a.migrate();
      await sql.raw(`CREATE SCHEMA ${schema}`).execute(a.db);
      expect(await b.migrate()).toContain('0001_profiles');
      expect(await tablesIn(schema)).toEqual(EXPECTED_TABLES);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([migrated.cleanup(), target.cleanup()]);
    }
  });
});
