import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { buildCostModel, type CostModel } from '../../../src/core/cost/costModel.js';
import { PlannerInputError } from '../../../src/core/errors.js';
import { MAX_UTILIZATION, MIN_UTILIZATION } from '../../../src/core/units/accelerators.js';
import {
  BUDGET_UNITS,
  type BudgetInput,
  MAX_BUDGET_TPU_V4_CORE_HOURS,
  MAX_PEAK_TFLOPS,
  MIN_BUDGET_TPU_V4_CORE_HOURS,
  toTpuV4CoreHours,
} from '../../../src/core/units/budget.js';

const paperModel = buildCostModel();
/** A cost model whose family runs at a round 40 % of the 137.5 TFLOP/s peak: 55 TFLOP/s per core. */
const model40: CostModel = { ...paperModel, familyUtilization: 0.4, familyAchievedTflopsPerCore: 55 };

/**
 * Each call converts on a copy of the model: conversions are remembered per cost model object (budget.ts), so a test
 * that reused one would read an earlier test's remembered answer instead of converting.
 */
const convert = (budget: Record<string, unknown>, model: CostModel = model40) =>
  toTpuV4CoreHours(budget as unknown as BudgetInput, { ...model });
/** On the model itself, for the tests of remembering. */
const convertOn = (budget: Record<string, unknown>, model: CostModel) =>
  toTpuV4CoreHours(budget as unknown as BudgetInput, model);

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof PlannerInputError) return error.field;
    throw error;
  }
  return undefined;
}

