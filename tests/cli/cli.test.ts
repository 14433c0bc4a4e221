/**
 * The `scaleplan` CLI run as a real process (node --import tsx src/cli/main.ts: no build step, about a second a spawn,
 * so the spawns are few). Oracles: the HTTP API itself (--json must be byte for byte the body app.inject returns for
 * the same request), the exit-code contract of issue 5 (0 success, 2 bad input with the reason on stderr), the
 * rounding rules of the CLI's brief (loss to 3 decimals, top-1 to 2), column alignment as an invariant, and
 * src/server.ts's own contract for `serve` (answers /healthz, exits 0 on SIGTERM).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../http/helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'src/cli/main.ts';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(args: readonly string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
}

async function scaleplan(...args: string[]): Promise<Run> {
  const child = start(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

/** The columns of a table printed under a rule of dashes: [start, end) of each dash run. */
function columns(rule: string): [number, number][] {
  return [...rule.matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length]);
}

describe('scaleplan plan', () => {
  it('--json is the body of POST /v1/plans for the same request, byte for byte', async () => {
    const run = await scaleplan(
      'plan',
      '20_000',
      '--unit',
      'gpu_hours',
      '--accelerator',
      'h100',
      '--objective',
      'imagenet_top1',
      '--strategy',
      'fitted',
      '--models',
      'F1,F3,F3+',
      '--min-epochs',
      '0.5',
      '--cores',
      '256',
      '--json',
    );
    const response = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: {
        budget: { amount: 20_000, unit: 'gpu_hours', accelerator: 'h100' },
        objective: 'imagenet_top1',
        strategy: 'fitted',
        constraints: { models: ['F1', 'F3', 'F3+'], minEpochs: 0.5 },
        hardware: { cores: 256 },
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(response.json());
    expect(run.stdout).toBe(`${response.body}\n`);
  });

  it('--run-on, --count and --price-per-hour are hardware.accelerator, count and pricePerAcceleratorHour', async () => {
    const args = [
      'plan',
      '20000',
      '--unit',
      'gpu_hours',
      '--accelerator',
      'h100',
      '--run-on',
      'h100',
      '--count',
      '512',
    ];
    const json = await scaleplan(...args, '--price-per-hour', '2.5', '--json');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: {
        budget: { amount: 20_000, unit: 'gpu_hours', accelerator: 'h100' },
        hardware: { accelerator: 'h100', count: 512, pricePerAcceleratorHour: 2.5 },
      },
    });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe(`${response.body}\n`);
    // Hand-worked: 20,000 H100 hours on 512 H100s take 20,000 / 512 = 39.06 h and cost 20,000 x 2.5.
    const table = await scaleplan(...args, '--price-per-hour', '2.5');
    expect(table.stdout).toMatch(/Wall clock\s+39\.1 hours on 512 x h100 \(20,000 device hours\)/);
    expect(table.stdout).toMatch(/Price\s+50,000/);
  });

  it('prints a table by default: budget, recommendation rounded as documented, aligned alternatives', async () => {
    const [run, response] = await Promise.all([
      scaleplan('plan', '5e4', '--cores', '512'),
      app.inject({
        method: 'POST',
        url: '/v1/plans',
        payload: { budget: { amount: 50_000, unit: 'tpu_v4_core_hours' }, hardware: { cores: 512 } },
      }),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const plan = response.json();
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Budget\s+50,000 TPU-v4 core hours$/);
    expect(run.stdout).toContain(`NFNet-${plan.recommendation.model.name} `);
    expect(run.stdout).toMatch(
      new RegExp(`JFT-4B loss\\s+${plan.recommendation.predicted.jftValidationLoss.toFixed(3)} `),
    );
    expect(run.stdout).toMatch(
      new RegExp(`ImageNet top-1\\s+${plan.recommendation.predicted.imagenetTop1Percent.toFixed(2)} %`),
    );
    expect(run.stdout).toMatch(/Wall clock\s+\S+ hours on 512 cores/);

    const header = lines.findIndex((line) => line.startsWith('Reason'));
    const rule = lines[header + 1] as string;
    const rows = lines.slice(header + 2, header + 2 + plan.alternatives.length);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(
      plan.alternatives.map((a: { reason: string }) => a.reason),
    );
    // Numeric columns (epochs, cost, loss, top-1) are right-aligned: each cell ends where its rule segment ends.
    for (const [, end] of columns(rule).slice(2, 6))
      for (const row of rows) expect(row[end - 1], row).toMatch(/\d/);
  });

  it.concurrent.each([
    { why: 'a negative amount', args: ['plan', '-5'], names: /<amount>.*greater than zero.*-5/ },
    { why: 'an unknown unit', args: ['plan', '5000', '--unit', 'parsecs'], names: /--unit.*parsecs/ },
    { why: 'a malformed number', args: ['plan', '5000', '--cores', '12abc'], names: /--cores.*"12abc"/ },
    { why: 'an unknown flag', args: ['plan', '5000', '--frobnicate'], names: /--frobnicate/, usage: true },
    {
      why: 'an infeasible request',
      args: ['plan', '5000', '--models', 'F0', '--min-epochs', '1000'],
      names: /infeasible.*1000 epochs/,
    },
    { why: 'an unknown model', args: ['evaluate', 'F9', '2'], names: /<model>.*"F9"/ },
    // The API answers 400 to both (budget.peakTflops at most 1e6, utilization at least 0.001): one gate.
    {
      why: 'a GPU peak past the API limit',
      args: ['plan', '1', '--unit', 'gpu_hours', '--peak-tflops', '2e6'],
      names: /--peak-tflops.*at most 1000000.*2000000/,
    },
    {
      why: 'a utilization below the API limit',
      args: ['plan', '50', '--unit', 'gpu_hours', '--accelerator', 'h100', '--utilization', '0.0001'],
      names: /--utilization.*0\.001/,
    },
    {
      why: 'a model name the API refuses',
      args: ['plan', '5000', '--models', 'f3+'],
      names: /--models.*"f3\+"/,
    },
    { why: 'a cores count below 1', args: ['evaluate', 'F3+', '2', '--cores', '0'], names: /--cores/ },
    {
      why: 'an interval level past 0.99',
      args: ['plan', '5000', '--interval-level', '2'],
      names: /--interval-level.*0\.99.*got 2/,
    },
    { why: 'a target without a value', args: ['target'], names: /--jft-loss or --imagenet-top1.*neither/ },
    {
      why: 'two targets',
      args: ['target', '--jft-loss', '2.5', '--imagenet-top1', '88'],
      names: /--jft-loss or --imagenet-top1.*both/,
    },
    { why: 'a loss target of zero', args: ['target', '--jft-loss', '0'], names: /--jft-loss.*got 0/ },
    {
      why: 'a top-1 no budget reaches',
      args: ['target', '--imagenet-top1', '99.9'],
      names: /infeasible.*99\.9%.*limit/,
    },
    {
      why: 'a budget unit on a target',
      args: ['target', '--jft-loss', '2.5', '--unit', 'flops'],
      names: /--unit/,
      usage: true,
    },
  ])('exits 2 with the reason on stderr and nothing on stdout for $why', async ({ args, names, usage }) => {
    const run = await scaleplan(...args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(names);
    // The whole usage only when the command line itself is wrong; a bad value's message says what to fix.
    expect(run.stderr.includes('Usage: scaleplan')).toBe(usage === true);
    expect(run.stdout).toBe('');
  });
});

describe('scaleplan evaluate', () => {
  it('--json is the body of GET /v1/evaluate for the same query, and the table shows the same run', async () => {
    const [json, table, response] = await Promise.all([
      scaleplan('evaluate', 'F3+', '2', '--cores', '256', '--json'),
      scaleplan('evaluate', 'F3+', '2'),
      app.inject({ method: 'GET', url: '/v1/evaluate?model=F3%2B&epochs=2&cores=256' }),
    ]);
    expect(response.statusCode, response.body).toBe(200);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(response.json());
    expect(json.stdout).toBe(`${response.body}\n`);

    const evaluation = response.json();
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Model\s+NFNet-F3\+ /);
    expect(table.stdout).toMatch(/Epochs\s+2\n/);
    expect(table.stdout).toMatch(
      new RegExp(`JFT-4B loss\\s+${evaluation.predicted.jftValidationLoss.toFixed(3)} `),
    );
    // No --cores on the table run, so no wall-clock line.
    expect(table.stdout).not.toContain('Wall clock');
  });
});

