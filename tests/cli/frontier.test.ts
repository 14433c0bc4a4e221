/**
 * `scaleplan frontier`: GET /v1/frontier from the shell. Oracles: the HTTP API (--json is byte for byte the body
 * app.inject returns for the same query), the table's rows against that body, and the exit-code contract.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../http/helpers.js';
import { runInProcess } from './inProcess.js';

const cli = (...argv: string[]) => runInProcess(argv);

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
  await app.ready();
});
afterAll(async () => app.close());

describe('scaleplan frontier', () => {
  it('--json is the body of GET /v1/frontier; --from, --to, --points, --objective, --interval-level its query', async () => {
    const run = await cli(
      'frontier',
      '--from',
      '1000',
      '--to',
      '1e6',
      '--points',
      '4',
      '--objective',
      'imagenet_top1',
      '--interval-level',
      '0.5',
      '--json',
    );
    const response = await app.inject({
      url: '/v1/frontier?from=1000&to=1e6&points=4&objective=imagenet_top1&intervalLevel=0.5',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${response.body}\n`);
    expect(response.json().series).toHaveLength(4);
  });

  it("prints one row per budget: the frontier's loss and each strategy's model, epochs and prediction with its interval", async () => {
    const run = await cli('frontier', '--points', '3');
    expect(run.code, run.stderr).toBe(0);
    const body = (await app.inject({ url: '/v1/frontier?points=3' })).json();
    const rows = run.stdout.split('\n').filter((line) => /^\s+[\d,]+\s{2}/.test(line));
    expect(rows).toHaveLength(3);
    type Point = {
      frontierJftValidationLoss: number;
      equalRate: {
        recommendation: {
          model: string;
          predicted: {
            jftValidationLoss: number;
            jftValidationLossConfidenceInterval: { lower: number; upper: number };
          };
        };
      };
    };
    (body.series as Point[]).forEach((point, i) => {
      const p = point.equalRate.recommendation;
      const ci = p.predicted.jftValidationLossConfidenceInterval;
      expect(rows[i]).toContain(` ${point.frontierJftValidationLoss.toFixed(3)} `);
      expect(rows[i]).toContain(` ${p.model} `);
      expect(rows[i]).toContain(
        `${p.predicted.jftValidationLoss.toFixed(3)} (${ci.lower.toFixed(3)}-${ci.upper.toFixed(3)})`,
      );
    });
    expect(run.stdout).toContain('JFT-4B loss, 90.00 % CI');
  });

  it.each([
    [['--points', '1'], /^scaleplan frontier: --points: points must be a whole number from 2 to/],
    [
      ['--from', '5000', '--to', '1000'],
      /^scaleplan frontier: --to: to \(1000\) must be greater than from \(5000\)/,
    ],
    [['--objective', 'accuracy'], /^scaleplan frontier: --objective: /],
    [['--points', 'ten'], /^scaleplan: --points must be a number/],
  ])('exits 2 for %j, naming the flag', async (args, message) => {
    const run = await cli('frontier', ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
