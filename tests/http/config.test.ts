/**
 * Configuration from the environment. Oracle: the documented defaults (PORT 8080, HOST 0.0.0.0) and the rule that a
 * bad value fails with a message naming its variable.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('info');
    expect(config.requestTimeoutMs).toBeGreaterThan(0);
    expect(config.rateLimit.enabled).toBe(true);
    // Off unless asked for: CORS, benchmark routes. On: load shedding at a 1 s mean event-loop delay.
    expect(config.corsOrigins).toEqual([]);
    expect(config.benchmarkRoutes).toBe(false);
    expect(config.underPressure.maxEventLoopDelayMs).toBe(1000);
    // Keep-alive outlasts the 60 s idle timeout of common load balancers (AWS ALB, nginx's keepalive_timeout 75 s
    // aside), so the balancer, not Node, closes idle connections and never reuses one Node has just closed.
    expect(config.keepAliveTimeoutMs).toBeGreaterThan(60_000);
    expect(config.headersTimeoutMs).toBeLessThanOrEqual(config.requestTimeoutMs);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BODY_LIMIT_BYTES: '2048',
      REQUEST_TIMEOUT_MS: '5000',
      HEADERS_TIMEOUT_MS: '4000',
      CONNECTION_TIMEOUT_MS: '9000',
      KEEP_ALIVE_TIMEOUT_MS: '61000',
      SHUTDOWN_GRACE_MS: '0',
      RATE_LIMIT_ENABLED: 'false',
      RATE_LIMIT_MAX: '10',
      RATE_LIMIT_WINDOW_MS: '1000',
      TRUST_PROXY: '1',
      DOCS_ENABLED: '0',
      UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '250',
      UNDER_PRESSURE_SAMPLE_INTERVAL_MS: '100',
      UNDER_PRESSURE_RETRY_AFTER_S: '3',
      CORS_ORIGINS: 'https://a.example, http://localhost:3000,',
      BENCHMARK_ROUTES: 'true',
      METRICS_PORT: '9464',
      WORKER_THREADS: '3',
      WORKER_QUEUE_LIMIT: '5',
      WORKER_HEAP_MIB: '64',
      ASYNC_WORK_THRESHOLD: '1000',
      OPERATION_TTL_MS: '172800000',
      OPERATIONS_MAX: '10',
      OPERATIONS_MAX_BYTES: '2097152',
      MEMORY_LIMIT_MIB: '1024',
      RATE_LIMIT_WORK_MAX: '5000',
      SEND_TIMEOUT_MS: '2000',
      DATA_DIR: '/var/lib/scaleplan',
      DATABASE_URL: 'postgres://app:secret@db:5432/scaleplan',
      DATABASE_STATEMENT_TIMEOUT_MS: '2500',
      REQUIRE_API_KEY: 'true',
      IDEMPOTENCY_RETENTION_HOURS: '48',
      READINESS_NEEDS_DATABASE: 'true',
    });
    expect(config).toEqual({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'warn',
      bodyLimitBytes: 2048,
      requestTimeoutMs: 5000,
      headersTimeoutMs: 4000,
      connectionTimeoutMs: 9000,
      keepAliveTimeoutMs: 61000,
      shutdownGraceMs: 0,
      rateLimit: { enabled: false, max: 10, windowMs: 1000 },
      trustProxy: 1,
      docsEnabled: false,
      underPressure: { maxEventLoopDelayMs: 250, sampleIntervalMs: 100, retryAfterSeconds: 3 },
      corsOrigins: ['https://a.example', 'http://localhost:3000'],
      benchmarkRoutes: true,
      metricsPort: 9464,
      workers: { threads: 3, queueLimit: 5, heapMib: 64 },
      asyncWorkThreshold: 1000,
      operations: { ttlMs: 172_800_000, maxCount: 10, maxBytes: 2_097_152 },
      memoryLimitBytes: 1024 * 1024 * 1024,
      rateLimitWorkMax: 5000,
      sendTimeoutMs: 2000,
      storage: {
        dataDir: '/var/lib/scaleplan',
        databaseUrl: 'postgres://app:secret@db:5432/scaleplan',
        statementTimeoutMs: 2500,
        requireApiKey: true,
        idempotencyRetentionHours: 48,
        readinessNeedsDatabase: true,
      },
    });
  });

  it('names a bad DATABASE_URL without echoing it, since it may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/x' })).toThrow(/^DATABASE_URL: /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/x' })).not.toThrow(/hunter2/);
  });

  it.each([
    ['false', false],
    ['0', false],
    ['2', 2],
    ['10.0.0.0/8, 192.168.1.7', ['10.0.0.0/8', '192.168.1.7']],
  ])('reads TRUST_PROXY=%s as hops or addresses', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(8080);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', '1e3'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT_BYTES', '10'],
    ['REQUEST_TIMEOUT_MS', '0'],
    ['RATE_LIMIT_ENABLED', 'yes'],
    ['RATE_LIMIT_MAX', '0'],
    ['RATE_LIMIT_WINDOW_MS', 'soon'],
    ['HEADERS_TIMEOUT_MS', '60000'],
    ['CONNECTION_TIMEOUT_MS', '0'],
    ['UNDER_PRESSURE_SAMPLE_INTERVAL_MS', '1'],
    ['CORS_ORIGINS', 'example.com'],
    ['CORS_ORIGINS', 'https://a.example/path'],
    ['BENCHMARK_ROUTES', 'maybe'],
    // Trusting every hop lets any client choose its own rate-limit key with X-Forwarded-For.
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', 'ingress'],
    // Operations are kept at least 24 h (Azure REST API guidelines).
    ['OPERATION_TTL_MS', '3600000'],
    ['WORKER_THREADS', '0'],
  ])('rejects %s=%s, naming the variable', (variable, value) => {
    let thrown: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
  });
});

describe('server start-up', () => {
  it('exits with code 1 and a message naming PORT when PORT is bad', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('eighty');
  });
});