describe('scaleplan target', () => {
  it('--json is the body of POST /v1/targets for the same request, --interval-level and --cores its fields', async () => {
    const [json, response] = await Promise.all([
      scaleplan(
        'target',
        '--imagenet-top1',
        '88',
        '--models',
        'F1,F3,F3+',
        '--interval-level',
        '0.5',
        '--cores',
        '256',
        '--json',
      ),
      app.inject({
        method: 'POST',
        url: '/v1/targets',
        payload: {
          target: { imagenetTop1Percent: 88 },
          constraints: { models: ['F1', 'F3', 'F3+'] },
          intervalLevel: 0.5,
          hardware: { cores: 256 },
        },
      }),
    ]);
    expect(response.statusCode, response.body).toBe(200);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe(`${response.body}\n`);
    expect(response.json().byPlanner.plan.uncertainty.level).toBe(0.5);
    expect(response.json().byPlanner.plan.hardware.count).toBe(256);
  });

  it("prints each method's budget beside the planner's, with the law's interval, then the plan at that budget", async () => {
    const [table, response] = await Promise.all([
      scaleplan('target', '--jft-loss', '2.5'),
      app.inject({ method: 'POST', url: '/v1/targets', payload: { target: { jftValidationLoss: 2.5 } } }),
    ]);
    expect(table.code, table.stderr).toBe(0);
    const result = response.json();
    // The table rounds budgets to 4 significant digits (formatCoreHours), with separators.
    const hours = (x: number) => new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 }).format(x);
    expect(table.stdout).toMatch(/^Target\s+JFT-4B loss at most 2\.500\n/);
    expect(table.stdout).toMatch(
      new RegExp(`\\n  planner\\s+${hours(result.byPlanner.tpuV4CoreHours)}\\s+1\\n`),
    );
    const { lower, upper } = result.byLaw.tpuV4CoreHoursInterval;
    expect(table.stdout).toMatch(
      new RegExp(
        `surface_compute_optimal\\s+${hours(result.byLaw.tpuV4CoreHours)}\\s+${hours(lower)}-${hours(upper)}\\s`,
      ),
    );
    expect(table.stdout).toMatch(/Interval \(90\.00 %\)/);
    expect(table.stdout).toMatch(
      new RegExp(`frontier_power_law\\s+${hours(result.frontierPowerLaw.tpuV4CoreHours)}\\s`),
    );
    expect(table.stdout).toContain("Plan at the planner's budget");
    expect(table.stdout).toContain(`NFNet-${result.byPlanner.plan.recommendation.model.name} `);
  });
});

