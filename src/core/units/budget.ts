import type { CostModel } from '../cost/costModel.js';
import { FLOPS_PER_TFLOP, SECONDS_PER_HOUR } from '../cost/throughput.js';
import { FACTS, TPU_V4_PEAK_TFLOPS_PER_CORE } from '../dataset/facts.js';
import { PlannerInputError } from '../errors.js';
import {
  GPU_ACCELERATORS,
  GPU_PEAK,
  type GpuAccelerator,
  isGpuAccelerator,
  MAX_UTILIZATION,
  MIN_UTILIZATION,
} from './accelerators.js';
import {
  isTpuV3Basis,
  TPU_V3_BASES,
  TPU_V4_CORE_HOURS_PER_TPU_V3_CORE_HOUR,
  type TpuV3Basis,
} from './tpuV3.js';

/**
 * A compute budget in any of five units, converted to the planner's one unit, TPU-v4 core hours (the unit of the
 * paper's Figures 1 and 2), with the conversion stated in words.
 */

export const BUDGET_UNITS = [
  'tpu_v4_core_hours',
  'tpu_v4_chip_hours',
  'tpu_v3_core_hours',
  'flops',
  'gpu_hours',
] as const;
export type BudgetUnit = (typeof BUDGET_UNITS)[number];

export interface BudgetInput {
  readonly amount: number;
  readonly unit: BudgetUnit;
  /** gpu_hours only; give this or peakTflops, not both. */
  readonly accelerator?: GpuAccelerator;
  /** gpu_hours only: dense bf16 peak of a GPU not in the list, TFLOP/s. */
  readonly peakTflops?: number;
  /** gpu_hours only: fraction of peak the GPU sustains, in (0, 1]; default the NFNet family's TPU-v4 utilization. */
  readonly utilization?: number;
  /** tpu_v3_core_hours only; default 'vit', the paper's own conversions. */
  readonly tpuV3Basis?: TpuV3Basis;
}

export interface ConvertedBudget {
  readonly tpuV4CoreHours: number;
  readonly requested: BudgetInput;
  /** The conversion in words, with its numbers and their sources. */
  readonly basis: string;
  /** TPU-v4 core hours one unit of the requested budget is worth. */
  readonly tpuV4CoreHoursPerUnit: number;
  /**
   * flops and gpu_hours budgets: the training FLOPs the budget buys (3 x forward FLOPs per image x images seen). Such a
   * budget is spent in FLOPs, at each model's own FLOPs per image; tpuV4CoreHours is then only its TPU-v4 equivalent
   * at the family's throughput. Absent for TPU units, which are spent at each model's TPU-v4 cost.
   */
  readonly trainingFlops?: number;
}

/**
 * Smallest converted budget accepted: one TPU-v4 core hour. Smaller budgets are almost surely a unit mistake (a
 * budget in core hours typed as chip days, or FLOPs typed as PFLOPs); the paper's smallest run is 400 core hours.
 */
export const MIN_BUDGET_TPU_V4_CORE_HOURS = 1;

/**
 * Largest amount accepted in any unit: 1e30. The converted budget is held to MAX_BUDGET_TPU_V4_CORE_HOURS anyway (1e9
 * core hours is about 2e26 training FLOPs); this bounds the number itself, before any unit scales it.
 */
export const MAX_BUDGET_AMOUNT = 1e30;
/** Largest GPU peak accepted, TFLOP/s: 1e6, over 400 times the fastest listed GPU (B200, 2,250 dense bf16). */
export const MAX_PEAK_TFLOPS = 1e6;
/**
 * Largest converted budget accepted: 1e9 TPU-v4 core hours, about 9,000 times the paper's largest run (110k) and
 * beyond any plausible training run; above it every extrapolation of the paper's laws is meaningless.
 */
export const MAX_BUDGET_TPU_V4_CORE_HOURS = 1e9;

const TPU_V4_CORES_PER_CHIP = FACTS.tpuV4CoresPerChip.value;

const VIT_TEXT = (
  [
    ['ViT-g/14', FACTS.vitG14TpuV4CoreHours, FACTS.vitG14TpuV3CoreHours],
    ['ViT-G/14', FACTS.vitBigG14TpuV4CoreHours, FACTS.vitBigG14TpuV3CoreHours],
    ['SoViT-400m/14', FACTS.soVit400mTpuV4CoreHours, FACTS.soVit400mTpuV3CoreHours],
  ] as const
)
  .map(([name, v4, v3]) => `${name} (${formatNumber(v4.value)} / ${formatNumber(v3.value)})`)
  .join(', ');

const GPU_CAVEAT =
  'Caveat: the paper notes that NFNets were tuned for TPU-v4 and are less efficient on other devices, so a GPU will ' +
  'likely sustain a lower fraction of its peak than this assumes; set budget.utilization if you have measured it.';

