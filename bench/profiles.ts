/**
 * `npm run bench`, part 3: profiles under load, against the production build (`node dist/server.js`) on loopback,
 * once on SQLite (a temporary DATA_DIR) and once on PostgreSQL (TEST_DATABASE_URL, default the machine's; skipped,
 * saying so, when unreachable). For each database, closed loops of 50 connections for SECONDS each:
 *
 *   1. POST /v1/plans on the paper's laws (the baseline), and
 *   2. POST /v1/plans against a stored profile (same bodies plus `profile`), alternating in 5 rounds: the median of
 *      the rounds' req/s ratios is the ratio the issue bounds (at least 0.8; p50 and p99 are the worst round's);
 *   3. mixed: plans against the profile and POST /v1/profiles/{name}/outcomes, alternating: no 5xx allowed.
 *
 * Beside the ratios, the CPU each request took the server and (on PostgreSQL) the database's backends, from /proc:
 * the database runs on the same two cores as the server and the load generator here, as it would not in production.
 *
 *   npx tsx bench/profiles.ts [seconds per phase]   (after npm run build; default 10 s)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { FIGURE2_JFT_VALIDATION_LOSS } from '../src/core/dataset/figures.js';
import { openDatabase } from '../src/storage/database.js';
import { Store } from '../src/storage/store.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  statusCodeStats: Record<string, { count: number }>;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: Record<string, unknown>,
) => Promise<AutocannonResult>;

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 50;
const ROUNDS = 5;
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PLAN_BODIES = [
  { budget: { amount: 5_000, unit: 'tpu_v4_core_hours' } },
  { budget: { amount: 50_000, unit: 'tpu_v4_core_hours' }, constraints: { minEpochs: 0.5 } },
  { budget: { amount: 20_000, unit: 'tpu_v3_core_hours' }, strategy: 'fitted' },
  { budget: { amount: 3e21, unit: 'flops' } },
];

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** CPU time a process has used so far, in ms (utime + stime from /proc, in clock ticks of 10 ms); 0 once it is gone. */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU time of every PostgreSQL process on this machine (its backends serve the bench's queries), in ms. */
function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuMsOf(Number(entry));
    } catch {}
  }
  return total;
}

/** CPU per request of the server and of PostgreSQL over a phase's rounds, in microseconds. */
interface CpuShare {
  serverUs: number;
  postgresUs: number;
}

/** Rounds of one phase as one result: requests summed, the mean of the rounds' req/s, the worst p50 and p99. */
function combine(rounds: readonly AutocannonResult[]): AutocannonResult {
  const statusCodeStats: Record<string, { count: number }> = {};
  for (const round of rounds)
    for (const [code, stats] of Object.entries(round.statusCodeStats ?? {}))
      statusCodeStats[code] = { count: (statusCodeStats[code]?.count ?? 0) + stats.count };
  return {
    requests: {
      average: rounds.reduce((sum, r) => sum + r.requests.average, 0) / rounds.length,
      total: rounds.reduce((sum, r) => sum + r.requests.total, 0),
    },
    latency: {
      p50: Math.max(...rounds.map((r) => r.latency.p50)),
      p99: Math.max(...rounds.map((r) => r.latency.p99)),
    },
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    statusCodeStats,
  };
}

function fivexx(result: AutocannonResult): number {
  return Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => code.startsWith('5'))
    .reduce((sum, [, stats]) => sum + stats.count, 0);
}

