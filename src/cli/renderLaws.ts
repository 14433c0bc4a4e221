/**
 * `scaleplan laws` as tables: each fitted law with its form, coefficients and fit quality, then the allocation
 * exponents of every strategy side by side (what GET /v1/laws serves, for reading).
 */
import type { LawsReport, SurfaceLawReport } from '../core/laws/report.js';
import { formatCoreHours } from '../core/units/formatCoreHours.js';
import { formatCoefficient, formatPercent } from './format.js';
import { renderPairs, renderTable, section } from './table.js';

const percent = (fraction: number) => `${formatPercent(fraction * 100)} %`;

/** "name = value" for each coefficient of a law (every field of these objects is a number). */
function coefficients(values: object): string {
  return (Object.entries(values) as [string, number][])
    .map(([name, value]) => `${name} = ${formatCoefficient(value)}`)
    .join(', ');
}

/** Every candidate form with its in-sample and out-of-sample errors, the winner marked. */
function selectionTable(law: SurfaceLawReport): string {
  return section(
    `  Candidates (${law.selection.rule}; rollout: fit without ${law.selection.rolloutHeldOut}, predict it)`,
    renderTable(
      ['Candidate', 'In sample (%)', 'Leave one model out (%)', 'Rollout (%)', 'Score (%)', ''],
      law.selection.candidates.map((c) => [
        c.id,
        formatPercent(c.quality.rmseRelative * 100),
        formatPercent(c.leaveOneModelOutRmseRelative * 100),
        formatPercent(c.rolloutRmseRelative * 100),
        formatPercent(c.score * 100),
        c.selected ? 'selected' : '',
      ]),
      ['left', 'right', 'right', 'right', 'right', 'left'],
      4,
    ),
  );
}

function surfaceLaw(title: string, law: SurfaceLawReport): string {
  const block = section(
    `${title} [${law.id}]`,
    renderPairs([
      ['Form', `${law.formula} (${law.form})`],
      ['Coefficients', coefficients(law.coefficients)],
      ['Units', `F: ${law.units.flopsPerImage}; D: ${law.units.imagesSeen}; value: ${law.units.value}`],
      [
        'Fit',
        `n = ${law.quality.n}, RMS relative error ${percent(law.quality.rmseRelative)}, max ${percent(law.quality.maxRelativeError)}, R^2 (log) ${formatCoefficient(law.quality.r2Log)}`,
      ],
      ['Source', law.provenance],
    ]),
  );
  return `${block}
${selectionTable(law)}`;
}

export function renderLaws(report: LawsReport): string {
  const { costModel, jftLoss, finetune, frontier, learningRate, allocation, finetuneFinding } = report;
  const cost = section(
    `Cost per epoch [${costModel.id}]`,
    renderPairs([
      ['Form', costModel.form],
      ['Coefficients', coefficients(costModel.coefficients)],
      ['Fit', `n = ${costModel.quality.n}, R^2 (log) ${formatCoefficient(costModel.quality.r2Log)}`],
      [
        'Family',
        `${percent(costModel.familyUtilization)} of TPU-v4 peak, ${formatCoefficient(costModel.familyAchievedTflopsPerCore)} TFLOP/s per core`,
      ],
      ['Source', costModel.provenance],
    ]),
  );
  const heldOut = section(
    '  Leave one model out (fit without a variant, predict its points)',
    renderTable(
      ['Held out', 'RMS rel. error (%)', 'Max rel. error (%)'],
      jftLoss.leaveOneModelOut.map((h) => [
        h.heldOut,
        formatPercent(h.rmseRelative * 100),
        formatPercent(h.maxRelativeError * 100),
      ]),
      ['left', 'right', 'right'],
      4,
    ),
  );
  const frontierBlock = section(
    `Compute frontier [${frontier.id}]`,
    renderPairs([
      ['Form', frontier.form],
      ['Coefficients', coefficients({ a: frontier.a, b: frontier.b })],
      [
        'Fit',
        `n = ${frontier.quality.n}, R^2 (log) ${formatCoefficient(frontier.quality.r2Log)}, max ${percent(frontier.quality.maxRelativeError)}`,
      ],
      [
        'Grid',
        `${frontier.grid.points} budgets from ${formatCoreHours(frontier.grid.minTpuV4CoreHours)} to ${formatCoreHours(frontier.grid.maxTpuV4CoreHours)} TPU-v4 core hours`,
      ],
      ['Source', frontier.provenance],
    ]),
  );
  const learningRateBlock = section(
    `Learning rate [${learningRate.id}]`,
    renderPairs([
      ['Form', learningRate.form],
      ['Coefficients', coefficients(learningRate.coefficients)],
      [
        'Fit',
        `n = ${learningRate.quality.n}, ${learningRate.quality.reproducedExactly} reproduced exactly on the factor-${formatCoefficient(learningRate.gridFactor)} grid, RMS log error ${formatCoefficient(learningRate.quality.rmseLog)}`,
      ],
      ['Source', learningRate.provenance],
    ]),
  );
  const strategies = [
    ['equal rate', allocation.equalRate.exponents],
    ['fitted (JFT loss)', allocation.fitted.exponents],
    ['fitted (top-1)', allocation.fittedImagenetTop1.exponents],
    ['measured', allocation.measured.exponents],
  ] as const;
  const quantities = [
    ['FLOPs per image', 'flopsPerImage'],
    ['Cost per epoch', 'costPerEpoch'],
    ['Epochs', 'epochs'],
  ] as const;
  const allocationBlock = section(
    'Allocation exponents (each quantity grows as budget^exponent)',
    [
      renderTable(
        ['Quantity', ...strategies.map(([name]) => name)],
        quantities.map(([label, key]) => [
          label,
          ...strategies.map(([, exponents]) => formatCoefficient(exponents[key])),
        ]),
        ['left', 'right', 'right', 'right', 'right'],
      ),
      renderPairs(
        [
          ['equal rate', allocation.equalRate.source],
          ['fitted (JFT loss)', allocation.fitted.source],
          ['fitted (top-1)', allocation.fittedImagenetTop1.source],
          ['measured', allocation.measured.source],
        ],
        0,
      ),
    ].join('\n'),
  );
  // Always two entries, [first budget, last budget] of the checked grid.
  const [findingFrom, findingTo] = finetuneFinding.rangeTpuV4CoreHours as [number, number];
  const finding = section(
    'Fine-tuning finding',
    renderPairs([
      ['Statement', finetuneFinding.statement],
      [
        'Holds',
        `at ${finetuneFinding.budgetsHolding} of ${finetuneFinding.budgetsChecked} budgets from ${formatCoreHours(findingFrom)} to ${formatCoreHours(findingTo)} TPU-v4 core hours`,
      ],
    ]),
  );
  return [
    cost,
    `${surfaceLaw('JFT-4B loss surface', jftLoss)}\n${heldOut}`,
    surfaceLaw('ImageNet top-1 error after fine-tuning', finetune),
    frontierBlock,
    learningRateBlock,
    allocationBlock,
    finding,
  ].join('\n\n');
}