describe('unit conversions worked by hand', () => {
  it('tpu_v4_core_hours is used as given', () => {
    expect(convert({ amount: 5000, unit: 'tpu_v4_core_hours' }).tpuV4CoreHours).toBe(5000);
  });

  it('1000 TPU-v4 chip hours = 2000 core hours (2 TensorCores per chip)', () => {
    const converted = convert({ amount: 1000, unit: 'tpu_v4_chip_hours' });
    expect(converted.tpuV4CoreHours).toBe(2000);
    expect(converted.basis).toMatch(/2 TensorCores per chip/);
  });

  it("250,000 TPU-v3 core hours = 110,000 TPU-v4 core hours on the paper's NFNet-F7+ basis (opt-in)", () => {
    const converted = convert({ amount: 250_000, unit: 'tpu_v3_core_hours', tpuV3Basis: 'nfnet_f7plus' });
    expect(converted.tpuV4CoreHours).toBeCloseTo(110_000, 6);
    expect(converted.basis).toMatch(/0\.44/);
    expect(converted.basis).toMatch(/opt-in/);
  });

  it.each([
    ['ViT-g/14', 210_000, 120_000],
    ['SoViT-400m/14', 230_000, 130_000],
    ['ViT-G/14', 500_000, 280_000],
  ])(
    "by default reproduces the paper's own conversion for %s, %d TPU-v3 -> %d TPU-v4 core hours, within 5 %",
    (_name, v3, v4) => {
      const converted = convert({ amount: v3, unit: 'tpu_v3_core_hours' });
      expect(Math.abs(converted.tpuV4CoreHours / v4 - 1)).toBeLessThan(0.05);
      expect(converted.requested.tpuV3Basis).toBeUndefined();
      expect(converted.basis).toMatch(/ViT-g\/14/);
    },
  );

  it('on the ViT basis, 1 TPU-v3 core hour = mean(120/210, 280/500, 130/230) = 0.56555 TPU-v4 core hours', () => {
    const byHand = (120 / 210 + 280 / 500 + 130 / 230) / 3;
    expect(byHand).toBeCloseTo(0.565549, 6);
    const converted = convert({ amount: 250_000, unit: 'tpu_v3_core_hours', tpuV3Basis: 'vit' });
    expect(converted.tpuV4CoreHours).toBeCloseTo(250_000 * byHand, 6);
    expect(converted.basis).toMatch(/ViT-g\/14/);
  });

  it('flops: at 55 TFLOP/s per core one core hour is 55e12 x 3600 = 1.98e17 FLOPs, so 1.98e20 FLOPs = 1000 core hours', () => {
    expect(convert({ amount: 1.98e20, unit: 'flops' }).tpuV4CoreHours).toBeCloseTo(1000, 6);
  });

  it('flops with the paper cost model: a one-epoch run converts between the slowest and fastest trained variants', () => {
    // One JFT-4B epoch = 3 x forward FLOPs x 4e9 images. The family throughput lies between F0's (the lowest
    // utilization) and F7+'s (the highest), so F0's FLOPs convert to fewer core hours than its measured 1608, and
    // F7+'s to more than its measured 13350.
    const f0 = convert({ amount: 3 * 19.15e9 * 4e9, unit: 'flops' }, paperModel).tpuV4CoreHours;
    const f7plus = convert({ amount: 3 * 222.6e9 * 4e9, unit: 'flops' }, paperModel).tpuV4CoreHours;
    expect(f0).toBeLessThan(1608);
    expect(f0).toBeGreaterThan(1608 / 2);
    expect(f7plus).toBeGreaterThan(13350);
    expect(f7plus).toBeLessThan(13350 * 2);
  });

  it('gpu_hours: 10 H100 hours at 30 % = 10 x 989 x 0.3 x 3600 TFLOP / (55 x 3600 TFLOP per core hour) = 53.945', () => {
    const converted = convert({ amount: 10, unit: 'gpu_hours', accelerator: 'h100', utilization: 0.3 });
    expect(converted.tpuV4CoreHours).toBeCloseTo((10 * 989 * 0.3) / 55, 9);
    expect(converted.tpuV4CoreHours).toBeCloseTo(53.945, 3);
  });

  it('gpu_hours at the default utilization reduces to the ratio of peaks: 1 A100 hour = 312 / 137.5 core hours', () => {
    // u x peak / (u x 137.5): the family utilization appears on both sides and cancels.
    expect(
      convert({ amount: 1, unit: 'gpu_hours', accelerator: 'a100' }, paperModel).tpuV4CoreHours,
    ).toBeCloseTo(312 / 137.5, 9);
    expect(convert({ amount: 100, unit: 'gpu_hours', accelerator: 'h200' }).tpuV4CoreHours).toBeCloseTo(
      (100 * 989) / 137.5,
      9,
    );
  });

  it('gpu_hours with a custom peak: 100 hours of a 500 TFLOP/s GPU at 50 % = 100 x 250 / 55 core hours', () => {
    expect(
      convert({ amount: 100, unit: 'gpu_hours', peakTflops: 500, utilization: 0.5 }).tpuV4CoreHours,
    ).toBeCloseTo((100 * 250) / 55, 9);
  });

  it("gpu_hours states the paper's caveat that NFNets were tuned for TPU-v4", () => {
    const { basis } = convert({ amount: 10, unit: 'gpu_hours', accelerator: 'a100' });
    expect(basis).toMatch(/tuned for TPU-v4/);
    expect(basis).toMatch(/less efficient on other devices/);
  });

  it('echoes the request without extra properties', () => {
    const converted = convert({ amount: 10, unit: 'gpu_hours', accelerator: 'a100', extra: 'x' });
    expect(converted.requested).toEqual({ amount: 10, unit: 'gpu_hours', accelerator: 'a100' });
  });
});

describe('gpu_hours buy training FLOPs (oracle: peak x utilization x 3,600 s, worked by hand)', () => {
  it('10 hours of a 400 TFLOP/s GPU at 25 % buy 10 x 400e12 x 0.25 x 3,600 = 3.6e18 training FLOPs', () => {
    const converted = convert({ amount: 10, unit: 'gpu_hours', peakTflops: 400, utilization: 0.25 });
    expect(Math.abs((converted.trainingFlops as number) / 3.6e18 - 1)).toBeLessThan(1e-12);
    // Their TPU-v4 equivalent at the family's 55 TFLOP/s per core (model40): 10 x 400 x 0.25 / 55 core hours.
    expect(converted.tpuV4CoreHours).toBeCloseTo((10 * 400 * 0.25) / 55, 12);
  });
});

