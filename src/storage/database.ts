/**
 * The database: embedded SQLite in DATA_DIR by default, PostgreSQL when DATABASE_URL is set, both behind Kysely (one
 * query layer and one set of migrations for the two dialects).
 */
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { isStorageUnavailable } from './availability.js';
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
  /**
   * PostgreSQL: how long one statement of a request may run (or wait on a lock) before the server cancels it (SQLSTATE
   * 57014, answered 503). Migrations run on a connection of their own without it. No limit when absent.
   */
  readonly statementTimeoutMs?: number;
  /** Called with errors of PostgreSQL connections (a restarted server), which would otherwise crash the process. */
  readonly onPoolError?: (error: Error) => void;
}

export interface Database {
  readonly db: Kysely<Tables>;
  readonly dialect: Dialect;
  /** Where the data lives, for logs: the SQLite file, or the PostgreSQL host and database (never the password). */
  readonly location: string;
  migrate(): Promise<string[]>;
  /** The cheapest round trip (SELECT 1); rejects when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * How long a query waits for a PostgreSQL connection (a new one, or a free one of the pool) before failing. pg waits
 * forever by default, so with the server unreachable behind a firewall that drops packets, every request would hang
 * for the operating system's connect timeout (minutes); failing after this long answers 503 instead.
 */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * The pool as Kysely sees it, except that a connection whose query failed because the server went away (terminated,
 * restarted, cut off) is dropped when released rather than handed to the next query: pg notices the closed socket
 * only when its end arrives, which may be after the release, and the next request would fail on a dead connection.
 */
function droppingBrokenConnections(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let broken = false;
      return {
        // Kysely uses the cursor overload only when its dialect is given a cursor class, which this one is not.
        query: (async (text: string, parameters: readonly unknown[]) => {
          try {
            const name = preparedNames.get(text);
            return await (name === undefined
              ? client.query(text, [...parameters])
              : client.query({ name, text, values: [...parameters] }));
          } catch (error) {
            if (isStorageUnavailable(error)) broken = true;
            throw error;
          }
        }) as unknown as PostgresPoolClient['query'],
        release: (destroy) => client.release(destroy === true || broken),
      };
    },
    end: () => pool.end(),
  };
}

/**
 * Statements PostgreSQL keeps parsed and planned on each connection (pg's named statements): the few a request runs
 * every time (an API key with its team's profile, a profile's head), so that the server parses and plans each once
 * per connection instead of once per request. Only fixed texts are registered (store.ts compiles them once), so the
 * set stays small; a text's name is its order of registration.
 */
const preparedNames = new Map<string, string>();
export function prepareStatement(text: string): void {
  if (!preparedNames.has(text)) preparedNames.set(text, `scaleplan_${preparedNames.size + 1}`);
}

async function ping(db: Kysely<Tables>): Promise<void> {
  await sql`select 1`.execute(db);
}

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres (unparseable DATABASE_URL)';
  }
}

/** PostgreSQL's current_schema(): the first schema of the search_path that exists (undefined when none does). */
async function currentSchema(db: Kysely<unknown>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
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
      ping: () => ping(db),
      close: () => db.destroy(),
    };
  }
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new Error(`schema must match ${SCHEMA_NAME.source}; got ${JSON.stringify(schema)}`);
  const connection: pg.PoolConfig = {
    connectionString: options.databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  };
  const pool = new pg.Pool({
    ...connection,
    max: options.poolSize ?? 10,
    // Sent at connect as a run-time parameter, so the server enforces it on every statement of the connection.
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  // pg-pool listens for errors of idle connections only; a connection in use that loses its server (a restart,
  // pg_terminate_backend, a network cut) emits 'error' besides failing its query, and with no listener that would be
  // an uncaught exception. The query's caller sees the failure; the pool drops the connection when it is released.
  pool.on('connect', (client) => client.on('error', (error) => options.onPoolError?.(error)));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: droppingBrokenConnections(pool) }) });
  return {
    db,
    dialect: 'postgres',
    location: describeUrl(options.databaseUrl),
    async migrate() {
      // A connection of its own, without the statement timeout: a pod waits on another's migration lock for as long
      // as that migration takes, and a migration may rewrite a large table.
      const migrations = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ ...connection, max: 1 }) }),
      });
      try {
        if (schema !== undefined) {
          try {
            await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${schema}`).execute(migrations);
          } catch (error) {
            // Two processes creating the schema together: one of them gets a unique violation, and the schema exists.
            if ((error as { code?: string }).code !== '23505') throw error;
          }
        }
        // Kysely's bookkeeping tables belong to the schema the connection works in (migrations.ts says why): the
        // configured one, or the first schema of the connection's search_path that exists.
        const migrationTableSchema = schema ?? (await currentSchema(migrations));
        return await migrateToLatest(
          migrations,
          migrationTableSchema === undefined ? {} : { migrationTableSchema },
        );
      } finally {
        await migrations.destroy();
      }
    },
    ping: () => ping(db),
    close: () => db.destroy(),
  };
}
