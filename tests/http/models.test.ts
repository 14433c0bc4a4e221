/**
 * GET /v1/models through app.inject. Oracles: the parameter and "#FLOPs" (= MACs) counts Brock et al. 2021 publish
 * for NFNet-F0..F6 at their test resolutions and 1,000 classes (Table 2) and for F4+ at 512 px; the architecture
 * (depths [1,2,6,3] x (k+1), widths 256/512/1536/1536 or 384/768/2048/2048, a head of 2 x last width feeding a dense
 * classifier with bias); the paper's six trained variants (Figure 2); the identities the schema states (flops =
 * 2 x macs, images/s = 4.0e9 / (cost x 3600), TFLOP/s = 3 x forward FLOPs x images/s, utilization over 137.5).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelsResponseSchema } from '../../src/api/models/schemas.js';
import { PROBLEM_TYPES } from '../../src/api/problem.js';
import { buildTestApp, expectProblem } from './helpers.js';

type ModelsResponse = ReturnType<typeof ModelsResponseSchema.parse>;
type Model = ModelsResponse['models'][number];

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => app.close());

async function modelsAt(query = ''): Promise<ModelsResponse> {
  const response = await app.inject({ url: `/v1/models${query}` });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return ModelsResponseSchema.parse(response.json());
}
const byName = (body: ModelsResponse, name: string): Model => {
  const model = body.models.find((m) => m.name === name);
  expect(model, name).toBeDefined();
  return model as Model;
};
const relativeError = (actual: number, expected: number) => Math.abs(actual / expected - 1);

const PLAIN = ['F0', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7'];
const PLUS = PLAIN.map((name) => `${name}+`);

describe('GET /v1/models', () => {
  it('lists the 16 variants, defaulting to 224 px and 30,000 classes', async () => {
    const body = await modelsAt();
    expect(body.resolution).toBe(224);
    expect(body.classes).toBe(30_000);
    expect(body.models.map((m) => m.name).sort()).toEqual([...PLAIN, ...PLUS].sort());
    expect(body.provenance).toMatch(/Brock et al\. 2021/);
  });

  it('depths are [1, 2, 6, 3] x (k + 1); widths 256/512/1536/1536 for Fk and 384/768/2048/2048 for Fk+', async () => {
    const body = await modelsAt();
    PLAIN.forEach((name, k) => {
      const depths = [1, 2, 6, 3].map((d) => d * (k + 1));
      expect(byName(body, name).depths).toEqual(depths);
      expect(byName(body, name).widths).toEqual([256, 512, 1536, 1536]);
      expect(byName(body, `${name}+`).depths).toEqual(depths);
      expect(byName(body, `${name}+`).widths).toEqual([384, 768, 2048, 2048]);
    });
  });

  it.each([
    // Brock et al. 2021, Table 2 (test resolution, ImageNet's 1,000 classes); F4+ from the same paper.
    ['F0', 256, 71.5e6, 12.38e9],
    ['F1', 320, 132.6e6, 35.54e9],
    ['F2', 352, 193.8e6, 62.59e9],
    ['F3', 416, 254.9e6, 114.76e9],
    ['F4', 512, 316.1e6, 215.24e9],
    ['F5', 544, 377.2e6, 289.76e9],
    ['F6', 576, 438.4e6, 377.28e9],
    ['F4+', 512, 527e6, 367e9],
  ] as const)(
    '%s at %i px and 1,000 classes matches the published params and MACs within 0.5%%',
    async (name, resolution, params, macs) => {
      const body = await modelsAt(`?resolution=${resolution}&classes=1000`);
      expect(body.resolution).toBe(resolution);
      expect(body.classes).toBe(1000);
      const model = byName(body, name);
      expect(relativeError(model.params, params)).toBeLessThan(0.005);
      expect(relativeError(model.macs, macs)).toBeLessThan(0.005);
      expect(model.flops).toBe(2 * model.macs);
    },
  );

  it('parameters do not depend on resolution; MACs grow with it', async () => {
    const [low, high] = await Promise.all([modelsAt('?resolution=160'), modelsAt('?resolution=448')]);
    for (const m of low.models) {
      expect(byName(high, m.name).params).toBe(m.params);
      expect(byName(high, m.name).macs).toBeGreaterThan(m.macs);
    }
  });

  it('one more class adds (2 x last width) weights and one bias, and 2 x last width MACs', async () => {
    const [base, plusOne] = await Promise.all([modelsAt('?classes=1000'), modelsAt('?classes=1001')]);
    for (const m of base.models) {
      const head = 2 * (m.widths[3] as number);
      expect(byName(plusOne, m.name).params - m.params, m.name).toBe(head + 1);
      expect(byName(plusOne, m.name).macs - m.macs, m.name).toBe(head);
    }
  });

  it('measured costs and their residuals against the family law for exactly the six trained variants', async () => {
    const body = await modelsAt();
    const trained = ['F0', 'F1', 'F3', 'F3+', 'F7', 'F7+'];
    const measured = body.models.filter((m) => m.measuredCostPerEpochTpuV4CoreHours !== undefined);
    expect(measured.map((m) => m.name).sort()).toEqual([...trained].sort());
    for (const m of measured)
      expect(m.costLawResidualPercent).toBeCloseTo(
        ((m.measuredCostPerEpochTpuV4CoreHours as number) / m.costPerEpochTpuV4CoreHours - 1) * 100,
        9,
      );
    // Oracle: data/paper/METHOD.md section 6, the geometric means of Figure 2 (F3+ 7055, F7 9590).
    expect(measured.find((m) => m.name === 'F3+')?.measuredCostPerEpochTpuV4CoreHours).toBeCloseTo(7055, -1);
    expect(measured.find((m) => m.name === 'F7')?.measuredCostPerEpochTpuV4CoreHours).toBeCloseTo(9590, -1);
    expect(
      body.models
        .filter((m) => m.trainedInPaper)
        .map((m) => m.name)
        .sort(),
    ).toEqual([...trained].sort());
  });

  it("cost per epoch is the pre-training setup's: independent of the query's resolution and classes", async () => {
    const [base, other] = await Promise.all([modelsAt(), modelsAt('?resolution=384&classes=1000')]);
    for (const m of base.models)
      expect(byName(other, m.name).costPerEpochTpuV4CoreHours).toBe(m.costPerEpochTpuV4CoreHours);
  });

  it('throughput identities: images/s = 4.0e9 / (cost x 3600); TFLOP/s = 3 x FLOPs x images/s; utilization = / 137.5', async () => {
    const body = await modelsAt();
    for (const m of body.models) {
      const imagesPerSecond = 4e9 / (m.costPerEpochTpuV4CoreHours * 3600);
      expect(m.imagesPerSecondPerCore / imagesPerSecond).toBeCloseTo(1, 9);
      expect(m.achievedTflopsPerCore / ((3 * m.flops * imagesPerSecond) / 1e12)).toBeCloseTo(1, 9);
      expect(m.utilization / (m.achievedTflopsPerCore / 137.5)).toBeCloseTo(1, 9);
      expect(m.utilization).toBeGreaterThan(0);
      expect(m.utilization).toBeLessThan(1);
    }
  });

  it('a larger model of the same family costs more per epoch', async () => {
    const body = await modelsAt();
    for (const family of [PLAIN, PLUS]) {
      const costs = family.map((name) => byName(body, name).costPerEpochTpuV4CoreHours);
      for (let i = 1; i < costs.length; i += 1) expect(costs[i]).toBeGreaterThan(costs[i - 1] as number);
    }
  });
});

describe('GET /v1/models: bad queries are 400s naming the parameter', () => {
  it.each([
    ['resolution=0', 'resolution'],
    ['resolution=-1', 'resolution'],
    ['resolution=abc', 'resolution'],
    ['resolution=1.5', 'resolution'],
    ['resolution=100000', 'resolution'],
    ['classes=0', 'classes'],
    ['classes=2.5', 'classes'],
    ['classes=NaN', 'classes'],
    ['colour=red', 'colour'],
  ])('?%s', async (query, path) => {
    const problem = expectProblem(await app.inject({ url: `/v1/models?${query}` }), 400);
    expect(problem.type).toBe(PROBLEM_TYPES.validation);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });
});
