/**
 * The hardware a run will use (resolveHardware, its one options check) and what a run costs on it (runOnHardware).
 *
 * Oracles: the vendors' dense bf16 peaks as the datasheets print them (TPU v4 275 TFLOP/s per chip of 2 TensorCores,
 * v5p 459 per chip of 2, v5e 197, v6e 918, A100 312, H100 989, B200 2,250), and wall clocks worked by hand from those
 * numbers; for the checks, each limit on both sides of its edge and the field each refusal names.
 */
import { describe, expect, it } from 'vitest';
import type { CostModel } from '../../../src/core/cost/costModel.js';
import { PlannerInputError } from '../../../src/core/errors.js';
import {
  type HardwareInput,
  MAX_ACCELERATOR_COUNT,
  MAX_PRICE_PER_ACCELERATOR_HOUR,
  type ResolvedHardware,
  resolveHardware,
  runOnHardware,
} from '../../../src/core/units/hardware.js';

/** A family sustaining a round 40 % of peak, so that the default utilization is easy to see. */
const model40: Pick<CostModel, 'familyUtilization'> = { familyUtilization: 0.4 };

const resolve = (input: unknown) => resolveHardware(input as HardwareInput, model40) as ResolvedHardware;

/** The field a refusal names, or undefined when the input is accepted. */
function refusedField(input: unknown): string | undefined {
  try {
    resolveHardware(input as HardwareInput, model40);
  } catch (error) {
    if (error instanceof PlannerInputError) return error.field;
    throw error;
  }
  return undefined;
}

describe('resolveHardware: devices and their datasheet peaks', () => {
  it('no hardware, or an empty object, describes none', () => {
    expect(resolveHardware(undefined, model40)).toBeUndefined();
    expect(resolveHardware({}, model40)).toBeUndefined();
  });

  it.each([
    ['tpu_v4_core', 137.5],
    ['tpu_v4_chip', 275],
    ['tpu_v5e_chip', 197],
    ['tpu_v5p_core', 229.5],
    ['tpu_v5p_chip', 459],
    ['tpu_v6e_chip', 918],
    ['a100', 312],
    ['h100', 989],
    ['h200', 989],
    ['b200', 2250],
  ])('%s: %d TFLOP/s per device', (accelerator, peak) => {
    const hardware = resolve({ accelerator, count: 4 });
    expect(hardware.accelerator).toBe(accelerator);
    expect(hardware.count).toBe(4);
    expect(hardware.peakTflopsPerAccelerator).toBe(peak);
    expect(hardware.basis).toContain(`4 x `);
    expect(hardware.basis).toContain(`${peak} TFLOP/s dense bf16 peak`);
  });

  it('cores is the older way to say TPU-v4 cores: 64 cores is 64 tpu_v4_core devices', () => {
    const hardware = resolve({ cores: 64 });
    expect(hardware).toMatchObject({
      accelerator: 'tpu_v4_core',
      count: 64,
      peakTflopsPerAccelerator: 137.5,
    });
    expect(hardware.basis).toContain("wall clock = the run's TPU-v4 core hours / 64 cores");
  });

  it("TPU-v4 chips: the wall clock divides by the chips' cores (16 chips are 32 cores), with no utilization", () => {
    const hardware = resolve({ accelerator: 'tpu_v4_chip', count: 16 });
    expect(hardware.basis).toContain('/ 32 cores');
    expect('utilization' in hardware).toBe(false);
  });

  it("other devices run at the family's measured utilization unless one is given, and the basis says which", () => {
    const byDefault = resolve({ accelerator: 'h100', count: 8 });
    expect(byDefault.utilization).toBe(0.4);
    expect(byDefault.basis).toContain('at 40 % utilization (default');
    const given = resolve({ accelerator: 'h100', count: 8, utilization: 0.55 });
    expect(given.utilization).toBe(0.55);
    expect(given.basis).toContain('at 55 % utilization (as given)');
  });

  it('a price is kept as given, and absent when none is given', () => {
    expect(
      resolve({ accelerator: 'a100', count: 1, pricePerAcceleratorHour: 2.5 }).pricePerAcceleratorHour,
    ).toBe(2.5);
    expect('pricePerAcceleratorHour' in resolve({ accelerator: 'a100', count: 1 })).toBe(false);
  });
});

