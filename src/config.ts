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
  /** Kept above a load balancer's idle timeout so the balancer, not Node, closes idle connections. */
  readonly keepAliveTimeoutMs: number;
  /** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
  readonly shutdownGraceMs: number;
  /** Per-client (per IP) request budget; `max` requests per `windowMs`. Per process unless a shared store is added. */
  readonly rateLimit: { readonly enabled: boolean; readonly max: number; readonly windowMs: number };
  /** Trust X-Forwarded-For from a proxy in front, so rate limits apply to the real client address. */
  readonly trustProxy: boolean;
  /** Serve Swagger UI at /docs and the document at /openapi.json. */
  readonly docsEnabled: boolean;
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

const EnvSchema = z.object({
  PORT: integer(0, 65_535, 8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  // The largest documented body is a 1,000-item batch of plan requests, well under 1 MiB.
  BODY_LIMIT_BYTES: integer(1024, 100 * MEBIBYTE, MEBIBYTE),
  REQUEST_TIMEOUT_MS: integer(1, 10 * 60 * SECOND_MS, 30 * SECOND_MS),
  // Fastify's default (72 s) outlasts the 60 s idle timeout of common load balancers.
  KEEP_ALIVE_TIMEOUT_MS: integer(1, 10 * 60 * SECOND_MS, 72 * SECOND_MS),
  SHUTDOWN_GRACE_MS: integer(0, 10 * 60 * SECOND_MS, 10 * SECOND_MS),
  RATE_LIMIT_ENABLED: boolean(true),
  RATE_LIMIT_MAX: integer(1, 1_000_000_000, 1200),
  RATE_LIMIT_WINDOW_MS: integer(1, 24 * 60 * 60 * SECOND_MS, 60 * SECOND_MS),
  TRUST_PROXY: boolean(false),
  DOCS_ENABLED: boolean(true),
});

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
      `${issue?.message ?? 'invalid'} (got ${JSON.stringify(present[variable])})`,
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    rateLimit: { enabled: e.RATE_LIMIT_ENABLED, max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS },
    trustProxy: e.TRUST_PROXY,
    docsEnabled: e.DOCS_ENABLED,
  };
}