/**
 * Converts a budget to TPU-v4 core hours:
 * - tpu_v4_core_hours: as given.
 * - tpu_v4_chip_hours: x 2 cores per chip (FACTS.tpuV4CoresPerChip).
 * - tpu_v3_core_hours: x 0.566 on the paper's own conversions (default 'vit': 210k v3 -> 120k v4 for ViT-g/14,
 *   500k -> 280k for ViT-G/14, 230k -> 130k for SoViT-400m/14), or x 0.44 on the NFNet-F7+ basis (opt-in).
 * - flops: / (familyAchievedTflopsPerCore x 1e12 x 3600), the training FLOPs a TPU-v4 core delivers per hour at
 *   the NFNet family's measured throughput (cost model, from Figure 2).
 * - gpu_hours: one GPU hour delivers peak x utilization x 3600 TFLOP, worth that over familyAchievedTflopsPerCore x
 *   3600 TFLOP per core hour, i.e. x peak x utilization / familyAchievedTflopsPerCore. At the default utilization
 *   (the family's own, the same on both sides) this is peak / 137.5, the ratio of peak throughputs.
 *
 * Throws PlannerInputError naming the field for an unknown unit or accelerator, an amount that is not a finite
 * positive number, a utilization outside (0, 1], a non-positive peak, a gpu budget with neither or both of
 * accelerator and peakTflops (both is ambiguous: refusing is safer than silently preferring one), an option given
 * for a unit it does not apply to (it would otherwise be silently ignored), and a converted budget outside
 * [MIN_BUDGET_TPU_V4_CORE_HOURS, MAX_BUDGET_TPU_V4_CORE_HOURS].
 */
export function toTpuV4CoreHours(budget: BudgetInput, costModel: CostModel): ConvertedBudget {
  if (typeof budget !== 'object' || budget === null)
    throw new PlannerInputError('budget', 'budget must be an object with an amount and a unit');
  const unit: unknown = budget.unit;
  if (typeof unit !== 'string' || !(BUDGET_UNITS as readonly string[]).includes(unit))
    throw new PlannerInputError(
      'budget.unit',
      `budget.unit must be one of ${BUDGET_UNITS.join(', ')}; got ${JSON.stringify(unit)}`,
    );
  const amount: unknown = budget.amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0 || amount > MAX_BUDGET_AMOUNT)
    throw new PlannerInputError(
      'budget.amount',
      `budget.amount must be a finite number greater than zero and at most ${MAX_BUDGET_AMOUNT}; got ${describe(amount)}`,
    );
  rejectInapplicable(budget, unit as BudgetUnit);

  const { perUnit, basis, trainingFlopsPerUnit } = rememberedConversion(
    budget,
    unit as BudgetUnit,
    costModel,
  );
  const tpuV4CoreHours = amount * perUnit;
  if (!Number.isFinite(tpuV4CoreHours) || tpuV4CoreHours > MAX_BUDGET_TPU_V4_CORE_HOURS)
    throw new PlannerInputError(
      'budget.amount',
      `budget.amount of ${amount} ${unit} is ${formatNumber(tpuV4CoreHours)} TPU-v4 core hours, more than the ` +
        `largest budget the planner accepts (${formatNumber(MAX_BUDGET_TPU_V4_CORE_HOURS)}; the paper's largest ` +
        `run was ${formatNumber(FACTS.budgetMaxTpuV4CoreHours.value)})`,
    );
  if (tpuV4CoreHours < MIN_BUDGET_TPU_V4_CORE_HOURS)
    throw new PlannerInputError(
      'budget.amount',
      `budget.amount of ${amount} ${unit} is ${formatNumber(tpuV4CoreHours)} TPU-v4 core hours, less than the ` +
        `smallest budget the planner accepts (${MIN_BUDGET_TPU_V4_CORE_HOURS}; the paper's smallest run was ` +
        `${formatNumber(FACTS.budgetMinTpuV4CoreHours.value)}); check the unit`,
    );
  return {
    tpuV4CoreHours,
    requested: echo(budget),
    basis,
    tpuV4CoreHoursPerUnit: perUnit,
    ...(trainingFlopsPerUnit !== undefined && { trainingFlops: amount * trainingFlopsPerUnit }),
  };
}

interface Conversion {
  readonly perUnit: number;
  readonly basis: string;
  /** Units spent in FLOPs: training FLOPs per unit. */
  readonly trainingFlopsPerUnit?: number;
}

/**
 * A conversion depends only on the cost model, the unit and the unit's options, and its basis is a long text with
 * formatted numbers: each is built once and its text reused, not rebuilt (and re-flattened by the serializer) for
 * every plan. At most CONVERSIONS_REMEMBERED per cost model, so a client varying peakTflops cannot grow it without
 * bound. An invalid option throws before anything is remembered.
 */