async function run(dialect: 'sqlite' | 'postgres') {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let options: Parameters<typeof openDatabase>[0];
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleplan-bench-'));
    options = { dataDir };
    env = { DATA_DIR: dataDir };
    cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
  } else {
    const schema = `bench_${process.pid}`;
    options = { databaseUrl: POSTGRES_URL, dataDir: '', schema };
    env = {
      DATABASE_URL: `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    };
    cleanup = async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    };
  }
  const database = openDatabase(options);
  await database.migrate();
  const token = (await new Store(database).createKey('bench', 'write')).token;
  await database.close();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['dist/server.js'], {
    env: {
      ...process.env,
      ...env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      RATE_LIMIT_ENABLED: 'false',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/readyz`)).ok) break;
      } catch {}
      if (i > 600) throw new Error('server not ready within 60 s');
      await sleep(100);
    }
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const created = await fetch(`${base}/v1/profiles`, {
      method: 'POST',
      headers,
      // Figure 2's runs: six model sizes, so the fitted law carries an ensemble wherever the fits answer gives one,
      // and profile plans then compute intervals as the paper's do.
      body: JSON.stringify({
        name: 'bench',
        runs: FIGURE2_JFT_VALIDATION_LOSS.map(({ model, epochs, jftValidationLoss }) => ({
          model,
          epochs,
          loss: jftValidationLoss,
        })),
      }),
    });
    if (created.status !== 201)
      throw new Error(`profile not created: ${created.status} ${await created.text()}`);

    const load = (requests: { path: string; body: unknown }[], seconds = SECONDS) =>
      autocannon({
        url: base,
        connections: CONNECTIONS,
        duration: seconds,
        requests: requests.map(({ path, body }) => ({
          method: 'POST',
          path,
          headers,
          body: JSON.stringify(body),
        })),
      });
    // Paper and profile planning alternate in ROUNDS slices, so a change in the machine's load (other work shares its
    // cores) falls on both; the ratio reported is the median of the rounds'.
    const paperRequests = PLAN_BODIES.map((body) => ({ path: '/v1/plans', body }));
    const profileRequests = PLAN_BODIES.map((body) => ({
      path: '/v1/plans',
      body: { ...body, profile: 'bench' },
    }));
    // A warm-up of each, not counted, as bench/http.ts does: the first requests of a path compile its code.
    await load(paperRequests, 1);
    await load(profileRequests, 1);
    const paperRounds: AutocannonResult[] = [];
    const profileRounds: AutocannonResult[] = [];
    const cpu = { paper: { serverUs: 0, postgresUs: 0 }, profile: { serverUs: 0, postgresUs: 0 } };
    /** Runs a round, adding the CPU it took the server and PostgreSQL to `share` (as a total, per request below). */
    const measured = async (requests: { path: string; body: unknown }[], share: CpuShare) => {
      const server0 = cpuMsOf(server.pid as number);
      const postgres0 = dialect === 'postgres' ? postgresCpuMs() : 0;
      const result = await load(requests, SECONDS / ROUNDS);
      share.serverUs += (cpuMsOf(server.pid as number) - server0) * 1000;
      if (dialect === 'postgres') share.postgresUs += (postgresCpuMs() - postgres0) * 1000;
      return result;
    };
    for (let round = 0; round < ROUNDS; round++) {
      paperRounds.push(await measured(paperRequests, cpu.paper));
      profileRounds.push(await measured(profileRequests, cpu.profile));
    }
    const ratios = paperRounds
      .map(
        (paperRound, i) =>
          (profileRounds[i] as AutocannonResult).requests.average / paperRound.requests.average,
      )
      .sort((a, b) => a - b);
    const paper = combine(paperRounds);
    const profile = combine(profileRounds);
    const mixed = await load(
      PLAN_BODIES.flatMap((body, i) => [
        { path: '/v1/plans', body: { ...body, profile: 'bench' } },
        { path: '/v1/profiles/bench/outcomes', body: { model: 'F1', epochs: 1 + i, loss: 2.7 } },
      ]),
    );
    const line = (name: string, r: AutocannonResult) =>
      `  ${name.padEnd(34)} ${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non-2xx ${r.non2xx}  5xx ${fivexx(r)}  errors ${r.errors}  statuses ${JSON.stringify(Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count])))}`;
    console.log(`${dialect}, ${CONNECTIONS} connections, ${SECONDS} s per phase:`);
    console.log(line('plans, paper laws', paper));
    console.log(line('plans against a profile', profile));
    console.log(line('mixed: profile plans + outcomes', mixed));
    // Where the CPU goes: the server's own per request, and PostgreSQL's backends, which share these two cores here.
    const perRequest = (share: CpuShare, r: AutocannonResult) => ({
      server: share.serverUs / r.requests.total,
      postgres: share.postgresUs / r.requests.total,
    });
    const paperCpu = perRequest(cpu.paper, paper);
    const profileCpu = perRequest(cpu.profile, profile);
    console.log(
      `  CPU per request (all rounds): server ${paperCpu.server.toFixed(0)} us paper, ${profileCpu.server.toFixed(0)} us profile (paper / profile ${(paperCpu.server / profileCpu.server).toFixed(2)})${dialect === 'postgres' ? `; PostgreSQL ${paperCpu.postgres.toFixed(0)} us paper, ${profileCpu.postgres.toFixed(0)} us profile` : ''}`,
    );
    const ratio = ratios[Math.floor(ratios.length / 2)] as number;
    console.log(
      `  profile / paper planning, median of ${ROUNDS} alternating rounds: ${ratio.toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}; target at least 0.80: ${ratio >= 0.8 ? 'met' : 'MISSED'}); 5xx in all phases: ${fivexx(paper) + fivexx(profile) + fivexx(mixed)}`,
    );
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
    await cleanup();
  }
}

await run('sqlite');
try {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  await client.connect();
  await client.end();
} catch (error) {
  console.log(`postgres: skipped, ${POSTGRES_URL} unreachable (${(error as Error).message})`);
  process.exit(0);
}
await run('postgres');
