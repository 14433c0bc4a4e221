/**
 * `scaleplan fit` and `--law`: a team's own runs fitted from the shell, and plans, targets and evaluations made with the
 * law that comes back. Oracles: the HTTP API (--json is byte for byte the body app.inject returns for the same
 * request, POST /v1/fits and POST /v1/plans with `law`), the paper's Figure 2 runs as input, and the exit-code contract
 * (2 for bad input, naming the flag the bad value came from).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE2_JFT_VALIDATION_LOSS } from '../../src/core/dataset/figures.js';
import { buildTestApp } from '../http/helpers.js';
import { runInProcess } from './inProcess.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const cli = (...argv: string[]) => runInProcess(argv);

/** The paper's 36 Figure 2 runs as a team would send them. */
const RUNS = FIGURE2_JFT_VALIDATION_LOSS.map((p) => ({
  model: p.model,
  epochs: p.epochs,
  loss: p.jftValidationLoss,
}));

const BUDGET = { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' } };

let app: FastifyInstance;
let dir: string;
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scaleplan-fit-'));
  app = await buildTestApp();
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fitsBody(payload: unknown): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/fits', payload: payload as object });
  expect(response.statusCode, response.body).toBe(200);
  return response.body;
}

describe('scaleplan fit', () => {
  it('--json is the body of POST /v1/fits; the flags are bootstrap.samples, bootstrap.seed and datasetImages', async () => {
    const input = file('runs.json', { runs: RUNS });
    const run = await cli('fit', '--input', input, '--bootstrap-samples', '200', '--seed', '3', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${await fitsBody({ runs: RUNS, bootstrap: { samples: 200, seed: 3 } })}\n`);
    // An array of runs is the body's runs; a flag replaces the body's own field.
    const bare = await cli('fit', '--input', file('bare.json', RUNS), '--dataset-images', '1e9', '--json');
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toBe(`${await fitsBody({ runs: RUNS, datasetImages: 1e9 })}\n`);
    const replaced = await cli(
      'fit',
      '--input',
      file('seeded.json', { runs: RUNS, bootstrap: { samples: 50, seed: 9 } }),
      '--seed',
      '4',
      '--json',
    );
    expect(replaced.stdout).toBe(`${await fitsBody({ runs: RUNS, bootstrap: { samples: 50, seed: 4 } })}\n`);
  });

  it('prints the coefficients with their intervals, the fit quality, the allocation and the rollout check', async () => {
    const run = await cli('fit', '--input', file('table.json', { runs: RUNS }), '--bootstrap-samples', '100');
    expect(run.code, run.stderr).toBe(0);
    const fit = JSON.parse(await fitsBody({ runs: RUNS, bootstrap: { samples: 100 } }));
    const four = (x: number) => new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 }).format(x);
    const { lower, upper } = fit.bootstrap.coefficients.alpha;
    expect(run.stdout).toMatch(
      new RegExp(`\\n  alpha\\s+${four(fit.coefficients.alpha)}\\s+${four(lower)} to ${four(upper)}\\n`),
    );
    expect(run.stdout).toMatch(/95\.00 % interval/);
    expect(run.stdout).toMatch(/\n {2}Runs\s+36\n/);
    expect(run.stdout).toContain(`the ${fit.rollout.runsHeldOut} runs at`);
    expect(run.stdout).toContain('its ensemble holds 6 fits');
  });

  it('reads the runs from standard input when --input is absent', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'fit', '--json'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stdin.end(JSON.stringify(RUNS));
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(stdout).toBe(`${await fitsBody({ runs: RUNS })}\n`);
  });

  it.each([
    [
      'a missing file',
      ['--input', '/nonexistent/runs.json'],
      /^scaleplan fit: --input: cannot read \/nonexistent\/runs\.json: /,
    ],
    ['a file that is not JSON', ['--input', 'NOT JSON'], /^scaleplan fit: --input: .* is not JSON: /],
    [
      'a run without a loss',
      ['--input', 'NO LOSS'],
      /^scaleplan fit: --input: runs\.2\.loss must be a number from/,
    ],
    ['four runs', ['--input', 'FOUR'], /^scaleplan fit: infeasible: .*at least 5 runs/],
    [
      'no bootstrap samples',
      ['--input', 'OK', '--bootstrap-samples', '0'],
      /^scaleplan fit: --bootstrap-samples: bootstrap\.samples must be a whole number from 1 to 10000; got 0/,
    ],
    ['a positional argument', ['runs.json'], /^scaleplan: fit takes no arguments/],
  ])('exits 2 for %s, naming where the bad value came from', async (_name, args, message) => {
    const paths: Record<string, string> = {
      'NOT JSON': file('bad.json', '{"runs": ['),
      'NO LOSS': file(
        'noloss.json',
        RUNS.map((r, i) => (i === 2 ? { model: r.model, epochs: r.epochs } : r)),
      ),
      FOUR: file('four.json', RUNS.slice(0, 4)),
      OK: file('ok.json', RUNS),
    };
    const run = await cli('fit', ...args.map((a) => paths[a] ?? a));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});

describe('--law: plan, target and evaluate with a fitted law', () => {
  it('plan --law is POST /v1/plans with that law, from fit --json or the law alone', async () => {
    const fitted = await cli('fit', '--input', file('law-runs.json', RUNS), '--json');
    const fitFile = file('fit.json', fitted.stdout);
    const law = JSON.parse(fitted.stdout).law;
    const lawFile = file('law.json', law);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, law },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().provenance.lossLawId).toBe('runs_loss_surface');
    for (const source of [fitFile, lawFile]) {
      const run = await cli('plan', '20000', '--law', source, '--json');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(`${response.body}\n`);
    }
  });

  it('target --law is POST /v1/targets with that law; evaluate --law predicts with it', async () => {
    const fitted = await cli('fit', '--input', file('eval-runs.json', RUNS), '--json');
    const law = JSON.parse(fitted.stdout).law;
    const lawFile = file('eval-law.json', law);
    const target = await app.inject({
      method: 'POST',
      url: '/v1/targets',
      payload: { target: { jftValidationLoss: 2.5 }, law },
    });
    expect(target.statusCode, target.body).toBe(200);
    const targetRun = await cli('target', '--jft-loss', '2.5', '--law', lawFile, '--json');
    expect(targetRun.code, targetRun.stderr).toBe(0);
    expect(targetRun.stdout).toBe(`${target.body}\n`);
    // The law changes the prediction: the same configuration under the paper's law differs.
    const [own, paper] = await Promise.all([
      cli('evaluate', 'F3', '2', '--law', lawFile, '--json'),
      cli('evaluate', 'F3', '2', '--json'),
    ]);
    expect(own.code, own.stderr).toBe(0);
    const ownLoss = JSON.parse(own.stdout).predicted.jftValidationLoss;
    expect(ownLoss).not.toBe(JSON.parse(paper.stdout).predicted.jftValidationLoss);
    expect(JSON.parse(own.stdout).provenance.lossLawId).toBe('runs_loss_surface');
  });

  it('exits 2 for a law file that is missing, not JSON, or holds a bad law, naming --law', async () => {
    const missing = await cli('plan', '20000', '--law', '/nonexistent/law.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^scaleplan plan: --law: cannot read \/nonexistent\/law\.json: /);
    const notJson = await cli('plan', '20000', '--law', file('notjson.json', 'law'));
    expect(notJson.stderr).toMatch(/^scaleplan plan: --law: .* is not JSON: /);
    const bad = await cli('plan', '20000', '--law', file('badlaw.json', { coefficients: { E: -1 } }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^scaleplan plan: --law: law\.coefficients/);
  });

  it('refuses what POST /v1/fits and POST /v1/plans refuse: a key they do not know, in the runs or in the law', async () => {
    const law = JSON.parse(await fitsBody({ runs: RUNS })).law;
    // Oracle: the API answers each of these with a 400; the CLI must not plan or fit with the key silently dropped.
    const cases: [string[], unknown, string][] = [
      [['fit', '--input'], { runs: RUNS, datasetimages: 1e6 }, 'datasetimages'],
      [['fit', '--input'], { runs: RUNS, bootstrap: { samples: 10, bogus: 1 } }, 'bogus'],
      [['fit', '--input'], [{ ...(RUNS[0] as object), costTpuv4CoreHours: 5 }, ...RUNS.slice(1)], 'runs.0'],
      [['plan', '20000', '--law'], { ...law, bogus: 1 }, 'bogus'],
      [['evaluate', 'F3', '2', '--law'], { ...law, coefficients: { ...law.coefficients, Z: 1 } }, 'Z'],
    ];
    for (const [argv, content, named] of cases) {
      const body =
        argv[0] === 'fit'
          ? Array.isArray(content)
            ? { runs: content }
            : content
          : { ...BUDGET, law: content };
      const api = await app.inject({
        method: 'POST',
        url: argv[0] === 'fit' ? '/v1/fits' : '/v1/plans',
        payload: body as object,
      });
      expect(api.statusCode, `${argv[0]}: ${api.body}`).toBe(400);
      const run = await cli(...argv, file('extra.json', content));
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(named);
    }
  });
});