const CONVERSIONS_REMEMBERED = 1024;
const conversions = new WeakMap<CostModel, Map<string, Conversion>>();

function rememberedConversion(budget: BudgetInput, unit: BudgetUnit, costModel: CostModel): Conversion {
  let remembered = conversions.get(costModel);
  if (remembered === undefined) {
    remembered = new Map();
    conversions.set(costModel, remembered);
  }
  // Typed, so that no invalid option (the string "100", NaN) shares a key with a valid one and skips its check.
  const key = [unit, budget.tpuV3Basis, budget.accelerator, budget.peakTflops, budget.utilization]
    .map((value) => `${typeof value}:${String(value)}`)
    .join('|');
  let found = remembered.get(key);
  if (found === undefined) {
    found = conversion(budget, unit, costModel);
    if (remembered.size >= CONVERSIONS_REMEMBERED) remembered.clear();
    remembered.set(key, found);
  }
  return found;
}

function conversion(budget: BudgetInput, unit: BudgetUnit, costModel: CostModel): Conversion {
  const familyTflops = costModel.familyAchievedTflopsPerCore;
  const familyText =
    `${formatNumber(familyTflops)} TFLOP/s of training compute per TPU-v4 core, the NFNet family's measured ` +
    `throughput (${formatPercent(costModel.familyUtilization)} of the ${TPU_V4_PEAK_TFLOPS_PER_CORE} TFLOP/s bf16 ` +
    'peak; geometric mean over the six variants trained in the paper, from Figure 2 costs and 3 x forward FLOPs ' +
    'per image)';
  switch (unit) {
    case 'tpu_v4_core_hours':
      return { perUnit: 1, basis: 'TPU-v4 core hours, used as given.' };
    case 'tpu_v4_chip_hours':
      return {
        perUnit: TPU_V4_CORES_PER_CHIP,
        basis: `1 TPU-v4 chip hour = ${TPU_V4_CORES_PER_CHIP} TPU-v4 core hours (${TPU_V4_CORES_PER_CHIP} TensorCores per chip, ${FACTS.tpuV4CoresPerChip.source}).`,
      };
    case 'tpu_v3_core_hours': {
      const tpuV3Basis = budget.tpuV3Basis === undefined ? 'vit' : budget.tpuV3Basis;
      if (!isTpuV3Basis(tpuV3Basis))
        throw new PlannerInputError(
          'budget.tpuV3Basis',
          `budget.tpuV3Basis must be one of ${TPU_V3_BASES.join(', ')}; got ${JSON.stringify(tpuV3Basis)}`,
        );
      const perUnit = TPU_V4_CORE_HOURS_PER_TPU_V3_CORE_HOUR[tpuV3Basis];
      const basis =
        tpuV3Basis === 'vit'
          ? `1 TPU-v3 core hour = ${formatNumber(perUnit)} TPU-v4 core hours: the mean of the paper's own TPU-v3 to ` +
            `TPU-v4 conversions, ${VIT_TEXT} (TPU-v4 / TPU-v3 core hours; ${FACTS.vitG14TpuV4CoreHours.source}), ` +
            'measured by running the original code on TPU-v4.'
          : `1 TPU-v3 core hour = ${formatNumber(perUnit)} TPU-v4 core hours (opt-in NFNet-F7+ basis): the paper's ` +
            `F7+ pre-training run cost ${formatNumber(FACTS.f7PlusPretrainTpuV4CoreHours.value)} TPU-v4 core hours ` +
            `(${FACTS.f7PlusPretrainTpuV4CoreHours.source}), which it puts at ` +
            `${formatNumber(FACTS.f7PlusPretrainTpuV3CoreHours.value)} TPU-v3 core hours (printed as "250", the k ` +
            `implied; ${FACTS.f7PlusPretrainTpuV3CoreHours.source}). The paper does not state how it derived that ` +
            `estimate; its measured conversions (the default, vit) give ${formatNumber(TPU_V4_CORE_HOURS_PER_TPU_V3_CORE_HOUR.vit)}.`;
      return { perUnit, basis };
    }
    case 'flops': {
      const flopsPerCoreHour = familyTflops * FLOPS_PER_TFLOP * SECONDS_PER_HOUR;
      return {
        perUnit: 1 / flopsPerCoreHour,
        trainingFlopsPerUnit: 1,
        basis:
          "Training FLOPs, spent as 3 x forward FLOPs per image x images seen at each model's own FLOPs per image; " +
          `the TPU-v4 equivalent is FLOPs / ${formatNumber(flopsPerCoreHour)} FLOPs per TPU-v4 core hour, at ${familyText}.`,
      };
    }
    case 'gpu_hours':
      return gpuConversion(budget, costModel, familyText);
  }
}

