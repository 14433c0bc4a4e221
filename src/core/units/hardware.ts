import type { CostModel } from '../cost/costModel.js';
import { FLOPS_PER_TFLOP, SECONDS_PER_HOUR } from '../cost/throughput.js';
import { PlannerInputError } from '../errors.js';
import {
  ACCELERATOR_SPECS,
  ACCELERATORS,
  type Accelerator,
  isAccelerator,
  MAX_UTILIZATION,
  MIN_UTILIZATION,
} from './accelerators.js';

/**
 * The machines a run will use, for its wall clock and its price: `count` devices of one accelerator, or the older
 * `cores` (TPU-v4 cores). On TPU-v4 the wall clock is the run's TPU-v4 cost over the cores it has, since the paper
 * measured cost in TPU-v4 core hours; elsewhere it is the run's training FLOPs over what the devices deliver at a
 * stated utilization, peak x utilization (default the NFNet family's measured TPU-v4 utilization, the one figure the
 * paper gives).
 */

/** Largest device count accepted: 2^20, beyond any training cluster. */
export const MAX_ACCELERATOR_COUNT = 1_048_576;
/** Largest price accepted per accelerator hour, in the caller's currency. */
export const MAX_PRICE_PER_ACCELERATOR_HOUR = 1e6;

export interface HardwareInput {
  /** TPU-v4 cores; the same as accelerator tpu_v4_core with this count. */
  readonly cores?: number;
  readonly accelerator?: Accelerator;
  readonly count?: number;
  /** Fraction of peak sustained, in (0, 1]; not for TPU-v4, whose cost the paper measured. */
  readonly utilization?: number;
  /** Price of one device for one hour, in any currency; the plan's price is in the same currency. */
  readonly pricePerAcceleratorHour?: number;
}

export interface ResolvedHardware {
  readonly accelerator: Accelerator;
  readonly count: number;
  readonly peakTflopsPerAccelerator: number;
  /** Absent on TPU-v4, where the measured cost sets the wall clock. */
  readonly utilization?: number;
  readonly pricePerAcceleratorHour?: number;
  /** How the wall clock is computed, in words, with sources. */
  readonly basis: string;
}

export interface RunOnHardware {
  readonly wallClockHours: number;
  /** wallClockHours x count. */
  readonly acceleratorHours: number;
  /** acceleratorHours x pricePerAcceleratorHour, when a price was given. */
  readonly price?: number;
}

