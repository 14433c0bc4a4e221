/**
 * Service configuration from environment variables. Pure: the caller passes the environment (src/server.ts passes
 * process.env; tests pass literals), so nothing else in the code base reads process.env.
 */
import { z } from 'zod';

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  /** Time a client gets to send a whole request; must be non-zero when no proxy sits in front. */
  readonly requestTimeoutMs: number;
  /** Time a client gets to send the request line and headers (slow-loris defence); at most requestTimeoutMs. */
  readonly headersTimeoutMs: number;
  /** A socket with no traffic for this long while a request is in progress is closed. */
  readonly connectionTimeoutMs: number;
  /** Kept above a load balancer's idle timeout so the balancer, not Node, closes idle connections. */
  readonly keepAliveTimeoutMs: number;
  /** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
  readonly shutdownGraceMs: number;
  /** Per-client (per IP) request budget; `max` requests per `windowMs`. Per process unless a shared store is added. */
  readonly rateLimit: { readonly enabled: boolean; readonly max: number; readonly windowMs: number };
  /**
   * Which X-Forwarded-For entries to believe: false (none), a number of proxy hops in front of the pod, or the
   * addresses/CIDRs of the proxies. Never "all": then any client picks its own rate-limit key.
   */
  readonly trustProxy: false | number | readonly string[];
  /** Serve Swagger UI at /docs and the document at /openapi.json. */
  readonly docsEnabled: boolean;
  /**
   * Load shedding: while the event loop's mean delay over the last sample exceeds maxEventLoopDelayMs (0: never),
   * requests other than the two probes get 503 with Retry-After.
   */
  readonly underPressure: {
    readonly maxEventLoopDelayMs: number;
    readonly sampleIntervalMs: number;
    readonly retryAfterSeconds: number;
  };
  /** Origins allowed to call the API from a browser; empty (the default) turns CORS off. `*` allows any origin. */
  readonly corsOrigins: readonly string[];
  /** Register the benchmark's reference routes under /bench (npm run bench); never in production. */
  readonly benchmarkRoutes: boolean;
  /** Port for Prometheus' /metrics, off the API port; undefined: no metrics endpoint. */
  readonly metricsPort: number | undefined;
  /** Worker threads for fits, targets and large batches, and how many tasks may wait for one. */
  readonly workers: { readonly threads: number; readonly queueLimit: number; readonly heapMib: number };
  /** Work (in plan units, see src/http/work.ts) above which a request runs as an operation (202). */
  readonly asyncWorkThreshold: number;
  /** Operations kept for ttlMs after they finish, at most maxCount of them and maxBytes of results. */
  readonly operations: { readonly ttlMs: number; readonly maxCount: number; readonly maxBytes: number };
  /**
   * The process' memory budget (the pod's limit): heavy work is refused past 25 % of it in the event loop's heap,
   * /readyz says 503 past 35 %, everything but the probes is shed past 45 %; plugins/underPressure.ts.
   */
  readonly memoryLimitBytes: number;
  /** Work units a client may spend per rate-limit window, on top of the request count. */
  readonly rateLimitWorkMax: number;
  /** A response not fully written this long after it started (a client that does not read) is cut. */
  readonly sendTimeoutMs: number;
  /**
   * Where profiles, keys, recorded plans and outcomes live: PostgreSQL at databaseUrl when set, else a SQLite file in
   * dataDir (created on first start; ':memory:' keeps it in memory). requireApiKey closes the stateless routes too.
   */
  readonly storage: {
    readonly dataDir: string;
    readonly databaseUrl: string | undefined;
    /** PostgreSQL: the server cancels a request's statement after this long (a 503 with Retry-After). */
    readonly statementTimeoutMs: number;
    readonly requireApiKey: boolean;
    /** How long an Idempotency-Key's answer is replayed; then the key is new again and its record is purged. */
    readonly idempotencyRetentionHours: number;
    /**
     * Whether /readyz fails while the database does not answer. Off by default: the database is shared by every pod,
     * so an outage would take them all out of rotation, planning on the paper's laws included, which needs none.
     */
    readonly readinessNeedsDatabase: boolean;
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Bad configuration; the message starts with the variable's name so an operator knows what to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

const MEBIBYTE = 1024 * 1024;
const SECOND_MS = 1000;

/** A whole decimal number written with digits only: "1e3", "0x10", " 8" and "" are rejected, not guessed at. */
function integer(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback);
}

