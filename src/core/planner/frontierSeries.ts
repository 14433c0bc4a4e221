import { FACTS } from '../dataset/facts.js';
import { FIGURE1_NFNET_IMAGENET_ERROR, FIGURE2_JFT_VALIDATION_LOSS } from '../dataset/figures.js';
import { PlannerInputError } from '../errors.js';
import { logGrid } from '../laws/envelope.js';
import { predictFrontierLoss } from '../laws/frontier.js';
import { MAX_BUDGET_TPU_V4_CORE_HOURS, MIN_BUDGET_TPU_V4_CORE_HOURS } from '../units/budget.js';
import type { Predictions } from './configuration.js';
import type { PlannerContext } from './context.js';
import { type PlanUncertainty, plan } from './plan.js';
import type { Objective, Strategy } from './request.js';

export const MAX_FRONTIER_POINTS = 200;

export interface FrontierSeriesRequest {
  readonly fromTpuV4CoreHours?: number;
  readonly toTpuV4CoreHours?: number;
  readonly points?: number;
  readonly objective?: Objective;
  /** Level of the predictions' intervals (checked as a plan's). */
  readonly intervalLevel?: number;
}

export interface StrategyPoint {
  readonly ideal: {
    readonly epochs: number;
    readonly costPerEpochTpuV4CoreHours: number;
    readonly flopsPerImage: number;
  };
  readonly recommendation: {
    readonly model: string;
    readonly epochs: number;
    readonly costPerEpochTpuV4CoreHours: number;
    readonly predicted: Predictions;
  };
}

export interface FrontierSeriesPoint {
  readonly tpuV4CoreHours: number;
  /** L* = a C^-b, the fitted compute frontier (JFT-4B loss). */
  readonly frontierJftValidationLoss: number;
  readonly equalRate: StrategyPoint;
  readonly fitted: StrategyPoint;
}

export interface MeasuredPoint {
  readonly model: string;
  readonly epochs: number;
  readonly tpuV4CoreHours: number;
  /** JFT-4B loss (Figure 2) or ImageNet top-1 % (100 - Figure 1's error), per the objective. */
  readonly value: number;
}

export interface FrontierSeries {
  /** How the predictions' intervals were made, stated once, when the laws have an ensemble. */
  readonly uncertainty?: PlanUncertainty;
  readonly objective: Objective;
  readonly series: FrontierSeriesPoint[];
  readonly measured: {
    readonly figure: 'Figure 2' | 'Figure 1';
    readonly metric: string;
    readonly provenance: 'digitized';
    readonly points: MeasuredPoint[];
  };
}

function bound(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (
    !(
      Number.isFinite(value) &&
      value >= MIN_BUDGET_TPU_V4_CORE_HOURS &&
      value <= MAX_BUDGET_TPU_V4_CORE_HOURS
    )
  )
    throw new PlannerInputError(
      field,
      `${field} must be between ${MIN_BUDGET_TPU_V4_CORE_HOURS} and ${MAX_BUDGET_TPU_V4_CORE_HOURS} TPU-v4 core hours; got ${value}`,
    );
  return value;
}

/**
 * Per budget on a log grid (default: the paper's 0.4k-110k core hours, stated), the ideal and recommended
 * configuration and predictions under both strategies, the fitted frontier, and the paper's measured points of the
 * objective's figure: what a chart of the planner needs.
 */
export function frontierSeries(context: PlannerContext, request: FrontierSeriesRequest = {}): FrontierSeries {
  const from = bound(request.fromTpuV4CoreHours, FACTS.budgetMinTpuV4CoreHours.value, 'from');
  const to = bound(request.toTpuV4CoreHours, FACTS.budgetMaxTpuV4CoreHours.value, 'to');
  if (!(to > from)) throw new PlannerInputError('to', `to (${to}) must be greater than from (${from})`);
  const points = request.points ?? 25;
  if (!(Number.isInteger(points) && points >= 2 && points <= MAX_FRONTIER_POINTS))
    throw new PlannerInputError(
      'points',
      `points must be a whole number from 2 to ${MAX_FRONTIER_POINTS}; got ${points}`,
    );
  const objective = request.objective ?? 'jft_loss';

  // Every plan of the grid states the same level and ensemble: the first one's statement is the response's.
  let uncertainty: PlanUncertainty | undefined;
  const at = (tpuV4CoreHours: number, strategy: Strategy): StrategyPoint => {
    const p = plan(context, {
      budget: { amount: tpuV4CoreHours, unit: 'tpu_v4_core_hours' },
      strategy,
      objective,
      ...(request.intervalLevel === undefined ? {} : { intervalLevel: request.intervalLevel }),
    });
    uncertainty ??= p.uncertainty;
    const r = p.recommendation;
    return {
      ideal: {
        epochs: p.ideal.epochs,
        costPerEpochTpuV4CoreHours: p.ideal.costPerEpochTpuV4CoreHours,
        flopsPerImage: p.ideal.flopsPerImage,
      },
      recommendation: {
        model: r.model.name,
        epochs: r.epochs,
        costPerEpochTpuV4CoreHours: r.model.costPerEpochTpuV4CoreHours,
        predicted: r.predicted,
      },
    };
  };
  const series = logGrid(from, to, points).map((tpuV4CoreHours) => ({
    tpuV4CoreHours,
    frontierJftValidationLoss: predictFrontierLoss(context.laws.frontier, tpuV4CoreHours),
    equalRate: at(tpuV4CoreHours, 'equal_rate'),
    fitted: at(tpuV4CoreHours, 'fitted'),
  }));

  return { ...(uncertainty && { uncertainty }), objective, series, measured: measuredPoints(objective) };
}

/** The paper's runs for an objective: Figure 2's losses, or Figure 1's top-1 (100 - digitized error). */
export function measuredPoints(objective: Objective): FrontierSeries['measured'] {
  return objective === 'jft_loss'
    ? {
        figure: 'Figure 2',
        metric: 'JFT-4B held-out validation loss',
        provenance: 'digitized',
        points: FIGURE2_JFT_VALIDATION_LOSS.map((p) => ({
          model: p.model,
          epochs: p.epochs,
          tpuV4CoreHours: p.tpuV4CoreHours,
          value: p.jftValidationLoss,
        })),
      }
    : {
        figure: 'Figure 1',
        metric: 'ImageNet top-1 after fine-tuning (%), 100 - the digitized error',
        provenance: 'digitized',
        points: FIGURE1_NFNET_IMAGENET_ERROR.map((p) => ({
          model: p.model,
          epochs: p.epochs,
          tpuV4CoreHours: p.tpuV4CoreHours,
          value: 100 - p.imagenetTop1ErrorPercent,
        })),
      };
}
