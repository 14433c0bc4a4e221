/**
 * Soak: a few seconds of autocannon on loopback against the app as production builds it (info logging, rate limit on,
 * load shedding on, no response checking), with valid and invalid requests interleaved on every connection.
 * Oracles: HTTP semantics (no request a client sends may produce a 5xx, a socket error or a timeout) and a bound on
 * heap growth between two rounds, measured after a forced full GC: a leak of one plan (about 4 kB) per request would
 * add tens of megabytes over the second round's requests, far past the bound.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { testPlanner } from './helpers.js';

interface SoakRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}
interface AutocannonResult {
  requests: { total: number };
  errors: number;
  timeouts: number;
  resets: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
}
// autocannon ships no types; this is the slice of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  requests: SoakRequest[];
}) => Promise<AutocannonResult>;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const BODY_LIMIT_BYTES = 16_384;
const JSON_TYPE = { 'content-type': 'application/json' };
const post = (path: string, body: unknown, headers = JSON_TYPE): SoakRequest => ({
  method: 'POST',
  path,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers,
});

/** Valid requests and bad input that keeps the connection open; each connection cycles through them in order. */
const MIXED: SoakRequest[] = [
  post('/v1/plans', { budget: { amount: 5_000, unit: 'tpu_v4_core_hours' } }),
  post('/v1/plans', { budget: { amount: 'lots', unit: 'tpu_v4_core_hours' } }),
  post('/v1/plans', { budget: { amount: 2_000, unit: 'tpu_v4_chip_hours' }, objective: 'imagenet_top1' }),
  post('/v1/plans', { budget: { amount: 1e308, unit: 'flops' } }),
  post('/v1/plans', {
    budget: { amount: 50_000, unit: 'tpu_v4_core_hours' },
    constraints: { minEpochs: 9_000 },
  }),
  post('/v1/plans', 'budget=5000', { 'content-type': 'application/x-www-form-urlencoded' }),
  post('/v1/plans', {
    budget: { amount: 5_000, unit: 'tpu_v4_core_hours' },
    note: 'x'.repeat(BODY_LIMIT_BYTES),
  }),
  post('/v1/plans/batch', {
    items: Array.from({ length: 20 }, (_, i) => ({
      budget: { amount: 1_000 * (i + 1), unit: 'tpu_v4_core_hours' },
    })),
  }),
  { method: 'GET', path: '/v1/evaluate?model=F3&epochs=2' },
  { method: 'GET', path: '/v1/evaluate?model=F99&epochs=-1' },
  { method: 'GET', path: '/v1/models' },
  { method: 'GET', path: '/v1/no-such-thing' },
  { method: 'PUT', path: '/v1/plans', body: '{}', headers: JSON_TYPE },
  { method: 'GET', path: '/healthz' },
];

/**
 * Bodies Fastify cannot parse: it answers and closes the connection, and autocannon then starts the connection's
 * list again from the top, so each of these runs on connections of its own.
 */
const CLOSING: SoakRequest[] = [
  post('/v1/plans', '{"budget": {"amount": 5000, "unit": "tpu_v4_'),
  post('/v1/plans', '{"__proto__": {"admin": true}}'),
  post('/v1/plans', {
    budget: { amount: 5_000, unit: 'tpu_v4_core_hours' },
    note: 'x'.repeat(BODY_LIMIT_BYTES),
  }),
  post('/v1/plans', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1')),
];

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    RATE_LIMIT_MAX: '1000000000',
    // The memory budget is the pod's; this vitest process also holds autocannon and its results.
    MEMORY_LIMIT_MIB: '8192',
  });
  let logLines = 0;
  app = await buildApp({ config, planner: testPlanner(), logDestination: { write: () => void logLines++ } });
  await app.listen({ host: config.host, port: config.port });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  // Traffic starts once /readyz says so, as behind an orchestrator.
  while ((await fetch(`${base}/readyz`)).status !== 200)
    await new Promise((resolve) => setTimeout(resolve, 50));
});
afterAll(async () => app?.close());

function heapUsedAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

describe('soak', () => {
  it('mixed valid and invalid traffic: no 5xx, no errors, steady heap', async () => {
    const round = async (duration: number) => {
      const results = await Promise.all([
        autocannon({ url: base, connections: 16, duration, requests: MIXED }),
        ...CLOSING.map((request) => autocannon({ url: base, connections: 1, duration, requests: [request] })),
      ]);
      return { open: results[0] as AutocannonResult, all: results };
    };

    const warmUp = await round(2);
    const heapBefore = heapUsedAfterGc();
    const measured = await round(3);
    const heapGrowthBytes = heapUsedAfterGc() - heapBefore;

    for (const result of [...warmUp.all, ...measured.all]) {
      expect(result['5xx'], JSON.stringify(result.statusCodeStats)).toBe(0);
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.requests.total).toBeGreaterThan(0);
      expect(result['2xx'] + result['4xx']).toBe(result.requests.total);
    }
    // Connections that stay open were never reset, and every class of request got its documented status.
    expect(measured.open.resets).toBe(0);
    const statuses = new Set(measured.all.flatMap((result) => Object.keys(result.statusCodeStats)));
    expect([...statuses].sort()).toEqual(['200', '400', '404', '405', '413', '415', '422']);
    const requests = measured.all.reduce((sum, result) => sum + result.requests.total, 0);
    expect(requests).toBeGreaterThan(1_000);
    console.info(
      `soak: ${requests} requests in 3 s, heap growth ${(heapGrowthBytes / 1e6).toFixed(2)} MB (${(heapGrowthBytes / requests).toFixed(0)} B/request)`,
    );
    expect(heapGrowthBytes).toBeLessThan(8 * 1024 * 1024);
  }, 30_000);
});
