/**
 * `scaleplan plan` as a table: the budget and its conversion, the strategy's ideal allocation, the recommended run,
 * the alternatives side by side, and the warnings.
 */
import type { Plan } from '../core/planner/plan.js';
import { formatCoreHours } from '../core/units/formatCoreHours.js';
import { formatCount, formatLoss, formatPercent, formatQuantity, formatScaled } from './format.js';
import { renderConfiguration, renderWarnings } from './renderConfiguration.js';
import { renderPairs, renderTable, section } from './table.js';

export function renderPlan(plan: Plan): string {
  const devices =
    plan.hardware === undefined
      ? undefined
      : plan.hardware.accelerator === 'tpu_v4_core'
        ? `${formatCount(plan.hardware.count)} cores`
        : `${formatCount(plan.hardware.count)} x ${plan.hardware.accelerator}`;
  const { budget, ideal } = plan;
  const requested =
    budget.requested.unit === 'tpu_v4_core_hours'
      ? ''
      : ` (${formatQuantity(budget.requested.amount)} ${budget.requested.unit})`;
  const header = renderPairs(
    [
      ['Budget', `${formatCoreHours(budget.tpuV4CoreHours)} TPU-v4 core hours${requested}`],
      ['Basis', budget.basis],
      ['Objective', plan.objective],
      ['Strategy', plan.strategy],
      ...(plan.uncertainty === undefined
        ? []
        : ([
            [
              'Intervals',
              `${formatPercent(plan.uncertainty.level * 100)} %, from ${plan.uncertainty.members} refits of the laws (seed ${plan.uncertainty.seed})`,
            ],
          ] as [string, string][])),
    ],
    0,
  );
  const idealBlock = section(
    'Ideal allocation (if any model size existed)',
    renderPairs([
      [
        'Epochs',
        `${formatQuantity(ideal.epochs)}${ideal.epochsInterval ? ` (${formatQuantity(ideal.epochsInterval.lower)}-${formatQuantity(ideal.epochsInterval.upper)})` : ''}`,
      ],
      ['Cost per epoch', `${formatCoreHours(ideal.costPerEpochTpuV4CoreHours)} TPU-v4 core hours`],
      ['FLOPs per image', `${formatScaled(ideal.flopsPerImage)}FLOPs`],
      ['Source', ideal.source],
    ]),
  );
  const recommendation = section('Recommendation', renderConfiguration(plan.recommendation, devices));
  const alternatives =
    plan.alternatives.length === 0
      ? undefined
      : section(
          'Alternatives',
          renderTable(
            [
              'Reason',
              'Model',
              'Epochs',
              'Cost (TPU-v4 core h)',
              'JFT loss',
              'Top-1 (%)',
              'Pick share',
              'Strategy',
              'Objective',
            ],
            plan.alternatives.map((a) => [
              a.reason,
              a.model.name,
              formatQuantity(a.epochs),
              formatCoreHours(a.costTpuV4CoreHours),
              formatLoss(a.predicted.jftValidationLoss),
              formatPercent(a.predicted.imagenetTop1Percent),
              a.pickShare === undefined ? '' : `${formatPercent(a.pickShare * 100)} %`,
              a.strategy,
              a.objective,
            ]),
            ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
          ),
        );
  return [header, idealBlock, recommendation, alternatives, renderWarnings(plan.warnings)]
    .filter((block) => block !== undefined)
    .join('\n\n');
}
