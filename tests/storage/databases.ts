/**
 * The databases every test of profiles, keys, outcomes and idempotency runs against: SQLite (a temporary directory)
 * and PostgreSQL at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test, which .ci/run exports). Each
 * PostgreSQL database a test opens lives in a schema of its own, dropped afterwards, so parallel files do not meet.
 * Without PostgreSQL its cases are skipped, saying so, unless CI is set: then they fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, type DatabaseOptions, openDatabase } from '../../src/storage/database.js';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== '0';

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await probe(POSTGRES_URL);
if (unreachable !== undefined && !IN_CI)
  console.warn(
    `PostgreSQL at ${POSTGRES_URL} is unreachable (${unreachable}): its test cases are skipped. Set TEST_DATABASE_URL, or CI=1 to make them fail.`,
  );

export interface DatabaseCase {
  readonly dialect: 'sqlite' | 'postgres';
  /** Skip this case: PostgreSQL is missing and CI is not set. */
  readonly skip: boolean;
}

export const DATABASE_CASES: readonly DatabaseCase[] = [
  { dialect: 'sqlite', skip: false },
  { dialect: 'postgres', skip: unreachable !== undefined && !IN_CI },
];

/** Options for a fresh, empty database of the dialect: a temporary directory, or a new PostgreSQL schema. */
export function freshDatabaseOptions(dialect: 'sqlite' | 'postgres'): {
  options: DatabaseOptions;
  cleanup: () => Promise<void>;
} {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleplan-test-'));
    return { options: { dataDir }, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (unreachable !== undefined)
    throw new Error(`PostgreSQL at ${POSTGRES_URL} is unreachable (${unreachable}); CI requires it`);
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  return {
    options: { databaseUrl: POSTGRES_URL, dataDir: '', schema, poolSize: 5 },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The environment (DATA_DIR or DATABASE_URL) of an app that opens, and closes, the database of these options itself. */
export function appEnvFor(options: DatabaseOptions): Record<string, string> {
  if (options.databaseUrl === undefined) return { DATA_DIR: options.dataDir };
  const url = new URL(options.databaseUrl);
  if (options.schema !== undefined) url.searchParams.set('options', `-c search_path=${options.schema}`);
  return { DATABASE_URL: url.toString() };
}

/** A migrated empty database, and how to close and remove it. */
export async function freshDatabase(
  dialect: 'sqlite' | 'postgres',
): Promise<{ database: Database; options: DatabaseOptions; cleanup: () => Promise<void> }> {
  const { options, cleanup } = freshDatabaseOptions(dialect);
  const database = openDatabase(options);
  try {
    await database.migrate();
  } catch (error) {
    // A failed migration must not leave its schema behind for later runs against the same server.
    await database.close();
    await cleanup();
    throw error;
  }
  return {
    database,
    options,
    cleanup: async () => {
      await database.close();
      await cleanup();
    },
  };
}
