/** `scaleplan evaluate` as a table: one configuration's cost, predictions and learning rate, then its warnings. */

import type { Evaluation } from '../core/planner/evaluate.js';
import { formatCount } from './format.js';
import { renderConfiguration, renderWarnings } from './renderConfiguration.js';
import { section } from './table.js';

export function renderEvaluation(evaluation: Evaluation, cores: number | undefined): string {
  return [
    section(
      'Configuration',
      renderConfiguration(evaluation, cores === undefined ? undefined : `${formatCount(cores)} cores`),
    ),
    renderWarnings(evaluation.warnings),
  ]
    .filter((block) => block !== undefined)
    .join('\n\n');
}
