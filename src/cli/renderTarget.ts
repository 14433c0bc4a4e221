/**
 * `scaleplan target` as a table: the target, the budget each method gives for it (the planner's search, the law in
 * closed form with its interval, the frontier power law for a loss) against the planner's, their source, and the
 * plan at the planner's budget.
 */
import type { BudgetForTarget } from '../core/targets/budgetForTarget.js';
import type { LawBudget } from '../core/targets/lawBudget.js';
import { formatCoreHours } from '../core/units/formatCoreHours.js';
import { formatLoss, formatPercent, formatQuantity } from './format.js';
import { renderPlan } from './renderPlan.js';
import { renderPairs, renderTable, section } from './table.js';

/** How the planner's search met the target, in words. */
const CROSSING: Readonly<Record<BudgetForTarget['byPlanner']['crossing'], string>> = {
  continuous: 'the prediction reaches the target exactly',
  model_switch: 'at a model switch: just below it the planner picks a model that falls short',
  smallest_budget: 'already at the smallest accepted budget',
};

export function renderTarget(result: BudgetForTarget): string {
  const { target, byLaw, byPlanner, frontierPowerLaw } = result;
  const level = byPlanner.plan.uncertainty?.level;
  const header = renderPairs(
    [
      [
        'Target',
        target.kind === 'jft_validation_loss'
          ? `JFT-4B loss at most ${formatLoss(target.jftValidationLoss)}`
          : `ImageNet top-1 at least ${formatPercent(target.imagenetTop1Percent)} %`,
      ],
      ['Objective', result.objective],
      ['Planner', `${byPlanner.plansEvaluated} plans searched; ${CROSSING[byPlanner.crossing]}`],
    ],
    0,
  );
  const lawRow = (budget: LawBudget, interval?: { lower: number; upper: number }) => [
    budget.method,
    formatCoreHours(budget.tpuV4CoreHours),
    interval === undefined ? '' : `${formatCoreHours(interval.lower)}-${formatCoreHours(interval.upper)}`,
    formatQuantity(budget.tpuV4CoreHours / byPlanner.tpuV4CoreHours),
    budget.withinFittedRange ? 'yes' : 'no (extrapolated)',
  ];
  const budgets = section(
    'Budget for the target (TPU-v4 core hours)',
    renderTable(
      [
        'Method',
        'Budget',
        level === undefined ? 'Interval' : `Interval (${formatPercent(level * 100)} %)`,
        "Over the planner's",
        'In the fitted range',
      ],
      [
        ['planner', formatCoreHours(byPlanner.tpuV4CoreHours), '', '1', ''],
        lawRow(byLaw, byLaw.tpuV4CoreHoursInterval),
        ...(frontierPowerLaw === undefined ? [] : [lawRow(frontierPowerLaw)]),
      ],
      ['left', 'right', 'right', 'right', 'left'],
      2,
    ),
  );
  return [
    header,
    budgets,
    section('Source', `  ${result.source}`),
    section("Plan at the planner's budget", renderPlan(byPlanner.plan)),
  ].join('\n\n');
}
