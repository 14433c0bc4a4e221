/**
 * What a planner context carries to give intervals and pick shares: the ensemble, its predictions tabulated per
 * variant (predictionGrid.ts) and its members' compute-optimal lines (allocationIntervals.ts), built once.
 */

import type { NfnetVariant } from '../architecture/variants.js';
import type { CostPowerLaw } from '../laws/allocation.js';
import { type OptimumLines, optimumLines } from './allocationIntervals.js';
import type { LawEnsemble } from './lawEnsemble.js';
import { buildPredictionGrid, type PredictionGrid } from './predictionGrid.js';

export interface PlannerUncertainty {
  readonly ensemble: LawEnsemble;
  readonly grid: PredictionGrid;
  /** Members' ln F*(C) lines under the cost law's mid-line, for the JFT loss and the fine-tuning law. */
  readonly optimum: { readonly jftLoss: OptimumLines; readonly finetune: OptimumLines };
}

export function buildPlannerUncertainty(
  ensemble: LawEnsemble,
  flopsPerImage: Readonly<Record<NfnetVariant, number>>,
  costLaw: CostPowerLaw,
): PlannerUncertainty {
  return {
    ensemble,
    grid: buildPredictionGrid(ensemble, flopsPerImage),
    optimum: {
      jftLoss: optimumLines(ensemble, ensemble.jftLoss, costLaw),
      finetune: optimumLines(ensemble, ensemble.finetune, costLaw),
    },
  };
}
