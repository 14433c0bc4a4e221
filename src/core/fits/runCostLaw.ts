/**
 * The cost law the allocation exponents need, k(F) = coefficient x F^exponent TPU-v4 core hours per JFT-4B epoch:
 * the paper's (the cost model's flopsPowerLaw, fitted on Figure 2's six trained variants) or one fitted to the
 * costs the caller's runs report.
 */

import type { CostModel } from '../cost/costModel.js';
import { FACTS } from '../dataset/facts.js';
import { InfeasibleError } from '../errors.js';
import type { CostPowerLaw } from '../laws/allocation.js';
import { fitPowerLaw } from '../numeric/leastSquares.js';
import type { ResolvedRun } from './runs.js';

export interface RunsCostLaw extends CostPowerLaw {
  readonly source: 'paper_cost_model' | 'runs';
  /** Distinct model sizes the law was fitted on. */
  readonly modelSizes: number;
  /** R^2 of ln cost on ln F. */
  readonly r2Log: number;
  readonly description: string;
}

/**
 * With costs from at least two distinct model sizes: per size, the geometric mean over its runs of the cost of one
 * JFT-4B epoch, costTpuV4CoreHours x 4e9 / imagesSeen (per-image cost does not depend on run length; geometric, as
 * in the paper's cost model, because cost errors are relative), then a least-squares power law in log space.
 * Otherwise the paper's cost law. Throws InfeasibleError when the runs' costs do not grow with model size.
 */
export function runsCostLaw(
  runs: readonly ResolvedRun[],
  costModel: Pick<CostModel, 'flopsPowerLaw'>,
): RunsCostLaw {
  const logCosts = new Map<number, { sum: number; n: number }>();
  for (const run of runs) {
    if (run.costTpuV4CoreHours === undefined) continue;
    const entry = logCosts.get(run.flopsPerImage) ?? { sum: 0, n: 0 };
    entry.sum += Math.log((run.costTpuV4CoreHours * FACTS.jftImages.value) / run.imagesSeen);
    entry.n += 1;
    logCosts.set(run.flopsPerImage, entry);
  }
  if (logCosts.size < 2) {
    const paper = costModel.flopsPowerLaw;
    return {
      source: 'paper_cost_model',
      coefficient: paper.coefficient,
      exponent: paper.exponent,
      modelSizes: paper.n,
      r2Log: paper.r2Log,
      description:
        `the paper's cost law (cost per JFT-4B epoch ~ F^${paper.exponent.toFixed(3)}, fitted on Figure 2's trained variants)` +
        (logCosts.size === 1
          ? '; the runs report costs for only one model size, too few to fit their own'
          : ''),
    };
  }
  const sizes = [...logCosts.keys()];
  const fit = fitPowerLaw(
    sizes,
    sizes.map((f) => {
      const { sum, n } = logCosts.get(f) as { sum: number; n: number };
      return Math.exp(sum / n);
    }),
  );
  if (!(fit.exponent > 0 && Number.isFinite(fit.coefficient) && fit.coefficient > 0))
    throw new InfeasibleError(
      `the costs in runs do not grow with model size (cost per epoch ~ F^${fit.exponent.toPrecision(3)}), so no compute-optimal allocation exists; check costTpuV4CoreHours or leave it out to use the paper's cost law`,
      { costExponent: fit.exponent },
    );
  return {
    source: 'runs',
    coefficient: fit.coefficient,
    exponent: fit.exponent,
    modelSizes: sizes.length,
    r2Log: fit.r2Log,
    description: `fitted to the runs' costTpuV4CoreHours over ${sizes.length} model sizes (cost per JFT-4B epoch ~ F^${fit.exponent.toFixed(3)})`,
  };
}
