/**
 * The ideal allocation of a plan: the epochs, cost per epoch and model size a strategy would choose if any model size
 * could be trained (the paper's equal-rate rule, or the fitted laws' continuous optimum), and its interval over the
 * ensemble of the laws. The variants the planner can train are then judged against it (pick.ts).
 */
import { FACTS } from '../dataset/facts.js';
import {
  type CostPowerLaw,
  EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS,
  EQUAL_RATE_EXPONENT,
  EQUAL_RATE_SOURCE,
  fittedAllocation,
  optimalLogFlopsPerImage,
} from '../laws/allocation.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import {
  type AllocationIntervals,
  allocationIntervals,
  optimumLines,
} from '../uncertainty/allocationIntervals.js';
import type { Interval } from '../uncertainty/interval.js';
import type { PlannerUncertainty } from '../uncertainty/plannerUncertainty.js';
import type { LossSurface, PlannerContext } from './context.js';
import type { NormalizedRequest, Objective, Strategy } from './request.js';

/** The allocation a strategy would make if any model size could be trained, within the request's epoch bounds. */
export interface IdealAllocation extends Partial<AllocationIntervals> {
  readonly epochs: number;
  /** One epoch of the request's dataset for the ideal model. */
  readonly costPerEpochTpuV4CoreHours: number;
  readonly flopsPerImage: number;
  readonly source: string;
}

export interface EpochWindow {
  readonly minEpochs: number;
  readonly maxEpochs: number;
}

function clamp(x: number, window: EpochWindow): number {
  return Math.min(Math.max(x, window.minEpochs), window.maxEpochs);
}

/**
 * The allocation of a strategy for an objective at C TPU-v4 core hours, over a dataset of `datasetImages`, with the
 * epochs held inside the request's bounds (along the budget line the objective is convex in log F, so the bounded
 * optimum is the bound):
 * - equal_rate: the paper's rule, epochs = (C / 5000)^0.5 JFT-4B epochs (stated), size = the budget over them; for
 *   imagenet_top1 the size is tilted by the fine-tuning law's preference, F*_finetune / F*_jft of the fitted laws'
 *   continuous optima at C (the paper: "fine-tuning favoured slightly larger models and slightly smaller epoch
 *   budgets"), and the epochs follow from the budget.
 * - fitted: the continuous optimum of the JFT loss surface (or the fine-tuning law) under the cost law, closed form.
 * FLOPs per image come from the cost law's mid-line k = c F^g (the ideal model belongs to neither width family).
 */
export function idealAllocation(
  context: PlannerContext,
  surface: LossSurface,
  strategy: Strategy,
  objective: Objective,
  tpuV4CoreHours: number,
  datasetImages: number,
  window: EpochWindow = { minEpochs: 0, maxEpochs: Number.POSITIVE_INFINITY },
): IdealAllocation {
  const size = idealSize(context, surface, strategy, objective, tpuV4CoreHours, datasetImages, window);
  const bounds =
    window.minEpochs > 0 || Number.isFinite(window.maxEpochs) ? ', within the epoch constraints' : '';
  const lawId = objective === 'imagenet_top1' ? context.laws.finetune.id : surface.id;
  const source =
    strategy === 'fitted'
      ? `fitted: continuous optimum of ${lawId} under the cost law (closed form)${bounds}`
      : objective === 'jft_loss'
        ? bounds === ''
          ? EQUAL_RATE_IDEAL_SOURCE
          : `${EQUAL_RATE_RULE}${bounds}; FLOPs per image from the cost law's mid-line`
        : `${EQUAL_RATE_RULE}, with the size tilted x${finetuneSizeTilt(context, surface.coefficients, tpuV4CoreHours).toPrecision(3)} by the fine-tuning preference (the ratio of the fitted fine-tuning and JFT-loss optima at this budget)${bounds}`;
  return { ...size, source };
}

const EQUAL_RATE_RULE = `stated rule: epochs = (C / ${EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS})^${EQUAL_RATE_EXPONENT} over JFT-4B (${EQUAL_RATE_SOURCE})`;
/** The most common ideal's source, built once rather than per plan. */
const EQUAL_RATE_IDEAL_SOURCE = `${EQUAL_RATE_RULE}; FLOPs per image from the cost law's mid-line`;

interface IdealSize {
  readonly epochs: number;
  readonly costPerEpochTpuV4CoreHours: number;
  readonly flopsPerImage: number;
}

/** idealAllocation's numbers without its source text: what the pickers evaluate at many budgets. */
export function idealSize(
  context: PlannerContext,
  surface: LossSurface,
  strategy: Strategy,
  objective: Objective,
  tpuV4CoreHours: number,
  datasetImages: number,
  window: EpochWindow,
): IdealSize {
  const share = datasetImages / FACTS.jftImages.value;
  const costLaw = context.laws.costModel.flopsPowerLaw;
  if (strategy === 'equal_rate') {
    // Images seen are what the rule allocates; over a smaller dataset the same images are more epochs.
    const ruleEpochs = (tpuV4CoreHours / EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS) ** EQUAL_RATE_EXPONENT / share;
    const rule = allocationAtEpochs(costLaw, tpuV4CoreHours, share, clamp(ruleEpochs, window));
    if (objective === 'jft_loss') return rule;
    const tilt = finetuneSizeTilt(context, surface.coefficients, tpuV4CoreHours);
    return allocationAtFlops(costLaw, tpuV4CoreHours, share, window, rule.flopsPerImage * tilt);
  }
  const law = objective === 'imagenet_top1' ? context.laws.finetune.coefficients : surface.coefficients;
  const optimum = fittedAllocation(law, costLaw, tpuV4CoreHours, datasetImages);
  return allocationAtFlops(costLaw, tpuV4CoreHours, share, window, optimum.flopsPerImage);
}