describe('bad input names the field (oracle: the rules of issue 2 item 7)', () => {
  it.each([
    ['a zero amount', { amount: 0, unit: 'tpu_v4_core_hours' }, 'budget.amount'],
    ['a negative amount', { amount: -100, unit: 'tpu_v4_core_hours' }, 'budget.amount'],
    ['a NaN amount', { amount: Number.NaN, unit: 'tpu_v4_core_hours' }, 'budget.amount'],
    ['an infinite amount', { amount: Number.POSITIVE_INFINITY, unit: 'tpu_v4_core_hours' }, 'budget.amount'],
    ['a string amount', { amount: '1000', unit: 'tpu_v4_core_hours' }, 'budget.amount'],
    ['an absurd amount (1e300)', { amount: 1e300, unit: 'tpu_v4_core_hours' }, 'budget.amount'],
    [
      '1e9 core hours in chip hours (2e9 > 1e9 maximum)',
      { amount: 1e9, unit: 'tpu_v4_chip_hours' },
      'budget.amount',
    ],
    ['a budget below one core hour', { amount: 0.5, unit: 'tpu_v4_core_hours' }, 'budget.amount'],
    ['1e12 FLOPs (a few millionths of a core hour)', { amount: 1e12, unit: 'flops' }, 'budget.amount'],
    [
      '1e300 GPU hours on a 1e300 TFLOP/s GPU (overflow)',
      { amount: 1e300, unit: 'gpu_hours', peakTflops: 1e300 },
      'budget.amount',
    ],
    ['an unknown unit', { amount: 1000, unit: 'tpu_v5_core_hours' }, 'budget.unit'],
    ['a missing unit', { amount: 1000 }, 'budget.unit'],
    ['gpu_hours without a GPU', { amount: 1000, unit: 'gpu_hours' }, 'budget.accelerator'],
    [
      'an unknown accelerator',
      { amount: 1000, unit: 'gpu_hours', accelerator: 'v100' },
      'budget.accelerator',
    ],
    [
      'both accelerator and peakTflops',
      { amount: 1000, unit: 'gpu_hours', accelerator: 'h100', peakTflops: 989 },
      'budget.peakTflops',
    ],
    ['a zero peak', { amount: 1000, unit: 'gpu_hours', peakTflops: 0 }, 'budget.peakTflops'],
    ['a negative peak', { amount: 1000, unit: 'gpu_hours', peakTflops: -5 }, 'budget.peakTflops'],
    [
      'an infinite peak',
      { amount: 1000, unit: 'gpu_hours', peakTflops: Number.POSITIVE_INFINITY },
      'budget.peakTflops',
    ],
    [
      'a zero utilization',
      { amount: 1000, unit: 'gpu_hours', accelerator: 'a100', utilization: 0 },
      'budget.utilization',
    ],
    [
      'a utilization above 1',
      { amount: 1000, unit: 'gpu_hours', accelerator: 'a100', utilization: 1.2 },
      'budget.utilization',
    ],
    [
      'a percent utilization',
      { amount: 1000, unit: 'gpu_hours', accelerator: 'a100', utilization: 40 },
      'budget.utilization',
    ],
    [
      'a NaN utilization',
      { amount: 1000, unit: 'gpu_hours', accelerator: 'a100', utilization: Number.NaN },
      'budget.utilization',
    ],
    [
      'an unknown TPU-v3 basis',
      { amount: 1000, unit: 'tpu_v3_core_hours', tpuV3Basis: 'resnet' },
      'budget.tpuV3Basis',
    ],
    [
      'a utilization with a TPU unit',
      { amount: 1000, unit: 'tpu_v4_core_hours', utilization: 0.5 },
      'budget.utilization',
    ],
    ['an accelerator with flops', { amount: 1e20, unit: 'flops', accelerator: 'h100' }, 'budget.accelerator'],
    [
      'a TPU-v3 basis with gpu_hours',
      { amount: 10, unit: 'gpu_hours', accelerator: 'h100', tpuV3Basis: 'vit' },
      'budget.tpuV3Basis',
    ],
  ])('%s -> PlannerInputError on %s', (_label, budget, field) => {
    expect(fieldOf(() => convert(budget))).toBe(field);
  });

  it('rejects a budget that is not an object', () => {
    expect(fieldOf(() => convert(null as unknown as Record<string, unknown>))).toBe('budget');
  });

  it('a utilization of exactly 1 is allowed (the bound is (0, 1])', () => {
    expect(
      convert({ amount: 1, unit: 'gpu_hours', accelerator: 'h100', utilization: 1 }).tpuV4CoreHours,
    ).toBeCloseTo(989 / 55, 9);
  });

  it.each([
    [
      'the smallest budget, 1 core hour',
      { amount: MIN_BUDGET_TPU_V4_CORE_HOURS, unit: 'tpu_v4_core_hours' },
      undefined,
    ],
    [
      'just under it',
      { amount: MIN_BUDGET_TPU_V4_CORE_HOURS * (1 - 1e-12), unit: 'tpu_v4_core_hours' },
      'budget.amount',
    ],
    [
      'the largest budget, 1e9 core hours',
      { amount: MAX_BUDGET_TPU_V4_CORE_HOURS, unit: 'tpu_v4_core_hours' },
      undefined,
    ],
    [
      'just over it',
      { amount: MAX_BUDGET_TPU_V4_CORE_HOURS * (1 + 1e-12), unit: 'tpu_v4_core_hours' },
      'budget.amount',
    ],
    [
      'the largest peak, 1e6 TFLOP/s',
      { amount: 1, unit: 'gpu_hours', peakTflops: MAX_PEAK_TFLOPS },
      undefined,
    ],
    [
      'just over it',
      { amount: 1, unit: 'gpu_hours', peakTflops: MAX_PEAK_TFLOPS * (1 + 1e-12) },
      'budget.peakTflops',
    ],
    ['a string peak', { amount: 1, unit: 'gpu_hours', peakTflops: '500' }, 'budget.peakTflops'],
    [
      'the lowest utilization, 0.001',
      { amount: 1e6, unit: 'gpu_hours', accelerator: 'h100', utilization: MIN_UTILIZATION },
      undefined,
    ],
    [
      'just under it',
      { amount: 1e6, unit: 'gpu_hours', accelerator: 'h100', utilization: MIN_UTILIZATION * (1 - 1e-9) },
      'budget.utilization',
    ],
    [
      'just over 1',
      { amount: 1, unit: 'gpu_hours', accelerator: 'h100', utilization: MAX_UTILIZATION * (1 + 1e-12) },
      'budget.utilization',
    ],
    [
      'a string utilization',
      { amount: 1, unit: 'gpu_hours', accelerator: 'h100', utilization: '0.5' },
      'budget.utilization',
    ],
    [
      'a peak with a TPU unit',
      { amount: 10, unit: 'tpu_v3_core_hours', peakTflops: 100 },
      'budget.peakTflops',
    ],
    ['a TPU-v3 basis with flops', { amount: 1e20, unit: 'flops', tpuV3Basis: 'vit' }, 'budget.tpuV3Basis'],
  ])('at the edge of a limit: %s', (_label, budget, field) => {
    expect(fieldOf(() => convert(budget))).toBe(field);
  });

  it('each message states the limit broken and the value given', () => {
    expect(() => convert({ amount: 2e30, unit: 'flops' })).toThrow('at most 1e+30; got 2e+30');
    expect(() => convert({ amount: 2e9, unit: 'tpu_v4_core_hours' })).toThrow(
      'budget.amount of 2000000000 tpu_v4_core_hours is 2.000e+9 TPU-v4 core hours, more than the largest budget the planner accepts (1.000e+9',
    );
    expect(() => convert({ amount: 0.25, unit: 'tpu_v4_chip_hours' })).toThrow(
      'budget.amount of 0.25 tpu_v4_chip_hours is 0.5 TPU-v4 core hours, less than the smallest budget the planner accepts (1;',
    );
    expect(() => convert({ amount: 1, unit: 'gpu_hours', peakTflops: 2e6 })).toThrow(
      'budget.peakTflops must be a number of TFLOP/s greater than zero and at most 1000000; got 2000000',
    );
    expect(() => convert({ amount: 1, unit: 'gpu_hours', accelerator: 'h100', utilization: 3 })).toThrow(
      'budget.utilization is the fraction of peak the GPU sustains and must be from 0.001 to 1; got 3',
    );
    expect(() => convert({ amount: 1, unit: 'gpu_hours', accelerator: 'v100' })).toThrow(
      'budget.accelerator must be one of a100, h100, h200, b200; got "v100" (for another GPU, give budget.peakTflops instead)',
    );
    expect(() => convert({ amount: 1, unit: 'gpu_hours' })).toThrow(
      'gpu_hours needs the GPU: set budget.accelerator to one of a100, h100, h200, b200, or budget.peakTflops',
    );
    expect(() => convert({ amount: 1, unit: 'tpu_v4_core_hours', accelerator: 'h100' })).toThrow(
      'budget.accelerator applies only to unit gpu_hours, but budget.unit is tpu_v4_core_hours',
    );
  });

  it('each basis names its numbers: the GPU, its peak and utilization, and the family throughput', () => {
    const custom = convert({ amount: 100, unit: 'gpu_hours', peakTflops: 500, utilization: 0.5 });
    expect(custom.basis).toContain('1 GPU hour = 900000 TFLOP of training compute');
    expect(custom.basis).toContain('GPU with a stated 500 TFLOP/s peak at 50.0 % utilization (as given)');
    expect(custom.basis).toContain(
      'equivalent is 4.545 core hours at 55 TFLOP/s of training compute per TPU-v4 core',
    );
    expect(custom.basis).toContain('(40.0 % of the 137.5 TFLOP/s bf16 peak');
    const listed = convert({ amount: 1, unit: 'gpu_hours', accelerator: 'b200' });
    expect(listed.basis).toContain('NVIDIA B200 (2250 TFLOP/s dense bf16 peak');
    expect(listed.basis).toContain('40.0 % utilization (default');
    const flops = convert({ amount: 1e20, unit: 'flops' });
    expect(flops.basis).toContain('FLOPs / 1.980e+17 FLOPs per TPU-v4 core hour');
    expect(convert({ amount: 5, unit: 'tpu_v4_core_hours' }).basis).toBe('TPU-v4 core hours, used as given.');
    const vit = convert({ amount: 5, unit: 'tpu_v3_core_hours' });
    expect(vit.basis).toContain('ViT-g/14 (120000 / 210000)');
    expect(vit.basis).toContain('SoViT-400m/14 (130000 / 230000)');
    const f7 = convert({ amount: 5, unit: 'tpu_v3_core_hours', tpuV3Basis: 'nfnet_f7plus' });
    expect(f7.basis).toContain('cost 110000 TPU-v4 core hours');
    expect(f7.basis).toContain('its measured conversions (the default, vit) give 0.5655.');
  });

  it('messages are written for a person: the field, the rule and the value', () => {
    expect(() => convert({ amount: -3, unit: 'tpu_v4_core_hours' })).toThrow(
      'budget.amount must be a finite number greater than zero and at most 1e+30; got -3',
    );
    expect(() => convert({ amount: 1000, unit: 'gpus' })).toThrow(
      /budget\.unit must be one of tpu_v4_core_hours/,
    );
  });
});

