/**
 * HTTP throughput in one run, as ratios (autocannon on loopback, fastify/benchmarks' method: -c 100 -p 10, a warm-up
 * round then a measured round):
 *   - bare Fastify GET with a response schema (bench/http-bare-server.ts): the framework's ceiling on this machine;
 *   - the app's GET /healthz: the cost of the cross-cutting plugins (request id, helmet, metrics, readiness);
 *   - the app's GET /v1/dataset: a real route with a 15 kB body, validation and its log line;
 *   - the app's POST /v1/plans: zod validation of the body, plan() and a 4 kB fast-json-stringify response.
 * Servers run in child processes with production settings except the rate limit, which would answer 429s.
 * Run: npx tsx bench/http-baseline.ts [seconds]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
}
// autocannon ships no types; this is the slice of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

interface Post {
  readonly body: string;
}

const SECONDS = Number(process.argv[2] ?? 10);

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function run(url: string, duration: number, post?: Post) {
  return autocannon({
    url,
    connections: 100,
    pipelining: 10,
    duration,
    ...(post ? { method: 'POST', body: post.body, headers: { 'content-type': 'application/json' } } : {}),
  });
}

async function startServer(entry: string): Promise<{ base: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      RATE_LIMIT_ENABLED: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${base}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (attempt > 150) throw new Error(`${entry} did not become ready`);
    await sleep(100);
  }
  return {
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function measure(url: string, post?: Post) {
  await run(url, Math.max(2, Math.round(SECONDS / 3)), post);
  const measured = await run(url, SECONDS, post);
  return {
    reqPerSec: Math.round(measured.requests.average),
    p50Ms: measured.latency.p50,
    p99Ms: measured.latency.p99,
    non2xx: measured.non2xx,
  };
}

const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
const bare = await startServer('bench/http-bare-server.ts');
try {
  results['bare Fastify GET'] = await measure(`${bare.base}/healthz`);
} finally {
  await bare.stop();
}
const app = await startServer('src/server.ts');
try {
  results['GET /healthz'] = await measure(`${app.base}/healthz`);
  results['GET /v1/dataset'] = await measure(`${app.base}/v1/dataset`);
  results['POST /v1/plans'] = await measure(`${app.base}/v1/plans`, {
    body: JSON.stringify({ budget: { amount: 50_000, unit: 'tpu_v4_core_hours' }, hardware: { cores: 512 } }),
  });
} finally {
  await app.stop();
}
console.table(results);
const percentOf = (what: string, of: string) =>
  `${((100 * (results[what]?.reqPerSec ?? Number.NaN)) / (results[of]?.reqPerSec ?? Number.NaN)).toFixed(0)}%`;
console.log(
  `GET /healthz runs at ${percentOf('GET /healthz', 'bare Fastify GET')} of bare Fastify's throughput`,
);
console.log(
  `GET /v1/dataset runs at ${percentOf('GET /v1/dataset', 'GET /healthz')} of GET /healthz's throughput`,
);
console.log(
  `POST /v1/plans runs at ${percentOf('POST /v1/plans', 'GET /healthz')} of GET /healthz's throughput`,
);
