/**
 * `scaleplan fit` as a table: the surface's coefficients (with the bootstrap's 95 % intervals when asked for), how well
 * it fits, the allocation it implies and under which cost law, the rollout check, the warnings, and how to plan with
 * the law it returns.
 */
import type { PercentileInterval } from '../core/fits/bootstrap.js';
import type { RunsFit } from '../core/fits/fitRuns.js';
import { formatCoefficient, formatCount, formatPercent, formatQuantity } from './format.js';
import { renderPairs, renderTable, section } from './table.js';

const COEFFICIENTS = ['E', 'A', 'B', 'alpha', 'beta'] as const;
const EXPONENTS = [
  ['flopsPerImage', 'FLOPs per image'],
  ['costPerEpoch', 'cost per epoch'],
  ['epochs', 'epochs'],
] as const;

const range = (interval: PercentileInterval | undefined, format: (value: number) => string) =>
  interval === undefined ? '' : `${format(interval.lower)} to ${format(interval.upper)}`;

export function renderFit(fit: RunsFit): string {
  const { bootstrap, quality, rollout } = fit;
  const level = bootstrap === undefined ? undefined : `${formatPercent(bootstrap.level * 100)} % interval`;
  const coefficients = section(
    `Fitted surface: ${fit.formula}`,
    renderTable(
      ['Coefficient', 'Value', ...(level === undefined ? [] : [level])],
      COEFFICIENTS.map((name) => [
        name,
        formatCoefficient(fit.coefficients[name]),
        ...(bootstrap === undefined ? [] : [range(bootstrap.coefficients[name], formatCoefficient)]),
      ]),
      ['left', 'right', 'right'],
      2,
    ),
  );
  const fitQuality = section(
    'Fit quality',
    renderPairs([
      ['Runs', formatCount(quality.n)],
      ['Relative RMSE', `${formatQuantity(quality.rmseRelative * 100)} %`],
      ['Largest relative error', `${formatQuantity(quality.maxRelativeError * 100)} %`],
      ['R^2 (log loss)', formatQuantity(quality.r2Log)],
    ]),
  );
  const exponentIntervals = bootstrap?.allocationExponents ?? undefined;
  const allocation = section(
    `Compute-optimal allocation: each grows as C^exponent (${fit.allocation.costLaw.description})`,
    renderTable(
      ['Quantity', 'Exponent', ...(level === undefined ? [] : [level])],
      EXPONENTS.map(([key, label]) => [
        label,
        formatQuantity(fit.allocation.exponents[key]),
        ...(bootstrap === undefined
          ? []
          : [
              exponentIntervals === undefined
                ? 'none (no resample had both exponents above 0)'
                : range(exponentIntervals[key], formatQuantity),
            ]),
      ]),
      ['left', 'right', 'right'],
      2,
    ),
  );
  const parts = [coefficients, fitQuality, allocation];
  if (bootstrap !== undefined) parts.push(section('Bootstrap', `  ${bootstrap.method}`));
  if (rollout !== undefined)
    parts.push(
      section(
        'Rollout check (the largest model size held out)',
        renderPairs([
          [
            'Held out',
            `${formatCoefficient(rollout.heldOutFlopsPerImage)} FLOPs per image, ${rollout.runsHeldOut} runs`,
          ],
          ['Relative RMSE', `${formatQuantity(rollout.rmseRelative * 100)} %`],
          ['Largest relative error', `${formatQuantity(rollout.maxRelativeError * 100)} %`],
          ['How', rollout.source],
        ]),
      ),
    );
  if (fit.warnings.length > 0)
    parts.push(section('Warnings', fit.warnings.map((w) => `  ${w.code}: ${w.message}`).join('\n')));
  parts.push(
    section(
      'Plan with this law',
      `  ${fit.law.ensemble === undefined ? 'Point predictions only (see the warnings).' : `With intervals: its ensemble holds ${fit.law.ensemble.leaveOneModelOut.length} fits, one without each model size.`}\n` +
        '  Save the JSON (--json > fit.json) and pass it to plan, target or evaluate as --law fit.json.',
    ),
  );
  parts.push(section('Source', `  ${fit.provenance}`));
  return parts.join('\n\n');
}