describe('properties (fast-check)', () => {
  test.prop([
    fc.double({ min: MIN_BUDGET_TPU_V4_CORE_HOURS, max: MAX_BUDGET_TPU_V4_CORE_HOURS, noNaN: true }),
  ])('any TPU-v4 core-hour amount in [1, 1e9] converts to itself, finite and positive', (amount) => {
    const { tpuV4CoreHours } = convert({ amount, unit: 'tpu_v4_core_hours' });
    expect(tpuV4CoreHours).toBe(amount);
  });

  test.prop([fc.double({ min: 1, max: 5e8, noNaN: true })])(
    'any chip-hour amount in [1, 5e8] converts to twice itself, finite and within range',
    (amount) => {
      const { tpuV4CoreHours } = convert({ amount, unit: 'tpu_v4_chip_hours' });
      expect(tpuV4CoreHours).toBe(2 * amount);
      expect(tpuV4CoreHours).toBeLessThanOrEqual(MAX_BUDGET_TPU_V4_CORE_HOURS);
    },
  );

  test.prop([
    fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }),
    fc.constantFrom(...BUDGET_UNITS),
    fc.option(fc.double({ min: MIN_UTILIZATION, max: MAX_UTILIZATION, noNaN: true }), { nil: undefined }),
  ])(
    'any finite positive amount in any unit either converts to a finite value in [1, 1e9] or is refused on budget.amount',
    (amount, unit, utilization) => {
      const budget =
        unit === 'gpu_hours' ? { amount, unit, accelerator: 'h100', utilization } : { amount, unit };
      let converted: number | undefined;
      const field = fieldOf(() => {
        converted = convert(budget, paperModel).tpuV4CoreHours;
      });
      if (field !== undefined) expect(field).toBe('budget.amount');
      else {
        expect(Number.isFinite(converted)).toBe(true);
        expect(converted).toBeGreaterThanOrEqual(MIN_BUDGET_TPU_V4_CORE_HOURS);
        expect(converted).toBeLessThanOrEqual(MAX_BUDGET_TPU_V4_CORE_HOURS);
      }
    },
  );
});

