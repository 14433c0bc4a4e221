/**
 * Property-based round trips of the budget units: a budget stated in one unit, re-expressed in another at the rate the
 * converter reports (tpuV4CoreHoursPerUnit) and converted again, is the same number of TPU-v4 core hours; expressed
 * back in the first unit it is the amount first given. For every ordered pair of the five units, over every option a
 * unit takes (TPU-v3 basis, GPU model or stated peak, utilization).
 *
 * Oracle: linearity. Each unit is a fixed rate, so the round trip is exact in real arithmetic and only IEEE 754
 * rounding remains (bound below). The rates themselves are checked against the paper's numbers by hand in
 * budget.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCostModel } from '../../../src/core/cost/costModel.js';
import {
  BUDGET_UNITS,
  type BudgetInput,
  MAX_BUDGET_TPU_V4_CORE_HOURS,
  MIN_BUDGET_TPU_V4_CORE_HOURS,
  toTpuV4CoreHours,
} from '../../../src/core/units/budget.js';
import { logUniform, unitWithOptions } from '../arbitraries.js';

const costModel = buildCostModel();

/** Cases per ordered pair of units: the issue asks for at least 1,000 per property. */
const RUNS = 1_000;

/**
 * The trip A -> core hours -> B -> core hours -> A is amount x rateA, / rateB, x rateB, / rateA: four roundings of at
 * most 2^-53 each (round to nearest), so the result is within 4 x 2^-53 = 2 x Number.EPSILON of the start. Twice that
 * leaves margin for the compounding and is still about 4 ulps.
 */
const ROUND_TRIP_RELATIVE_TOLERANCE = 4 * Number.EPSILON;

/** GPU options over wide ranges: every one converts within the accepted budget range at some amount. */
const GPU_OPTIONS = { peakTflops: [0.1, 10_000], utilization: [0.001, 1] } as const;

/** The rate the converter reports, read at a probe amount inside the accepted range for every option above. */
function rateOf(unit: Omit<BudgetInput, 'amount'>): number {
  // FLOPs are ~1.7e17 per core hour; a GPU hour here is 2e-6 to 213 core hours; the TPU units 0.44 to 2.
  const probe = unit.unit === 'flops' ? 1e22 : unit.unit === 'gpu_hours' ? 1e6 : 1e4;
  return toTpuV4CoreHours({ ...unit, amount: probe }, costModel).tpuV4CoreHoursPerUnit;
}

/**
 * Budgets across the whole accepted range, kept a hair inside its ends so that the round trip's own rounding cannot
 * step outside it (that would be a refusal at the boundary, not a round-trip error).
 */
const tpuV4CoreHours = logUniform(
  MIN_BUDGET_TPU_V4_CORE_HOURS * (1 + 1e-9),
  MAX_BUDGET_TPU_V4_CORE_HOURS * (1 - 1e-9),
);

const relativeError = (actual: number, expected: number) => Math.abs(actual / expected - 1);

const pairs = BUDGET_UNITS.flatMap((from) => BUDGET_UNITS.map((to) => [from, to] as const));

describe('budget units round-trip through TPU-v4 core hours', () => {
  it('covers every ordered pair of the five units', () => {
    expect(pairs).toHaveLength(25);
  });

  it.each(pairs)('%s -> %s and back', (from, to) => {
    fc.assert(
      fc.property(
        unitWithOptions(from, GPU_OPTIONS),
        unitWithOptions(to, GPU_OPTIONS),
        tpuV4CoreHours,
        (a, b, coreHours) => {
          const rateA = rateOf(a);
          const rateB = rateOf(b);
          const amountA = coreHours / rateA;
          const viaA = toTpuV4CoreHours({ ...a, amount: amountA }, costModel);
          expect(viaA.tpuV4CoreHoursPerUnit).toBe(rateA);
          const amountB = viaA.tpuV4CoreHours / rateB;
          const viaB = toTpuV4CoreHours({ ...b, amount: amountB }, costModel);
          expect(relativeError(viaB.tpuV4CoreHours, viaA.tpuV4CoreHours)).toBeLessThanOrEqual(
            ROUND_TRIP_RELATIVE_TOLERANCE,
          );
          expect(relativeError(viaB.tpuV4CoreHours / rateA, amountA)).toBeLessThanOrEqual(
            ROUND_TRIP_RELATIVE_TOLERANCE,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