/** One options check: the hardware the caller described, or undefined when it described none. */
export function resolveHardware(
  input: HardwareInput | undefined,
  costModel: Pick<CostModel, 'familyUtilization'>,
): ResolvedHardware | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new PlannerInputError('hardware', 'hardware must be an object');
  const { cores, accelerator, count, utilization, pricePerAcceleratorHour } = input;
  if (cores !== undefined && (accelerator !== undefined || count !== undefined))
    throw new PlannerInputError(
      'hardware.cores',
      'give either hardware.cores (TPU-v4 cores) or hardware.accelerator with hardware.count, not both',
    );
  let device: Accelerator;
  let devices: number;
  if (cores !== undefined) {
    device = 'tpu_v4_core';
    devices = wholeCount(cores, 'hardware.cores');
  } else if (accelerator !== undefined || count !== undefined) {
    if (!isAccelerator(accelerator))
      throw new PlannerInputError(
        'hardware.accelerator',
        `hardware.accelerator must be one of ${ACCELERATORS.join(', ')}; got ${JSON.stringify(accelerator)}`,
      );
    if (count === undefined)
      throw new PlannerInputError('hardware.count', 'hardware.count: how many devices the run will use');
    device = accelerator;
    devices = wholeCount(count, 'hardware.count');
  } else {
    if (utilization !== undefined || pricePerAcceleratorHour !== undefined)
      throw new PlannerInputError(
        'hardware.accelerator',
        'hardware.utilization and hardware.pricePerAcceleratorHour need hardware.accelerator and hardware.count',
      );
    return undefined;
  }
  const spec = ACCELERATOR_SPECS[device];
  const onTpuV4 = spec.tpuV4Cores !== undefined;
  if (utilization !== undefined) {
    if (onTpuV4)
      throw new PlannerInputError(
        'hardware.utilization',
        "hardware.utilization does not apply to TPU-v4: the paper measured each model's cost there",
      );
    if (
      !(
        typeof utilization === 'number' &&
        Number.isFinite(utilization) &&
        utilization >= MIN_UTILIZATION &&
        utilization <= MAX_UTILIZATION
      )
    )
      throw new PlannerInputError(
        'hardware.utilization',
        `hardware.utilization is a fraction of peak, from ${MIN_UTILIZATION} to ${MAX_UTILIZATION}; got ${String(utilization)}`,
      );
  }
  if (
    pricePerAcceleratorHour !== undefined &&
    !(
      typeof pricePerAcceleratorHour === 'number' &&
      Number.isFinite(pricePerAcceleratorHour) &&
      pricePerAcceleratorHour > 0 &&
      pricePerAcceleratorHour <= MAX_PRICE_PER_ACCELERATOR_HOUR
    )
  )
    throw new PlannerInputError(
      'hardware.pricePerAcceleratorHour',
      `hardware.pricePerAcceleratorHour must be greater than 0 and at most ${MAX_PRICE_PER_ACCELERATOR_HOUR}; got ${String(pricePerAcceleratorHour)}`,
    );
  const u = onTpuV4 ? undefined : (utilization ?? costModel.familyUtilization);
  const peakText = `${spec.label}: ${round(spec.peakTflops)} TFLOP/s dense bf16 peak (${spec.fact.source})`;
  const basis = onTpuV4
    ? `${devices} x ${peakText}; wall clock = the run's TPU-v4 core hours / ${devices * (spec.tpuV4Cores as number)} cores.`
    : `${devices} x ${peakText} at ${round((u as number) * 100)} % utilization ` +
      `(${utilization === undefined ? "default: the NFNet family's measured TPU-v4 utilization; NFNets were tuned for TPU-v4, so this is likely optimistic" : 'as given'}); ` +
      "wall clock = the run's training FLOPs (3 x forward FLOPs per image x images seen) / (count x peak x utilization).";
  return {
    accelerator: device,
    count: devices,
    peakTflopsPerAccelerator: spec.peakTflops,
    ...(u !== undefined && { utilization: u }),
    ...(pricePerAcceleratorHour !== undefined && { pricePerAcceleratorHour }),
    basis,
  };
}

/** Wall clock, device hours and price of a run of the given TPU-v4 cost and training FLOPs on the hardware. */
export function runOnHardware(
  hardware: ResolvedHardware,
  costTpuV4CoreHours: number,
  trainingFlops: number,
): RunOnHardware {
  const cores = ACCELERATOR_SPECS[hardware.accelerator].tpuV4Cores;
  const wallClockHours =
    cores !== undefined
      ? costTpuV4CoreHours / (hardware.count * cores)
      : trainingFlops /
        (hardware.count *
          hardware.peakTflopsPerAccelerator *
          (hardware.utilization as number) *
          FLOPS_PER_TFLOP *
          SECONDS_PER_HOUR);
  const acceleratorHours = wallClockHours * hardware.count;
  return {
    wallClockHours,
    acceleratorHours,
    ...(hardware.pricePerAcceleratorHour !== undefined && {
      price: acceleratorHours * hardware.pricePerAcceleratorHour,
    }),
  };
}

function wholeCount(value: unknown, field: string): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ACCELERATOR_COUNT))
    throw new PlannerInputError(
      field,
      `${field} must be a whole number from 1 to ${MAX_ACCELERATOR_COUNT}; got ${String(value)}`,
    );
  return value;
}

function round(x: number): string {
  return String(Number(x.toPrecision(4)));
}