function boolean(fallback: boolean) {
  return z
    .enum(['true', 'false', '1', '0'], { message: 'must be true, false, 1 or 0' })
    .transform((value) => value === 'true' || value === '1')
    .default(fallback);
}

/** A comma-separated list of origins (scheme://host[:port]) or `*`; empty entries are dropped. */
const origins = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
  )
  .pipe(
    z.array(
      z.union([
        z.literal('*'),
        z
          .string()
          .regex(
            /^https?:\/\/[^/\s,]+$/,
            'must be * or origins like https://example.com, separated by commas',
          ),
      ]),
    ),
  )
  .default([]);

/** "false" or "0": trust no proxy; a number: that many hops; else a comma-separated list of addresses or CIDRs. */
const trustProxy = z
  .string()
  .transform((value, context): false | number | string[] => {
    const trimmed = value.trim();
    if (trimmed === 'false' || trimmed === '0') return false;
    if (/^\d{1,2}$/.test(trimmed)) return Number(trimmed);
    const addresses = trimmed
      .split(',')
      .map((address) => address.trim())
      .filter((address) => address !== '');
    if (addresses.length > 0 && addresses.every((address) => /^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(address)))
      return addresses;
    context.addIssue({
      code: 'custom',
      message:
        'must be false, a number of proxy hops (1 for one ingress) or the proxies\' addresses/CIDRs, comma-separated; "true" would let every client choose its own address',
    });
    return z.NEVER;
  })
  .default(false);