describe('remembered conversions', () => {
  it('an invalid option is refused even after a valid one that prints the same was converted', () => {
    // Conversions are built once per cost model and set of options; the check of each option must still run.
    const model: CostModel = { ...paperModel };
    expect(
      convertOn({ amount: 10, unit: 'gpu_hours', peakTflops: 100 }, model).tpuV4CoreHours,
    ).toBeGreaterThan(0);
    expect(() => convertOn({ amount: 10, unit: 'gpu_hours', peakTflops: '100' }, model)).toThrow(
      PlannerInputError,
    );
    expect(
      convertOn({ amount: 10, unit: 'gpu_hours', accelerator: 'h100' }, model).tpuV4CoreHours,
    ).toBeGreaterThan(0);
    expect(() =>
      convertOn({ amount: 10, unit: 'gpu_hours', accelerator: 'h100', peakTflops: Number.NaN }, model),
    ).toThrow(PlannerInputError);
    expect(() =>
      convertOn({ amount: 10, unit: 'gpu_hours', accelerator: 'h100', peakTflops: null }, model),
    ).toThrow(PlannerInputError);
  });

  it('a remembered conversion equals a fresh one, for every option set (each on its own cost model first)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 10, max: 1e6, noNaN: true }),
        fc.constantFrom(
          { unit: 'tpu_v4_core_hours' },
          { unit: 'tpu_v4_chip_hours' },
          { unit: 'tpu_v3_core_hours', tpuV3Basis: 'nfnet_f7plus' },
          { unit: 'flops' },
          { unit: 'gpu_hours', accelerator: 'a100', utilization: 0.35 },
          { unit: 'gpu_hours', peakTflops: 312 },
        ),
        (amount, options) => {
          const budget = { amount: options.unit === 'flops' ? amount * 1e18 : amount, ...options };
          const fresh = convertOn(budget, { ...paperModel });
          expect(convertOn(budget, paperModel)).toEqual(fresh);
          expect(convertOn(budget, paperModel)).toEqual(fresh);
        },
      ),
      { numRuns: 300 },
    );
  });
});