/** The budget spread over `epochs`: each epoch's cost, and the FLOPs per image the mid-line gives that cost. */
function allocationAtEpochs(costLaw: CostPowerLaw, tpuV4CoreHours: number, share: number, epochs: number) {
  const costPerEpochTpuV4CoreHours = tpuV4CoreHours / epochs;
  const flopsPerImage = (costPerEpochTpuV4CoreHours / share / costLaw.coefficient) ** (1 / costLaw.exponent);
  return { epochs, costPerEpochTpuV4CoreHours, flopsPerImage };
}

/** The epochs a model of `flops` affords on the budget line, held in the window, then allocationAtEpochs. */
function allocationAtFlops(
  costLaw: CostPowerLaw,
  tpuV4CoreHours: number,
  share: number,
  window: EpochWindow,
  flops: number,
) {
  const epochs = clamp(tpuV4CoreHours / (costLaw.coefficient * flops ** costLaw.exponent * share), window);
  return allocationAtEpochs(costLaw, tpuV4CoreHours, share, epochs);
}

/** F*_finetune(C) / F*_jft(C): how much larger the fine-tuning law's compute-optimal model is than the loss law's. */
function finetuneSizeTilt(
  context: PlannerContext,
  jftLoss: SurfaceCoefficients,
  tpuV4CoreHours: number,
): number {
  const costLaw = context.laws.costModel.flopsPowerLaw;
  return (
    Math.exp(optimalLogFlopsPerImage(context.laws.finetune.coefficients, costLaw, tpuV4CoreHours)) /
    Math.exp(optimalLogFlopsPerImage(jftLoss, costLaw, tpuV4CoreHours))
  );
}

/**
 * The ideal's intervals from the ensemble: fitted, each member's compute-optimal size (its own surface's closed form);
 * equal_rate for imagenet_top1, the rule's size tilted by each member's fine-tuning to loss optimum ratio; equal_rate
 * for jft_loss is the stated rule, with no fit in it, so its interval is the point.
 */
export function idealIntervals(
  context: PlannerContext,
  uncertainty: PlannerUncertainty,
  surface: LossSurface,
  strategy: Strategy,
  objective: Objective,
  tpuV4CoreHours: number,
  request: NormalizedRequest,
  point: IdealAllocation,
): AllocationIntervals | undefined {
  if (strategy === 'equal_rate' && objective === 'jft_loss')
    return {
      epochsInterval: { lower: point.epochs, upper: point.epochs },
      costPerEpochTpuV4CoreHoursInterval: {
        lower: point.costPerEpochTpuV4CoreHours,
        upper: point.costPerEpochTpuV4CoreHours,
      },
      flopsPerImageInterval: { lower: point.flopsPerImage, upper: point.flopsPerImage },
    };
  const lnC = Math.log(tpuV4CoreHours);
  const costLaw = context.laws.costModel.flopsPowerLaw;
  const own = surface.ensemble;
  const { finetune } = uncertainty.optimum;
  const jftLoss = own === undefined ? uncertainty.optimum.jftLoss : optimumLines(own, own.fits, costLaw);
  const share = request.datasetImages / FACTS.jftImages.value;
  const M = uncertainty.grid.members;
  const lnFlops = new Float64Array(M);
  if (strategy === 'fitted') {
    const lines = objective === 'jft_loss' ? jftLoss : finetune;
    for (let m = 0; m < M; m++)
      lnFlops[m] = (lines.intercept[m] as number) + (lines.slope[m] as number) * lnC;
  } else {
    const ruleEpochs = (tpuV4CoreHours / EQUAL_RATE_ANCHOR_TPU_V4_CORE_HOURS) ** EQUAL_RATE_EXPONENT / share;
    const lnRule = Math.log(
      allocationAtEpochs(costLaw, tpuV4CoreHours, share, clamp(ruleEpochs, request)).flopsPerImage,
    );
    for (let m = 0; m < M; m++)
      lnFlops[m] =
        lnRule +
        (finetune.intercept[m] as number) +
        (finetune.slope[m] as number) * lnC -
        (jftLoss.intercept[m] as number) -
        (jftLoss.slope[m] as number) * lnC;
  }
  const intervals = allocationIntervals(
    lnFlops,
    costLaw,
    tpuV4CoreHours,
    share,
    request,
    request.intervalLevel,
    point,
  );
  // A caller's law may have fits with no finite optimum here (coefficients at the edges of what is accepted): then
  // the ideal has no interval rather than an infinite one.
  const ends = Object.values(intervals).flatMap((i: Interval) => [i.lower, i.upper]);
  return ends.every((x) => Number.isFinite(x) && x > 0) ? intervals : undefined;
}