describe('scaleplan laws', () => {
  it('--json is the body of GET /v1/laws; the table names every law and puts the strategies side by side', async () => {
    const [json, table, response] = await Promise.all([
      scaleplan('laws', '--json'),
      scaleplan('laws'),
      app.inject({ method: 'GET', url: '/v1/laws' }),
    ]);
    expect(response.statusCode, response.body).toBe(200);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe(`${response.body}\n`);

    const laws = response.json();
    expect(table.code, table.stderr).toBe(0);
    for (const id of [
      laws.costModel.id,
      laws.jftLoss.id,
      laws.finetune.id,
      laws.frontier.id,
      laws.learningRate.id,
    ])
      expect(table.stdout).toContain(`[${id}]`);
    expect(table.stdout).toMatch(/Quantity\s+equal rate\s+fitted \(JFT loss\)\s+fitted \(top-1\)\s+measured/);
    // The equal-rate rule gives epochs exactly half the compute exponent (stated in the paper).
    expect(table.stdout).toMatch(/\nEpochs\s+0\.5\s/);
  });
});

describe('scaleplan usage', () => {
  it('--help prints the usage on stdout and exits 0; an unknown command prints it on stderr and exits 2', async () => {
    const [help, unknown] = await Promise.all([scaleplan('--help'), scaleplan('frobnicate')]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: scaleplan <command>/);
    expect(help.stdout).toContain('--json');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"[\s\S]*Usage: scaleplan/);
    expect(unknown.stdout).toBe('');
  });

  it('the package bin is the build output of src/cli/main.ts, which starts with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const build = JSON.parse(readFileSync(new URL('../../tsconfig.build.json', import.meta.url), 'utf8'));
    const { rootDir, outDir } = build.compilerOptions as { rootDir: string; outDir: string };
    expect(pkg.bin.scaleplan).toBe(`${outDir}/${MAIN.replace(`${rootDir}/`, '').replace(/\.ts$/, '.js')}`);
    expect(readFileSync(new URL(`../../${MAIN}`, import.meta.url), 'utf8').split('\n')[0]).toBe(
      '#!/usr/bin/env node',
    );
  });
});

describe('scaleplan serve', () => {
  let server: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
  });

  it('starts the API on the port it logs, answers /healthz, and exits 0 on SIGTERM', async () => {
    server = start(['serve'], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    let output = '';
    let url: string | undefined;
    for await (const chunk of server.stdout) {
      output += String(chunk);
      url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) break;
    }
    expect(url, output).toBeDefined();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });

    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
});
