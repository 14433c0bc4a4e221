/**
 * The database: embedded SQLite in DATA_DIR by default, PostgreSQL when DATABASE_URL is set, both behind Kysely (one
 * query layer and one set of migrations for the two dialects).
 */
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import { openSqlite } from './sqliteDatabase.js';
import type { Tables } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** postgres://...; SQLite in dataDir when absent. */
  readonly databaseUrl?: string | undefined;
  /** Directory of the SQLite file (created when missing), or ':memory:'. */
  readonly dataDir: string;
  /** PostgreSQL schema to work in (created when missing); the connection's default search_path when absent. */
  readonly schema?: string;
  /** PostgreSQL connections per process. */
  readonly poolSize?: number;
  /** Called with errors of idle PostgreSQL connections (a restarted server), which would otherwise crash the process. */
  readonly onPoolError?: (error: Error) => void;
}

export interface Database {
  readonly db: Kysely<Tables>;
  readonly dialect: Dialect;
  /** Where the data lives, for logs: the SQLite file, or the PostgreSQL host and database (never the password). */
  readonly location: string;
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres (unparseable DATABASE_URL)';
  }
}

/** Opens the database; nothing is created or migrated until migrate(). */
export function openDatabase(options: DatabaseOptions): Database {
  if (options.databaseUrl === undefined) {
    const sqlite = openSqlite(options.dataDir);
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });
    return {
      db,
      dialect: 'sqlite',
      location: sqlite.path,
      migrate: () => migrateToLatest(db as Kysely<unknown>),
      close: () => db.destroy(),
    };
  }
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new Error(`schema must match ${SCHEMA_NAME.source}; got ${JSON.stringify(schema)}`);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    location: describeUrl(options.databaseUrl),
    async migrate() {
      if (schema !== undefined) {
        const client = await pool.connect();
        try {
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        } catch (error) {
          // Two processes creating the schema together: one of them gets a unique violation, and the schema exists.
          if ((error as { code?: string }).code !== '23505') throw error;
        } finally {
          client.release();
        }
      }
      return migrateToLatest(db as Kysely<unknown>);
    },
    close: () => db.destroy(),
  };
}
