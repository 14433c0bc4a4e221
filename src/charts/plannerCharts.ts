/**
 * The two charts the API serves, assembled from the fitted laws and the paper's data. Pure: plain data in, an SVG
 * document out; the routes only call these.
 */
import { FACTS } from '../core/dataset/facts.js';
import { FIGURE3_OPTIMAL_LEARNING_RATE, PAPER_TRAINED_VARIANTS } from '../core/dataset/figures.js';
import { logGrid } from '../core/laws/envelope.js';
import { predictFrontierLoss } from '../core/laws/frontier.js';
import { predictLearningRate } from '../core/laws/learningRate.js';
import type { Predictions } from '../core/planner/configuration.js';
import type { PlannerContext } from '../core/planner/context.js';
import { measuredPoints } from '../core/planner/frontierSeries.js';
import { plan } from '../core/planner/plan.js';
import type { Objective, Strategy } from '../core/planner/request.js';
import { DEFAULT_INTERVAL_LEVEL } from '../core/uncertainty/intervals.js';
import { type FrontierChartInput, type FrontierChartSeries, renderFrontierChart } from './frontierChart.js';

type FrontierChartMarker = NonNullable<FrontierChartInput['marker']>;

import { renderLearningRateChart } from './learningRateChart.js';

/** Samples per fitted curve: smooth at chart size, cheap to draw. */
const CURVE_SAMPLES = 48;

export interface FrontierChartRequest {
  readonly metric: Objective;
  /** A budget (TPU-v4 core hours) whose recommended plan is marked. */
  readonly budgetTpuV4CoreHours?: number;
  readonly strategy?: Strategy;
  /** Level of the band and of the marked plan's interval (DEFAULT_INTERVAL_LEVEL when absent). */
  readonly intervalLevel?: number;
}

/**
 * Loss (Figure 2) or top-1 (Figure 1) against budget: the paper's curves, the fitted frontier (L* = a C^-b for loss;
 * for top-1, the fine-tuning law's prediction of the best variant at each budget), and the plan for a budget.
 */
export function frontierChartSvg(context: PlannerContext, request: FrontierChartRequest): string {
  const { metric } = request;
  const strategy = request.strategy ?? 'equal_rate';
  const intervalLevel = request.intervalLevel ?? DEFAULT_INTERVAL_LEVEL;
  const levelPercent = Number((intervalLevel * 100).toPrecision(3));
  const measured = measuredPoints(metric).points;
  const series: FrontierChartSeries[] = PAPER_TRAINED_VARIANTS.map((model) => ({
    name: model,
    points: measured.filter((p) => p.model === model),
  })).filter((s) => s.points.length > 0);
  const { minTpuV4CoreHours, maxTpuV4CoreHours } = context.laws.frontier.grid;
  const grid = logGrid(minTpuV4CoreHours, maxTpuV4CoreHours, CURVE_SAMPLES);
  const frontier =
    metric === 'jft_loss'
      ? {
          label: 'fitted frontier a·C^−b',
          points: grid.map((C) => ({
            tpuV4CoreHours: C,
            value: predictFrontierLoss(context.laws.frontier, C),
          })),
        }
      : {
          label: 'fine-tuning law optimum',
          points: grid.map((C) => ({
            tpuV4CoreHours: C,
            value: plan(context, {
              budget: { amount: C, unit: 'tpu_v4_core_hours' },
              strategy: 'fitted',
              objective: 'imagenet_top1',
            }).recommendation.predicted.imagenetTop1Percent,
          })),
        };
  const confidence = (q: Predictions) =>
    metric === 'jft_loss' ? q.jftValidationLossConfidenceInterval : q.imagenetTop1PercentConfidenceInterval;
  // With the laws' ensemble: the confidence band of the best plan the laws give at each budget (fitted strategy).
  const band = context.uncertainty && {
    label: `${levelPercent} % band, best plan`,
    points: grid.flatMap((C) => {
      const q = plan(context, {
        budget: { amount: C, unit: 'tpu_v4_core_hours' },
        strategy: 'fitted',
        objective: metric,
        intervalLevel,
      }).recommendation.predicted;
      const i = confidence(q);
      return i === undefined ? [] : [{ tpuV4CoreHours: C, lower: i.lower, upper: i.upper }];
    }),
  };
  let marker: FrontierChartMarker | undefined;
  if (request.budgetTpuV4CoreHours !== undefined) {
    const p = plan(context, {
      budget: { amount: request.budgetTpuV4CoreHours, unit: 'tpu_v4_core_hours' },
      strategy,
      objective: metric,
      intervalLevel,
    });
    const r = p.recommendation;
    const interval = confidence(r.predicted);
    marker = {
      label: `plan: ${r.model.name} × ${Number(r.epochs.toPrecision(3))} ep`,
      tpuV4CoreHours: p.budget.tpuV4CoreHours,
      value: metric === 'jft_loss' ? r.predicted.jftValidationLoss : r.predicted.imagenetTop1Percent,
      ...(interval && { interval: { ...interval, label: `${levelPercent} % confidence interval` } }),
    };
  }
  return renderFrontierChart({
    metric,
    series,
    frontier,
    ...(band ? { band } : {}),
    ...(marker ? { marker } : {}),
    title:
      metric === 'jft_loss'
        ? 'JFT-4B validation loss vs compute (Smith et al. 2023, Fig. 2)'
        : 'ImageNet top-1 error vs compute (Smith et al. 2023, Fig. 1)',
  });
}

/** Figure 3's optimal learning rates on the factor-2 grid, with the fitted law drawn for each of its models. */
export function learningRateChartSvg(context: PlannerContext): string {
  const law = context.laws.learningRate;
  const models = [...new Set(FIGURE3_OPTIMAL_LEARNING_RATE.map((p) => p.model))];
  const epochs = FIGURE3_OPTIMAL_LEARNING_RATE.map((p) => p.epochs);
  const epochGrid = logGrid(Math.min(...epochs), Math.max(...epochs), CURVE_SAMPLES);
  const factor = FACTS.learningRateGridFactor.value;
  // The sweep's grid values the figure shows: 1.6, 0.8, 0.4 (stated short-run optimum and factor 2).
  const gridValues = [2, 1, 0].map((k) => FACTS.shortRunLearningRate.value / factor ** k);
  return renderLearningRateChart({
    points: FIGURE3_OPTIMAL_LEARNING_RATE,
    curves: models.map((model) => ({
      model,
      points: epochGrid.map((e) => ({
        epochs: e,
        learningRate: predictLearningRate(law, context.byName[model].flopsPerImage, e),
      })),
    })),
    grid: gridValues,
    title: `Optimal learning rate (Fig. 3) and fitted law: ${law.quality.reproducedExactly}/${law.quality.n} on grid`,
  });
}
