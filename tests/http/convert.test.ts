/**
 * GET /v1/convert through app.inject. Oracles: stated and vendor numbers typed from their sources (2 TensorCores per
 * TPU-v4 chip; the paper's F7+ run at 110k TPU-v4 = 250k TPU-v3 core hours; its ViT re-measurements 120k/210k,
 * 280k/500k, 130k/230k; bf16 dense peaks A100 312, H100 989, TPU-v4 275 per chip) and the family throughput
 * GET /v1/laws reports (flops / (T x 1e12 x 3600) core hours, T = costModel.familyAchievedTflopsPerCore).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConvertResponseSchema } from '../../src/api/convert/schemas.js';
import { LawsResponseSchema } from '../../src/api/laws/schemas.js';
import { PROBLEM_TYPES } from '../../src/api/problem.js';
import { buildTestApp, expectProblem } from './helpers.js';

type Converted = ReturnType<typeof ConvertResponseSchema.parse>;

let app: FastifyInstance;
let familyTflopsPerCore: number;
let familyUtilization: number;
beforeAll(async () => {
  app = await buildTestApp();
  const laws = LawsResponseSchema.parse((await app.inject({ url: '/v1/laws' })).json());
  familyTflopsPerCore = laws.costModel.familyAchievedTflopsPerCore;
  familyUtilization = laws.costModel.familyUtilization;
});
afterAll(async () => app.close());

const TPU_V4_PEAK_TFLOPS_PER_CORE = 275 / 2;

async function convert(query: string): Promise<Converted> {
  const response = await app.inject({ url: `/v1/convert?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return ConvertResponseSchema.parse(response.json());
}

describe('GET /v1/convert', () => {
  it('TPU-v4 core hours pass through unchanged', async () => {
    const c = await convert('amount=1234.5&unit=tpu_v4_core_hours');
    expect(c.tpuV4CoreHours).toBe(1234.5);
    expect(c.tpuV4CoreHoursPerUnit).toBe(1);
    expect(c.requested).toEqual({ amount: 1234.5, unit: 'tpu_v4_core_hours' });
  });

  it('TPU-v4 chip hours x 2 (two TensorCores per chip)', async () => {
    const c = await convert('amount=1000&unit=tpu_v4_chip_hours');
    expect(c.tpuV4CoreHours).toBe(2000);
    expect(c.tpuV4CoreHoursPerUnit).toBe(2);
    expect(c.basis).toMatch(/2 TPU-v4 core hours/);
  });

  it("TPU-v3 core hours by default: the paper's own conversions, 210k v3 -> ~120k v4 (ViT-g/14), 230k -> ~130k (SoViT)", async () => {
    const vitG = await convert('amount=210000&unit=tpu_v3_core_hours');
    const soVit = await convert('amount=230000&unit=tpu_v3_core_hours');
    expect(Math.abs(vitG.tpuV4CoreHours / 120_000 - 1)).toBeLessThan(0.05);
    expect(Math.abs(soVit.tpuV4CoreHours / 130_000 - 1)).toBeLessThan(0.05);
    const explicit = await convert('amount=210000&unit=tpu_v3_core_hours&tpuV3Basis=vit');
    expect(explicit.tpuV4CoreHours).toBe(vitG.tpuV4CoreHours);
  });

  it("TPU-v3 core hours x 0.44 on the opt-in F7+ basis: the paper's F7+ run, 250k v3 = 110k v4", async () => {
    const c = await convert('amount=250000&unit=tpu_v3_core_hours&tpuV3Basis=nfnet_f7plus');
    expect(c.tpuV4CoreHoursPerUnit).toBeCloseTo(110 / 250, 12);
    expect(c.tpuV4CoreHours).toBeCloseTo(110_000, 6);
  });

  it("TPU-v3 core hours on the ViT basis: the mean of the paper's three ViT v4/v3 ratios", async () => {
    const c = await convert('amount=1000&unit=tpu_v3_core_hours&tpuV3Basis=vit');
    const ratio = (120 / 210 + 280 / 500 + 130 / 230) / 3;
    expect(c.tpuV4CoreHoursPerUnit).toBeCloseTo(ratio, 12);
    expect(c.tpuV4CoreHours).toBeCloseTo(1000 * ratio, 9);
    expect(c.requested).toEqual({ amount: 1000, unit: 'tpu_v3_core_hours', tpuV3Basis: 'vit' });
  });

  it.each([1e21, 3.7e22, 5e24])(
    '%d FLOPs at the family throughput: flops / (T x 1e12 x 3600)',
    async (flops) => {
      const c = await convert(`amount=${encodeURIComponent(String(flops))}&unit=flops`);
      expect(c.tpuV4CoreHours / (flops / (familyTflopsPerCore * 1e12 * 3600))).toBeCloseTo(1, 12);
    },
  );

  it('the family throughput is its utilization of the 137.5 TFLOP/s TPU-v4 core peak', () => {
    expect(familyTflopsPerCore / (familyUtilization * TPU_V4_PEAK_TFLOPS_PER_CORE)).toBeCloseTo(1, 12);
  });

  it.each([
    ['a100', 312],
    ['h100', 989],
    ['h200', 989],
  ])('%s GPU hours at the default utilization: x peak / 137.5', async (accelerator, peak) => {
    const c = await convert(`amount=1000&unit=gpu_hours&accelerator=${accelerator}`);
    expect(c.tpuV4CoreHoursPerUnit).toBeCloseTo(peak / TPU_V4_PEAK_TFLOPS_PER_CORE, 10);
    expect(c.tpuV4CoreHours).toBeCloseTo((1000 * peak) / TPU_V4_PEAK_TFLOPS_PER_CORE, 7);
    expect(c.basis).toMatch(/less efficient|Caveat/);
  });

  it('GPU hours with a measured utilization and a custom peak: x peak x u / T', async () => {
    const c = await convert('amount=100&unit=gpu_hours&peakTflops=400&utilization=0.25');
    expect(c.tpuV4CoreHours).toBeCloseTo((100 * 400 * 0.25) / familyTflopsPerCore, 9);
    expect(c.requested).toEqual({ amount: 100, unit: 'gpu_hours', peakTflops: 400, utilization: 0.25 });
  });

  it('agrees with the budget POST /v1/plans converts', async () => {
    const c = await convert('amount=300&unit=gpu_hours&accelerator=a100&utilization=0.4');
    const plan = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: { budget: { amount: 300, unit: 'gpu_hours', accelerator: 'a100', utilization: 0.4 } },
    });
    expect(plan.statusCode).toBe(200);
    expect(plan.json().budget.tpuV4CoreHours).toBe(c.tpuV4CoreHours);
  });
});

describe('bad queries are 400s naming the query parameter', () => {
  it.each([
    ['amount=1&unit=gpu_hours', 'accelerator'],
    ['amount=1&unit=gpu_hours&accelerator=v100', 'accelerator'],
    ['amount=1&unit=gpu_hours&accelerator=a100&peakTflops=300', 'peakTflops'],
    ['amount=1&unit=gpu_hours&accelerator=a100&utilization=1.5', 'utilization'],
    ['amount=1&unit=gpu_hours&accelerator=a100&utilization=0', 'utilization'],
    ['amount=10&unit=flops&accelerator=a100', 'accelerator'],
    ['amount=10&unit=tpu_v4_core_hours&tpuV3Basis=vit', 'tpuV3Basis'],
    ['amount=10&unit=tpu_v3_core_hours&tpuV3Basis=gpu', 'tpuV3Basis'],
    ['amount=10&unit=core_days', 'unit'],
    ['amount=10', 'unit'],
    ['unit=flops', 'amount'],
    ['amount=0&unit=flops', 'amount'],
    ['amount=-1&unit=tpu_v4_core_hours', 'amount'],
    ['amount=abc&unit=tpu_v4_core_hours', 'amount'],
    ['amount=NaN&unit=tpu_v4_core_hours', 'amount'],
    ['amount=1e300&unit=tpu_v4_core_hours', 'amount'],
    ['amount=2e9&unit=tpu_v4_core_hours', 'amount'],
    ['amount=1e6&unit=flops', 'amount'],
    ['amount=10&unit=flops&currency=usd', 'currency'],
  ])('?%s -> %s', async (query, path) => {
    const problem = expectProblem(await app.inject({ url: `/v1/convert?${query}` }), 400);
    expect(problem.type).toBe(PROBLEM_TYPES.validation);
    expect(problem.errors?.map((e) => e.path)).toEqual([path]);
    expect(problem.detail).not.toMatch(/budget\./);
  });
});
