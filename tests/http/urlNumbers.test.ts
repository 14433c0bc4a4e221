/**
 * Numbers in the URL (src/http/queryNumbers.ts). Oracle: JSON's number grammar (RFC 8259 section 6), with a leading
 * sign or point allowed, as the CLI's own parser takes them; Number()'s extras (hex, blanks, the empty string) are
 * refused, naming the parameter.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, expectProblem } from './helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
  await app.ready();
});
afterAll(() => app.close());

const get = (url: string) => app.inject({ method: 'GET', url });

describe('numbers in the URL', () => {
  it.each(['2', '+2', '2.', '2.0', '.5', '5e-1', '5E-1', '0.25e+1', '1e1'])(
    'takes epochs=%s as decimal notation',
    async (epochs) => {
      const answer = await get(`/v1/evaluate?model=F3&epochs=${encodeURIComponent(epochs)}`);
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json().epochs).toBe(Number(epochs));
    },
  );

  it.each(['0x10', '0b11', '0o7', ' 2', '2 ', '', 'Infinity', '1_000', '2,5', '1e', '.', '--2'])(
    'refuses epochs=%j, naming the parameter',
    async (epochs) => {
      const problem = expectProblem(
        await get(`/v1/evaluate?model=F3&epochs=${encodeURIComponent(epochs)}`),
        400,
      );
      expect(problem.errors?.map((e) => e.path)).toEqual(['epochs']);
    },
  );

  it('holds every numeric query parameter to it: convert, frontier, models', async () => {
    for (const [url, path] of [
      ['/v1/convert?amount=0x10&unit=tpu_v4_core_hours', 'amount'],
      ['/v1/convert?amount=10&unit=gpu_hours&utilization=%200.5', 'utilization'],
      ['/v1/frontier?points=0x10', 'points'],
      ['/v1/frontier?from=', 'from'],
      ['/v1/models?resolution=0x100', 'resolution'],
    ] as const) {
      const problem = expectProblem(await get(url), 400);
      expect(problem.errors?.map((e) => e.path)).toEqual([path]);
    }
    expect((await get('/v1/convert?amount=16&unit=tpu_v4_core_hours')).statusCode).toBe(200);
    expect((await get('/v1/frontier?points=5&from=1e3&to=1e5')).statusCode).toBe(200);
  });
});