describe('resolveHardware: every refusal names its field', () => {
  it.each([
    ['a string', 'tpu', 'hardware'],
    ['null', null, 'hardware'],
    ['an array', [], 'hardware'],
    ['cores with an accelerator', { cores: 8, accelerator: 'h100' }, 'hardware.cores'],
    ['cores with a count', { cores: 8, count: 8 }, 'hardware.cores'],
    ['an unknown accelerator', { accelerator: 'tpu_v9', count: 1 }, 'hardware.accelerator'],
    ['a count without an accelerator', { count: 4 }, 'hardware.accelerator'],
    ['an accelerator without a count', { accelerator: 'h100' }, 'hardware.count'],
    ['a utilization alone', { utilization: 0.5 }, 'hardware.accelerator'],
    ['a price alone', { pricePerAcceleratorHour: 2 }, 'hardware.accelerator'],
    ['a utilization on TPU-v4 cores', { cores: 8, utilization: 0.5 }, 'hardware.utilization'],
    [
      'a utilization on TPU-v4 chips',
      { accelerator: 'tpu_v4_chip', count: 8, utilization: 0.5 },
      'hardware.utilization',
    ],
  ])('%s', (_name, input, field) => {
    expect(refusedField(input)).toBe(field);
  });

  it.each([
    [1, undefined],
    [MAX_ACCELERATOR_COUNT, undefined],
    [0, 'hardware.count'],
    [MAX_ACCELERATOR_COUNT + 1, 'hardware.count'],
    [2.5, 'hardware.count'],
    [Number.NaN, 'hardware.count'],
    ['8', 'hardware.count'],
  ])('count %s: %s', (count, field) => {
    expect(refusedField({ accelerator: 'h100', count })).toBe(field);
    // cores takes the same whole numbers, and names its own field
    expect(refusedField({ cores: count })).toBe(field?.replace('count', 'cores'));
  });

  it.each([
    [0.001, undefined],
    [1, undefined],
    [0.000999, 'hardware.utilization'],
    [1.000001, 'hardware.utilization'],
    [0, 'hardware.utilization'],
    [Number.POSITIVE_INFINITY, 'hardware.utilization'],
    [Number.NaN, 'hardware.utilization'],
    ['0.5', 'hardware.utilization'],
  ])('utilization %s: %s', (utilization, field) => {
    expect(refusedField({ accelerator: 'h100', count: 1, utilization })).toBe(field);
  });

  it.each([
    [0.01, undefined],
    [MAX_PRICE_PER_ACCELERATOR_HOUR, undefined],
    [0, 'hardware.pricePerAcceleratorHour'],
    [-1, 'hardware.pricePerAcceleratorHour'],
    [MAX_PRICE_PER_ACCELERATOR_HOUR * 1.000001, 'hardware.pricePerAcceleratorHour'],
    [Number.POSITIVE_INFINITY, 'hardware.pricePerAcceleratorHour'],
    ['2', 'hardware.pricePerAcceleratorHour'],
  ])('price %s: %s', (pricePerAcceleratorHour, field) => {
    expect(refusedField({ accelerator: 'h100', count: 1, pricePerAcceleratorHour })).toBe(field);
    // a price applies to TPU-v4 as well
    expect(refusedField({ cores: 8, pricePerAcceleratorHour })).toBe(field);
  });

  it('the messages state the limits a client must meet', () => {
    expect(() => resolve({ accelerator: 'h100', count: 0 })).toThrow(
      `hardware.count must be a whole number from 1 to ${MAX_ACCELERATOR_COUNT}; got 0`,
    );
    expect(() => resolve({ accelerator: 'h100', count: 1, utilization: 2 })).toThrow(
      'hardware.utilization is a fraction of peak, from 0.001 to 1; got 2',
    );
    expect(() => resolve({ accelerator: 'h100', count: 1, pricePerAcceleratorHour: 0 })).toThrow(
      `at most ${MAX_PRICE_PER_ACCELERATOR_HOUR}; got 0`,
    );
    expect(() => resolve({ accelerator: 'x', count: 1 })).toThrow(
      /must be one of tpu_v4_core, .*b200; got "x"/,
    );
  });
});

describe('runOnHardware: wall clock, device hours and price, worked by hand', () => {
  it('TPU-v4: 6,400 core hours on 16 chips (32 cores) take 200 h, 3,200 chip hours, 9,600 at 3 per chip hour', () => {
    const run = runOnHardware(
      resolve({ accelerator: 'tpu_v4_chip', count: 16, pricePerAcceleratorHour: 3 }),
      6400,
      1,
    );
    expect(run.wallClockHours).toBeCloseTo(200, 12);
    expect(run.acceleratorHours).toBeCloseTo(3200, 12);
    expect(run.price).toBeCloseTo(9600, 9);
  });

  it('TPU-v4 cores: the training FLOPs do not enter, the measured cost does', () => {
    const hardware = resolve({ cores: 100 });
    expect(runOnHardware(hardware, 1000, 1e20).wallClockHours).toBe(10);
    expect(runOnHardware(hardware, 1000, 1e25).wallClockHours).toBe(10);
  });

  it('GPUs: 1e21 training FLOPs on 10 A100s at 50 % = 1e21 / (10 x 312e12 x 0.5 x 3600) s = 178.06 h', () => {
    const run = runOnHardware(resolve({ accelerator: 'a100', count: 10, utilization: 0.5 }), 123, 1e21);
    const hours = 1e21 / (10 * 312e12 * 0.5 * 3600);
    expect(hours).toBeCloseTo(178.063, 3);
    expect(run.wallClockHours).toBeCloseTo(hours, 9);
    expect(run.acceleratorHours).toBeCloseTo(10 * hours, 8);
    expect('price' in run).toBe(false);
  });

  it("a GPU at the default utilization runs at the family's: 0.4 of peak", () => {
    const run = runOnHardware(resolve({ accelerator: 'b200', count: 1 }), 1, 2250e12 * 0.4 * 3600);
    expect(run.wallClockHours).toBeCloseTo(1, 12);
  });

  it('TPU v5p cores are half a chip: the same run takes twice as long on n cores as on n chips', () => {
    const flops = 1e22;
    const cores = runOnHardware(resolve({ accelerator: 'tpu_v5p_core', count: 64 }), 1, flops);
    const chips = runOnHardware(resolve({ accelerator: 'tpu_v5p_chip', count: 64 }), 1, flops);
    expect(cores.wallClockHours / chips.wallClockHours).toBeCloseTo(2, 12);
  });
});