const EnvSchema = z.object({
  PORT: integer(0, 65_535, 8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  // The largest documented body is a 1,000-item batch of plan requests, well under 1 MiB.
  BODY_LIMIT_BYTES: integer(1024, 100 * MEBIBYTE, MEBIBYTE),
  REQUEST_TIMEOUT_MS: integer(1, 10 * 60 * SECOND_MS, 30 * SECOND_MS),
  // Node's default is 60 s; every request here has a small body, so 10 s leaves slow clients room and slow-loris none.
  HEADERS_TIMEOUT_MS: integer(1, 10 * 60 * SECOND_MS, 10 * SECOND_MS),
  CONNECTION_TIMEOUT_MS: integer(1, 10 * 60 * SECOND_MS, 2 * 60 * SECOND_MS),
  // Fastify's default (72 s) outlasts the 60 s idle timeout of common load balancers.
  KEEP_ALIVE_TIMEOUT_MS: integer(1, 60 * 60 * SECOND_MS, 72 * SECOND_MS),
  SHUTDOWN_GRACE_MS: integer(0, 10 * 60 * SECOND_MS, 10 * SECOND_MS),
  RATE_LIMIT_ENABLED: boolean(true),
  RATE_LIMIT_MAX: integer(1, 1_000_000_000, 1200),
  RATE_LIMIT_WINDOW_MS: integer(1, 24 * 60 * 60 * SECOND_MS, 60 * SECOND_MS),
  TRUST_PROXY: trustProxy,
  DOCS_ENABLED: boolean(true),
  // Heavy work runs on worker threads, so the loop only lags when it is flooded; a mean delay of 1 s means a queue.
  UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: integer(0, 60 * SECOND_MS, SECOND_MS),
  // Sampled often, so a stall shows (and clears) within a fifth of a second rather than a whole second.
  UNDER_PRESSURE_SAMPLE_INTERVAL_MS: integer(10, 60 * SECOND_MS, 200),
  UNDER_PRESSURE_RETRY_AFTER_S: integer(1, 3600, 10),
  CORS_ORIGINS: origins,
  BENCHMARK_ROUTES: boolean(false),
  METRICS_PORT: integer(1, 65_535, 0),
  // One thread for the API and one for heavy work: the manifests give a pod 2 cores.
  WORKER_THREADS: integer(1, 64, 1),
  // Each waiting batch holds its request and, once done, about 10 MB of JSON: a short queue bounds memory.
  WORKER_QUEUE_LIMIT: integer(0, 10_000, 2),
  // A maximum-size fit or batch needs about 40 MB of heap in a worker; a runaway task is stopped at this.
  WORKER_HEAP_MIB: integer(32, 16_384, 128),
  // About 1 s of CPU (a plan unit is about 10 us): past it a client is better served by polling than by waiting.
  ASYNC_WORK_THRESHOLD: integer(1, 1_000_000_000, 100_000),
  // The Azure REST API guidelines keep a finished operation at least 24 h.
  OPERATION_TTL_MS: integer(
    24 * 60 * 60 * SECOND_MS,
    30 * 24 * 60 * 60 * SECOND_MS,
    24 * 60 * 60 * SECOND_MS,
  ),
  OPERATIONS_MAX: integer(1, 1_000_000, 1000),
  OPERATIONS_MAX_BYTES: integer(MEBIBYTE, 16 * 1024 * MEBIBYTE, 64 * MEBIBYTE),
  // deploy/kubernetes' memory limit.
  MEMORY_LIMIT_MIB: integer(64, 1024 * 1024, 512),
  // About 20 s of CPU per client per window: two maximum-size fits, or a thousand full batches.
  RATE_LIMIT_WORK_MAX: integer(1, 1_000_000_000_000, 2_000_000),
  SEND_TIMEOUT_MS: integer(100, 10 * 60 * SECOND_MS, 30 * SECOND_MS),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  // Far above any statement a request runs (milliseconds), below REQUEST_TIMEOUT_MS: a request never waits out its
  // whole time on one query.
  DATABASE_STATEMENT_TIMEOUT_MS: integer(100, 10 * 60 * SECOND_MS, 10 * SECOND_MS),
  REQUIRE_API_KEY: boolean(false),
  // The IETF httpapi idempotency-key draft's examples keep keys for 24 hours; at most a year.
  IDEMPOTENCY_RETENTION_HOURS: integer(1, 365 * 24, 24),
  READINESS_NEEDS_DATABASE: boolean(false),
});

/** Variables whose values may hold secrets: a configuration error names them without echoing the value. */
const SECRET_VARIABLES = new Set(['DATABASE_URL']);

/**
 * Reads and validates the configuration. An empty variable counts as unset (as `PORT=` in an env file means).
 * @throws ConfigError naming the first bad variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const present: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') present[key] = value;
  }
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(
      variable,
      SECRET_VARIABLES.has(variable)
        ? `${issue?.message ?? 'invalid'} (value not shown)`
        : `${issue?.message ?? 'invalid'} (got ${JSON.stringify(present[variable])})`,
    );
  }
  const e = parsed.data;
  // Node refuses to start a server whose headers timeout exceeds its request timeout; say so with the variable's name.
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS)
    throw new ConfigError(
      'HEADERS_TIMEOUT_MS',
      `must be at most REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS}); got ${e.HEADERS_TIMEOUT_MS}`,
    );
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    connectionTimeoutMs: e.CONNECTION_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    rateLimit: { enabled: e.RATE_LIMIT_ENABLED, max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS },
    trustProxy: e.TRUST_PROXY,
    docsEnabled: e.DOCS_ENABLED,
    underPressure: {
      maxEventLoopDelayMs: e.UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      sampleIntervalMs: e.UNDER_PRESSURE_SAMPLE_INTERVAL_MS,
      retryAfterSeconds: e.UNDER_PRESSURE_RETRY_AFTER_S,
    },
    corsOrigins: e.CORS_ORIGINS,
    benchmarkRoutes: e.BENCHMARK_ROUTES,
    metricsPort: e.METRICS_PORT === 0 ? undefined : e.METRICS_PORT,
    workers: { threads: e.WORKER_THREADS, queueLimit: e.WORKER_QUEUE_LIMIT, heapMib: e.WORKER_HEAP_MIB },
    asyncWorkThreshold: e.ASYNC_WORK_THRESHOLD,
    operations: { ttlMs: e.OPERATION_TTL_MS, maxCount: e.OPERATIONS_MAX, maxBytes: e.OPERATIONS_MAX_BYTES },
    memoryLimitBytes: e.MEMORY_LIMIT_MIB * MEBIBYTE,
    rateLimitWorkMax: e.RATE_LIMIT_WORK_MAX,
    sendTimeoutMs: e.SEND_TIMEOUT_MS,
    storage: {
      dataDir: e.DATA_DIR,
      databaseUrl: e.DATABASE_URL,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      requireApiKey: e.REQUIRE_API_KEY,
      idempotencyRetentionHours: e.IDEMPOTENCY_RETENTION_HOURS,
      readinessNeedsDatabase: e.READINESS_NEEDS_DATABASE,
    },
  };
}
