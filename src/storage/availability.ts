/**
 * Whether a database error means the database cannot be used right now (unreachable, restarting, out of connections,
 * locked, out of disk) rather than that the request or the code is wrong: the former is worth retrying, so the API
 * answers it with 503 and Retry-After; anything else stays a 500. Recognised by the drivers' codes, and by the messages
 * of pg, pg-pool and Kysely for the failures they raise without one.
 */

/** Node's socket and name-resolution errors on the way to a PostgreSQL server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html): class 08, connection
 * exception; class 53, insufficient resources (too many connections, disk full, out of memory); 57P01-57P03, the
 * server shutting down or starting (pg_terminate_backend answers 57P01); 57014, a statement cancelled, which here
 * is the statement timeout (DATABASE_STATEMENT_TIMEOUT_MS: a server too busy or a lock held too long); 58030, an I/O
 * error.
 */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    ['57014', '57P01', '57P02', '57P03', '58030'].includes(code)
  );
}

/** SQLite primary result codes (https://sqlite.org/rescode.html): BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN. */
const SQLITE_UNAVAILABLE = new Set([5, 6, 8, 10, 13, 14]);

/** Failures pg, pg-pool and Kysely report by message alone. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'driver has already been destroyed',
];

/** How deep causes and aggregated errors are followed (a cycle must not recurse forever). */
const MAX_DEPTH = 4;

export function isStorageUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const e = error as {
    code?: unknown;
    errcode?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code)) return true;
    if (/^[0-9A-Z]{5}$/.test(e.code) && isUnavailableSqlState(e.code)) return true;
    if (e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number')
      return SQLITE_UNAVAILABLE.has(e.errcode & 0xff);
  }
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.includes(e.message)) return true;
  // A host with several addresses refused on each (AggregateError), or an error wrapping the driver's.
  if (
    Array.isArray(e.errors) &&
    e.errors.length > 0 &&
    e.errors.every((inner) => isStorageUnavailable(inner, depth + 1))
  )
    return true;
  return isStorageUnavailable(e.cause, depth + 1);
}
