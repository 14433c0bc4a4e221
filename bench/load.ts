/**
 * `npm run bench`, part 2: heavy and cheap traffic together, against the production build (`node dist/server.js`)
 * on loopback, bounded in time. Two phases of PHASE_SECONDS each, with the same steady traffic:
 *
 *   - POST /v1/plans at a fixed rate (PLANS_PER_SECOND over 10 connections: a closed loop would measure the machine's
 *     saturation, not the service's latency under a given load);
 *   - GET /healthz every 20 ms on one connection (a probe's request, often enough for a p99);
 *
 * first alone (idle), then beside 4 concurrent maximum-size fits (100 noisy runs x 10,000 bootstrap samples, the
 * cap on samples x runs), kept in flight as operations (202, polled, resubmitted when done). Targets (the issue):
 * /healthz p99 under 50 ms, and POST /v1/plans p99 under the loaded phase within 2 x its idle p99.
 *
 * Then the cost of a 1,000-item batch: server CPU per batch (from /proc) against 1,000 plan() calls in this process
 * on the same bodies (target: at most 3 x).
 *
 *   npx tsx bench/load.ts [seconds per phase]   (after npm run build; default 10 s)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FIGURE2_JFT_VALIDATION_LOSS } from '../src/core/dataset/figures.js';
import { compiledPlanner } from './compiled.js';

interface AutocannonResult {
  latency: { p50: number; p99: number };
  requests: { total: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: Record<string, unknown>,
) => Promise<AutocannonResult>;

const PHASE_SECONDS = Number(process.argv[2] ?? 10);
const PLANS_PER_SECOND = 1000;
const CONCURRENT_FITS = 4;
const JSON_HEADERS = { 'content-type': 'application/json' };
const PLAN_BODIES = [
  { budget: { amount: 5_000, unit: 'tpu_v4_core_hours' } },
  { budget: { amount: 50_000, unit: 'tpu_v4_core_hours' }, constraints: { minEpochs: 0.5 } },
  { budget: { amount: 2_000, unit: 'tpu_v4_chip_hours' }, objective: 'imagenet_top1' },
  { budget: { amount: 20_000, unit: 'tpu_v3_core_hours' }, strategy: 'fitted' },
  { budget: { amount: 3e21, unit: 'flops' } },
];

/** 100 runs around Figure 2's, with seeded multiplicative noise on the loss (±2 %). */
function noisyRuns(count: number) {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Array.from({ length: count }, (_, i) => {
    const point = FIGURE2_JFT_VALIDATION_LOSS[i % FIGURE2_JFT_VALIDATION_LOSS.length];
    if (point === undefined) throw new Error('no point');
    return {
      model: point.model,
      epochs: point.epochs,
      loss: point.jftValidationLoss * (0.98 + 0.04 * random()),
    };
  });
}
const MAX_FIT = JSON.stringify({ runs: noisyRuns(100), bootstrap: { samples: 10_000, seed: 7 } });

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['dist/server.js'], {
  env: {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '1000000000',
    RATE_LIMIT_WORK_MAX: '1000000000000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const serverCpuMs = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const serverRssMb = () => {
  const line = readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(line?.[1] ?? 0) / 1024;
};

async function steadyTraffic() {
  const [plans, health] = await Promise.all([
    autocannon({
      url: base,
      connections: 10,
      overallRate: PLANS_PER_SECOND,
      duration: PHASE_SECONDS,
      requests: PLAN_BODIES.map((body) => ({
        method: 'POST',
        path: '/v1/plans',
        body: JSON.stringify(body),
        headers: JSON_HEADERS,
      })),
    }),
    autocannon({
      url: base,
      connections: 1,
      overallRate: 50,
      duration: PHASE_SECONDS,
      requests: [{ method: 'GET', path: '/healthz' }],
    }),
  ]);
  return { plans, health };
}

/** Keeps `count` maximum-size fits in flight as operations until `stop`; returns how many finished, and how. */
async function heavyFits(count: number, stop: { done: boolean }) {
  const outcomes: Record<string, number> = {};
  const locations = new Set<string>();
  const loop = async () => {
    while (!stop.done) {
      const accepted = await fetch(`${base}/v1/fits`, {
        method: 'POST',
        body: MAX_FIT,
        headers: JSON_HEADERS,
      });
      if (accepted.status !== 202) {
        outcomes[`submit ${accepted.status}`] = (outcomes[`submit ${accepted.status}`] ?? 0) + 1;
        await sleep(1000);
        continue;
      }
      const location = accepted.headers.get('operation-location') ?? '';
      locations.add(location);
      while (!stop.done) {
        await sleep(500);
        const status = ((await (await fetch(location)).json()) as { status: string }).status;
        if (['Succeeded', 'Failed', 'Canceled'].includes(status)) {
          outcomes[status] = (outcomes[status] ?? 0) + 1;
          locations.delete(location);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: count }, loop));
  for (const location of locations) await fetch(location, { method: 'DELETE' });
  return outcomes;
}

try {
  for (
    let attempt = 0;
    !(await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    ));
    attempt++
  ) {
    if (attempt > 300) throw new Error('the server did not become ready');
    await sleep(100);
  }
  await steadyTraffic(); // warm-up, not reported
  const idle = await steadyTraffic();
  const stop = { done: false };
  const fits = heavyFits(CONCURRENT_FITS, stop);
  await sleep(1000); // the fits are running
  let peakRssMb = 0;
  const rssTimer = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, serverRssMb());
  }, 250);
  const loaded = await steadyTraffic();
  clearInterval(rssTimer);
  stop.done = true;
  const fitOutcomes = await fits;

  // A 1,000-item batch: server CPU per batch against 1,000 plan() calls here.
  const items = Array.from({ length: 1_000 }, (_, i) => PLAN_BODIES[i % PLAN_BODIES.length]);
  const batchBody = JSON.stringify({ items });
  const batches = 10;
  const postBatch = async (encoding: string) => {
    for (;;) {
      const response = await fetch(`${base}/v1/plans/batch`, {
        method: 'POST',
        body: batchBody,
        headers: { ...JSON_HEADERS, 'accept-encoding': encoding },
      });
      const text = await response.text();
      if (response.status === 200) return text.length;
      // Refused while the fits' memory and threads wind down: wait as told.
      await sleep(1000 * Number(response.headers.get('retry-after') ?? 1));
    }
  };
  const batchCost = async (encoding: string) => {
    await postBatch(encoding);
    const cpuBefore = serverCpuMs();
    let bytes = 0;
    for (let i = 0; i < batches; i++) bytes = await postBatch(encoding);
    return { cpuMs: (serverCpuMs() - cpuBefore) / batches, bytes };
  };
  const identityBatch = await batchCost('identity');
  const brBatch = await batchCost('br');
  // The baseline plans as the server does: the compiled core, with the laws' ensemble, so every plan carries
  // intervals and pick shares.
  const { fitPaperLaws, createPlannerContext, plan, fitLawEnsemble } = await compiledPlanner();
  const laws = fitPaperLaws();
  const planner = createPlannerContext(laws, fitLawEnsemble(laws));
  for (let i = 0; i < 3_000; i++) plan(planner, items[i % items.length] as never);
  const planStart = performance.now();
  for (let round = 0; round < 5; round++) for (const item of items) plan(planner, item as never);
  const thousandPlansMs = (performance.now() - planStart) / 5;

  const row = (name: string, result: AutocannonResult) => ({
    name,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors,
  });
  console.log(
    `steady traffic: POST /v1/plans at ${PLANS_PER_SECOND}/s over 10 connections, GET /healthz at 50/s; ${PHASE_SECONDS} s per phase`,
  );
  console.table([
    row('idle: POST /v1/plans', idle.plans),
    row('idle: GET /healthz', idle.health),
    row(`${CONCURRENT_FITS} max fits: POST /v1/plans`, loaded.plans),
    row(`${CONCURRENT_FITS} max fits: GET /healthz`, loaded.health),
  ]);
  console.log(
    `fits (100 runs x 10,000 samples, as operations): ${JSON.stringify(fitOutcomes)}; peak server RSS ${peakRssMb.toFixed(0)} MB`,
  );
  const healthOk = loaded.health.latency.p99 < 50;
  const plansOk = loaded.plans.latency.p99 <= 2 * Math.max(1, idle.plans.latency.p99);
  console.log(
    `GET /healthz p99 under fits   ${loaded.health.latency.p99} ms (target: under 50 ms) ${healthOk ? 'ok' : 'MISSED'}`,
  );
  console.log(
    `POST /v1/plans p99 under fits ${loaded.plans.latency.p99} ms vs idle ${idle.plans.latency.p99} ms (target: within 2 x) ${plansOk ? 'ok' : 'MISSED'}`,
  );
  const batchCpuMs = identityBatch.cpuMs;
  const batchRatio = batchCpuMs / thousandPlansMs;
  console.log(
    `1,000-item batch: ${batchCpuMs.toFixed(0)} ms of server CPU (${(identityBatch.bytes / 1e6).toFixed(1)} MB) vs ${thousandPlansMs.toFixed(0)} ms for 1,000 plan() calls: ${batchRatio.toFixed(1)} x (target: at most 3 x); with br: ${brBatch.cpuMs.toFixed(0)} ms, ${(brBatch.bytes / 1e6).toFixed(1)} MB decoded`,
  );
  if (!healthOk || !plansOk || loaded.plans.non2xx + loaded.health.non2xx > 0) process.exitCode = 1;
} finally {
  server.kill('SIGTERM');
  await once(server, 'exit');
}
