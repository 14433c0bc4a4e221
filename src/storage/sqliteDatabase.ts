/**
 * SQLite through node:sqlite (built into Node 22.5+, without a flag from Node 23.4/24), adapted to the
 * better-sqlite3-shaped interface Kysely's SqliteDialect drives. A native addon such as better-sqlite3 would be built by
 * node-gyp against the system Node's headers and fail to load on the Node 26 the project runs on; node:sqlite has no
 * build step. Statements are prepared once per SQL text (Kysely compiles the same text for every call of a query).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept prepared; the repositories issue a few dozen. */
const STATEMENT_CACHE_SIZE = 256;
/** How long a write waits for another process' lock (the CLI beside the server) before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

export const SQLITE_FILE_NAME = 'scaleplan.sqlite';
/** DATA_DIR value that keeps the database in memory (tests): nothing is written to disk. */
export const IN_MEMORY = ':memory:';

type Parameter = null | number | bigint | string | NodeJS.ArrayBufferView;

function bindable(parameters: readonly unknown[]): Parameter[] {
  return parameters.map((value) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value === undefined) return null;
    return value as Parameter;
  });
}

function adapt(statement: StatementSync): SqliteStatement {
  return {
    // A statement returns rows exactly when it has result columns (SELECT, or RETURNING).
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...bindable(parameters)) as unknown[],
    run: (parameters) => {
      const { changes, lastInsertRowid } = statement.run(...bindable(parameters));
      return { changes, lastInsertRowid };
    },
    iterate: (parameters) => statement.iterate(...bindable(parameters)) as IterableIterator<unknown>,
  };
}

/**
 * Opens (creating the directory and the file on first start) the database in `dataDir`, or an in-memory one.
 * WAL lets readers run beside the writer. synchronous=NORMAL: with WAL, a commit is written to the WAL file (the
 * operating system's page cache) before the 201 is sent, and synced at checkpoints, so a killed process (kill -9, an
 * OOM kill) loses no acknowledged write (tests/storage/durability.test.ts) and the database is never corrupted; a
 * power loss or kernel crash may lose the last commits. FULL would sync every commit, and node:sqlite runs on the
 * event loop, so each fsync (milliseconds to tens of them) would stall every request: under 50 connections posting
 * outcomes the load shedder answered 503s (bench/profiles.ts). Deployments that need commits to survive power loss use
 * PostgreSQL (DATABASE_URL), whose commits are synced off the event loop. Foreign keys are off in SQLite unless asked
 * for.
 */
export function openSqlite(dataDir: string): SqliteDatabase & { readonly path: string } {
  const path = dataDir === IN_MEMORY ? IN_MEMORY : join(dataDir, SQLITE_FILE_NAME);
  if (dataDir !== IN_MEMORY) mkdirSync(dataDir, { recursive: true });
  const database = new DatabaseSync(path);
  database.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (dataDir !== IN_MEMORY) database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = NORMAL');
  database.exec('PRAGMA foreign_keys = ON');
  const statements = new Map<string, SqliteStatement>();
  return {
    path,
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = adapt(database.prepare(sql));
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