function gpuConversion(budget: BudgetInput, costModel: CostModel, familyText: string): Conversion {
  const { accelerator, peakTflops, utilization } = budget;
  if (accelerator === undefined && peakTflops === undefined)
    throw new PlannerInputError(
      'budget.accelerator',
      `gpu_hours needs the GPU: set budget.accelerator to one of ${GPU_ACCELERATORS.join(', ')}, or budget.peakTflops to its dense bf16 peak in TFLOP/s`,
    );
  if (accelerator !== undefined && peakTflops !== undefined)
    throw new PlannerInputError(
      'budget.peakTflops',
      'give either budget.accelerator or budget.peakTflops, not both: they could disagree about the GPU',
    );
  let peak: number;
  let gpuText: string;
  if (accelerator !== undefined) {
    if (!isGpuAccelerator(accelerator))
      throw new PlannerInputError(
        'budget.accelerator',
        `budget.accelerator must be one of ${GPU_ACCELERATORS.join(', ')}; got ${JSON.stringify(accelerator)} (for another GPU, give budget.peakTflops instead)`,
      );
    const { label, fact } = GPU_PEAK[accelerator];
    peak = fact.value;
    gpuText = `${label} (${peak} TFLOP/s dense bf16 peak, ${fact.source})`;
  } else {
    if (
      typeof peakTflops !== 'number' ||
      !Number.isFinite(peakTflops) ||
      peakTflops <= 0 ||
      peakTflops > MAX_PEAK_TFLOPS
    )
      throw new PlannerInputError(
        'budget.peakTflops',
        `budget.peakTflops must be a number of TFLOP/s greater than zero and at most ${MAX_PEAK_TFLOPS}; got ${describe(peakTflops)}`,
      );
    peak = peakTflops;
    gpuText = `GPU with a stated ${formatNumber(peak)} TFLOP/s peak`;
  }
  if (
    utilization !== undefined &&
    (typeof utilization !== 'number' ||
      !Number.isFinite(utilization) ||
      utilization < MIN_UTILIZATION ||
      utilization > MAX_UTILIZATION)
  )
    throw new PlannerInputError(
      'budget.utilization',
      `budget.utilization is the fraction of peak the GPU sustains and must be from ${MIN_UTILIZATION} to ${MAX_UTILIZATION}; got ${describe(utilization)}`,
    );
  const u = utilization ?? costModel.familyUtilization;
  const uText =
    utilization === undefined
      ? `${formatPercent(u)} utilization (default: the NFNet family's measured TPU-v4 utilization)`
      : `${formatPercent(u)} utilization (as given)`;
  const perUnit = (peak * u) / costModel.familyAchievedTflopsPerCore;
  return {
    perUnit,
    trainingFlopsPerUnit: peak * u * SECONDS_PER_HOUR * FLOPS_PER_TFLOP,
    basis:
      `1 GPU hour = ${formatNumber(peak * u * SECONDS_PER_HOUR)} TFLOP of training compute: one ${gpuText} at ` +
      `${uText}, spent as 3 x forward FLOPs per image x images seen at each model's own FLOPs per image; its TPU-v4 ` +
      `equivalent is ${formatNumber(perUnit)} core hours at ${familyText}. ${GPU_CAVEAT}`,
  };
}

/** Options that only some units use; one given with another unit is most likely a mistake in the unit. */
const UNIT_OPTIONS: Readonly<
  Record<'accelerator' | 'peakTflops' | 'utilization' | 'tpuV3Basis', BudgetUnit>
> = {
  accelerator: 'gpu_hours',
  peakTflops: 'gpu_hours',
  utilization: 'gpu_hours',
  tpuV3Basis: 'tpu_v3_core_hours',
};

const UNIT_OPTION_ENTRIES = Object.entries(UNIT_OPTIONS);

function rejectInapplicable(budget: BudgetInput, unit: BudgetUnit): void {
  for (const [option, appliesTo] of UNIT_OPTION_ENTRIES) {
    if (budget[option as keyof typeof UNIT_OPTIONS] !== undefined && unit !== appliesTo)
      throw new PlannerInputError(
        `budget.${option}`,
        `budget.${option} applies only to unit ${appliesTo}, but budget.unit is ${unit}; remove it or change the unit`,
      );
  }
}

/** The request as understood, without any extra properties the caller's object carried. */
function echo(budget: BudgetInput): BudgetInput {
  const { amount, unit, accelerator, peakTflops, utilization, tpuV3Basis } = budget;
  return {
    amount,
    unit,
    ...(accelerator !== undefined && { accelerator }),
    ...(peakTflops !== undefined && { peakTflops }),
    ...(utilization !== undefined && { utilization }),
    ...(tpuV3Basis !== undefined && { tpuV3Basis }),
  };
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e6 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}
