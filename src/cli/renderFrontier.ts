/**
 * `scaleplan frontier` as a table: one row per budget on the grid, with the fitted frontier's loss and, under each
 * strategy, the recommended model, its epochs and the objective's prediction with its confidence interval.
 */
import type { Predictions } from '../core/planner/configuration.js';
import type { FrontierSeries, StrategyPoint } from '../core/planner/frontierSeries.js';
import { formatCoreHours } from '../core/units/formatCoreHours.js';
import { formatLoss, formatPercent, formatQuantity } from './format.js';
import { renderTable, section } from './table.js';

export function renderFrontier(result: FrontierSeries): string {
  const loss = result.objective === 'jft_loss';
  const value = (p: Predictions) => {
    const point = loss ? formatLoss(p.jftValidationLoss) : formatPercent(p.imagenetTop1Percent);
    const interval = loss ? p.jftValidationLossConfidenceInterval : p.imagenetTop1PercentConfidenceInterval;
    const format = loss ? formatLoss : formatPercent;
    return interval === undefined ? point : `${point} (${format(interval.lower)}-${format(interval.upper)})`;
  };
  const strategy = (s: StrategyPoint) => [
    s.recommendation.model,
    formatQuantity(s.recommendation.epochs),
    value(s.recommendation.predicted),
  ];
  const metric = loss ? 'JFT-4B loss' : 'ImageNet top-1 %';
  const level =
    result.uncertainty === undefined ? '' : `, ${formatPercent(result.uncertainty.level * 100)} % CI`;
  const table = renderTable(
    [
      'Budget (TPU-v4 core h)',
      'Frontier JFT loss',
      'Equal-rate model',
      'Epochs',
      `${metric}${level}`,
      'Fitted model',
      'Epochs',
      `${metric}${level}`,
    ],
    result.series.map((point) => [
      formatCoreHours(point.tpuV4CoreHours),
      formatLoss(point.frontierJftValidationLoss),
      ...strategy(point.equalRate),
      ...strategy(point.fitted),
    ]),
    ['right', 'right', 'left', 'right', 'right', 'left', 'right', 'right'],
  );
  const measured = result.measured;
  return [
    section(
      `Objective: ${result.objective}; the frontier is L* = a C^-b fitted to Figure 2's best runs`,
      table,
    ),
    section(
      'Measured',
      `  ${measured.points.length} ${measured.provenance} points of the paper's ${measured.figure} (${measured.metric}): --json lists them`,
    ),
  ].join('\n\n');
}
