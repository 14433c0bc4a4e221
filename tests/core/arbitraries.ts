/**
 * fast-check arbitraries the core's property tests share: log-uniform numbers and budget units with their options.
 */
import fc from 'fast-check';
import { GPU_ACCELERATORS } from '../../src/core/units/accelerators.js';
import { BUDGET_UNITS, type BudgetInput, type BudgetUnit } from '../../src/core/units/budget.js';
import { TPU_V3_BASES } from '../../src/core/units/tpuV3.js';

const LOG_STEPS = 1_000_000_000;

/**
 * Log-uniform on [min, max]. Drawn from an integer grid (fc.double is uniform over bit patterns, not values, so it
 * would crowd near min); fast-check's integer bias still reaches both ends of the range.
 */
export const logUniform = (min: number, max: number): fc.Arbitrary<number> =>
  fc.integer({ min: 0, max: LOG_STEPS }).map((i) => Math.min(max, min * (max / min) ** (i / LOG_STEPS)));

export type BudgetUnitWithOptions = Omit<BudgetInput, 'amount'>;

/** Ranges for the GPU options: a stated peak in TFLOP/s and a utilization in (0, 1]. */
export interface GpuOptionRanges {
  readonly peakTflops: readonly [number, number];
  readonly utilization: readonly [number, number];
}

/** A unit with every option it accepts (TPU-v3 basis, GPU model or stated peak, utilization); no amount yet. */
export function unitWithOptions(unit: BudgetUnit, gpu: GpuOptionRanges): fc.Arbitrary<BudgetUnitWithOptions> {
  switch (unit) {
    case 'tpu_v3_core_hours':
      return fc
        .option(fc.constantFrom(...TPU_V3_BASES), { nil: undefined, freq: 3 })
        .map((tpuV3Basis) => ({ unit, ...(tpuV3Basis && { tpuV3Basis }) }));
    case 'gpu_hours':
      return fc
        .record({
          accelerator: fc.oneof(
            fc.constantFrom(...GPU_ACCELERATORS).map((accelerator) => ({ accelerator })),
            logUniform(...gpu.peakTflops).map((peakTflops) => ({ peakTflops })),
          ),
          utilization: fc.option(logUniform(...gpu.utilization), { nil: undefined, freq: 2 }),
        })
        .map(({ accelerator, utilization }) => ({
          unit,
          ...accelerator,
          ...(utilization !== undefined && { utilization }),
        }));
    default:
      return fc.constant({ unit });
  }
}

/** Any of the five units, with its options. */
export const anyUnitWithOptions = (gpu: GpuOptionRanges): fc.Arbitrary<BudgetUnitWithOptions> =>
  fc.oneof(...BUDGET_UNITS.map((unit) => unitWithOptions(unit, gpu)));
