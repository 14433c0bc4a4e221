/**
 * `npm run bench`: HTTP throughput and latency of the production server, as ratios measured in one run.
 *
 * The server is the build (`node dist/server.js`, NODE_ENV=production) in a child process, with the production
 * logging configuration (LOG_LEVEL=info: one JSON summary line per request, written to a stdout that goes to
 * /dev/null) and BENCHMARK_ROUTES=true, which adds two hidden reference routes behind the same plugins as every route
 * (src/http/routes/benchmark.ts). The rate limit stays on with a ceiling the load never reaches, so its cost counts.
 * autocannon drives it on loopback, 50 connections without pipelining, a warm-up round then a measured round:
 *
 *   - bare Fastify hello-world (bench/http-bare-server.ts): the framework's ceiling on this machine;
 *   - GET /bench/hello: the same answer from the app, behind its plugins;
 *   - POST /bench/plans-reference: validates the same bodies as POST /v1/plans and sends each body its own precomputed plan through
 *     the same compiled serializer: the limit for POST /v1/plans on this stack, everything but the planning;
 *   - POST /v1/plans with the same typical bodies.
 *
 * The targets take turns, round after round (ROUNDS rounds, each a warm-up then a measured run), and each figure is the
 * median over rounds: on a shared 2-vCPU machine a neighbour's burst lands in one round of one target, not in one
 * target's whole measurement. Server CPU per request comes from the server process's own utime + stime (/proc).
 * Then POST /v1/plans/batch with 1,000 items, one request at a time. The client shares the machine's 2 cores with the
 * server, so absolute figures are low; the ratios are what carries over.
 *
 *   npm run bench               (builds, then runs this, then bench/plan.ts)
 *   npx tsx bench/http.ts [seconds per round] [rounds]   (after npm run build; defaults 3 s, 5 rounds)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

interface Request {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
// autocannon ships no types; this is the slice of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  requests: Request[];
}) => Promise<AutocannonResult>;

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 5);
const CONNECTIONS = 50;
const JSON_HEADERS = { 'content-type': 'application/json' };
const BATCH_HEADERS = { ...JSON_HEADERS, 'accept-encoding': 'identity' };

/** What schedulers send: budgets across the paper's range, every unit, both objectives and strategies. */
const TYPICAL_PLAN_BODIES = [
  { budget: { amount: 5_000, unit: 'tpu_v4_core_hours' } },
  {
    budget: { amount: 50_000, unit: 'tpu_v4_core_hours' },
    hardware: { cores: 512 },
    constraints: { minEpochs: 0.5 },
  },
  { budget: { amount: 2_000, unit: 'tpu_v4_chip_hours' }, objective: 'imagenet_top1' },
  { budget: { amount: 20_000, unit: 'tpu_v3_core_hours' }, strategy: 'fitted' },
  { budget: { amount: 3e21, unit: 'flops' } },
  { budget: { amount: 8_000, unit: 'gpu_hours', accelerator: 'h100' }, batchSize: 4096 },
];
const planRequests = (path: string): Request[] =>
  TYPICAL_PLAN_BODIES.map((body) => ({
    method: 'POST',
    path,
    body: JSON.stringify(body),
    headers: JSON_HEADERS,
  }));

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startServer(args: string[], env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${base}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (attempt > 300) throw new Error(`${args.join(' ')} did not become ready`);
    await sleep(100);
  }
  return {
    base,
    /** CPU time the server process has used so far, in ms (utime + stime from /proc, in clock ticks of 10 ms). */
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

interface Round {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuUsPerRequest: number;
  failures: number;
}
type Server = Awaited<ReturnType<typeof startServer>>;
interface Target {
  readonly name: string;
  readonly server: Server;
  readonly requests: Request[];
  readonly rounds: Round[];
}

async function measure(target: Target): Promise<void> {
  const options = {
    url: target.server.base,
    connections: CONNECTIONS,
    pipelining: 1,
    requests: target.requests,
  };
  await autocannon({ ...options, duration: 1 });
  const cpuBeforeMs = target.server.cpuMs();
  const result = await autocannon({ ...options, duration: SECONDS });
  const cpuMs = target.server.cpuMs() - cpuBeforeMs;
  target.rounds.push({
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    serverCpuUsPerRequest: (cpuMs * 1000) / (result.requests.average * SECONDS),
    failures: result.non2xx + result.errors + result.timeouts,
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Median wall time and size of POST /v1/plans/batch with `items` plans, sent one at a time, uncompressed: fetch would
 * otherwise ask for gzip, whose level-6 pass over 10 MB costs more server CPU than the batch's planning (bench/load.ts
 * reports the batch's cost with br beside it).
 */
async function batch(base: string, items: number, repetitions: number) {
  const body = JSON.stringify({
    items: Array.from({ length: items }, (_, i) => TYPICAL_PLAN_BODIES[i % TYPICAL_PLAN_BODIES.length]),
  });
  const times: number[] = [];
  let bytes = 0;
  let failed = 0;
  for (let i = 0; i < repetitions + 2; i++) {
    let start = performance.now();
    let response = await fetch(`${base}/v1/plans/batch`, { method: 'POST', body, headers: BATCH_HEADERS });
    // Heavy work is refused (503) while the closed-loop rounds before have the loop lagging: wait as told.
    while (response.status === 503) {
      await response.arrayBuffer();
      await sleep(1000 * Number(response.headers.get('retry-after') ?? 1));
      start = performance.now();
      response = await fetch(`${base}/v1/plans/batch`, { method: 'POST', body, headers: BATCH_HEADERS });
    }
    if (response.status !== 200) throw new Error(`POST /v1/plans/batch answered ${response.status}`);
    const text = await response.text();
    if (i >= 2) times.push(performance.now() - start);
    bytes = text.length;
    failed = (JSON.parse(text) as { failed: number }).failed;
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)] as number, bytes, failed };
}

if (!existsSync('dist/server.js')) throw new Error('dist/server.js is missing: run `npm run build` first');

const bare = await startServer(['--import', 'tsx', 'bench/http-bare-server.ts'], {});
const app = await startServer(['dist/server.js'], {
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  BENCHMARK_ROUTES: 'true',
  RATE_LIMIT_MAX: '1000000000',
  RATE_LIMIT_WORK_MAX: '1000000000000',
});
const targets: Target[] = [
  {
    name: 'bare Fastify hello-world',
    server: bare,
    requests: [{ method: 'GET', path: '/hello' }],
    rounds: [],
  },
  { name: 'GET /bench/hello', server: app, requests: [{ method: 'GET', path: '/bench/hello' }], rounds: [] },
  {
    name: 'POST /bench/plans-reference',
    server: app,
    requests: planRequests('/bench/plans-reference'),
    rounds: [],
  },
  { name: 'POST /v1/plans', server: app, requests: planRequests('/v1/plans'), rounds: [] },
];
let batchResult: Awaited<ReturnType<typeof batch>>;
try {
  for (let round = 0; round < ROUNDS; round++) for (const target of targets) await measure(target);
  batchResult = await batch(app.base, 1_000, 10);
} finally {
  await Promise.all([bare.stop(), app.stop()]);
}

const summary = Object.fromEntries(
  targets.map((target) => [
    target.name,
    {
      reqPerSec: Math.round(median(target.rounds.map((r) => r.reqPerSec))),
      p50Ms: median(target.rounds.map((r) => r.p50Ms)),
      p99Ms: median(target.rounds.map((r) => r.p99Ms)),
      serverCpuUsPerRequest: Math.round(median(target.rounds.map((r) => r.serverCpuUsPerRequest))),
      failures: target.rounds.reduce((sum, r) => sum + r.failures, 0),
    },
  ]),
);
console.log(
  `autocannon -c ${CONNECTIONS} -p 1 on loopback; medians of ${ROUNDS} interleaved rounds of ${SECONDS} s; ${TYPICAL_PLAN_BODIES.length} typical plan bodies`,
);
console.table(summary);
const [bareRow, helloRow, referenceRow, plansRow] = targets.map((t) => summary[t.name]) as NonNullable<
  (typeof summary)[string]
>[];
if (!bareRow || !helloRow || !referenceRow || !plansRow) throw new Error('missing a target');
/** Ratio of medians, and the spread of the per-round ratios, so one noisy round shows. */
function ratio(a: Target, b: Target): string {
  const perRound = a.rounds
    .map((r, i) => r.reqPerSec / (b.rounds[i] as Round).reqPerSec)
    .sort((x, y) => x - y);
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  return `${pct(median(perRound))} (rounds ${pct(perRound[0] as number)}-${pct(perRound.at(-1) as number)})`;
}
const [bareTarget, helloTarget, referenceTarget, plansTarget] = targets as [Target, Target, Target, Target];
console.log(`plans / reference    ${ratio(plansTarget, referenceTarget)}  (target: at least 80%)`);
// The server's own CPU per request does not depend on how the two shared cores were split between the server and
// autocannon in a round, so it moves far less from round to round than throughput does.
console.log(
  `  by server CPU      ${((100 * referenceRow.serverCpuUsPerRequest) / plansRow.serverCpuUsPerRequest).toFixed(0)}%  (reference's CPU per request over plans', medians: ${referenceRow.serverCpuUsPerRequest} / ${plansRow.serverCpuUsPerRequest} us)`,
);
console.log(
  `plans / hello-world  ${ratio(plansTarget, helloTarget)}  (hello-world through the app's plugins)`,
);
console.log(`app hello / bare     ${ratio(helloTarget, bareTarget)}  (the cost of the plugins)`);
console.log(`POST /v1/plans p99   ${plansRow.p99Ms} ms at ${CONNECTIONS} connections (target: under 10 ms)`);
console.log(
  `POST /v1/plans/batch 1,000 items: median ${batchResult.medianMs.toFixed(0)} ms, ${(batchResult.bytes / 1e6).toFixed(1)} MB, ${batchResult.failed} failed items`,
);
const failing = Object.entries(summary).filter(([, row]) => row.failures > 0);
if (failing.length > 0) {
  console.error(`non-2xx answers or errors: ${failing.map(([name]) => name).join(', ')}`);
  process.exitCode = 1;
}
