import { buildCostModel, type CostModel } from '../cost/costModel.js';
import { type FinetuneLaw, fitFinetuneLaw } from './finetuneLaw.js';
import { computeFrontier, type FrontierLaw, type MeasuredAllocation, measureAllocation } from './frontier.js';
import { fitLearningRateLaw, type LearningRateLaw } from './learningRate.js';
import { fitJftLossLaw, type JftLossLaw } from './lossLaw.js';

/** Every law the planner uses, each fitted by code from the paper's digitized figures. */
export interface PaperLaws {
  /** Cost per epoch per variant (Figure 2 geometric means; power law in FLOPs for untrained variants). */
  readonly costModel: CostModel;
  /** JFT-4B loss surface L(F, D) (Figure 2). */
  readonly jftLoss: JftLossLaw;
  /** ImageNet top-1 error surface after fine-tuning (Figure 1). */
  readonly finetune: FinetuneLaw;
  /** Lower envelope of Figure 2 and L* = a C^-b. */
  readonly frontier: FrontierLaw;
  /** Allocation exponents measured on the envelope (Hoffmann et al. approach 1). */
  readonly measuredAllocation: MeasuredAllocation;
  /** Optimal learning rate against epochs and model size (Figure 3). */
  readonly learningRate: LearningRateLaw;
}

/**
 * Fits every law from the shipped dataset. Pure and deterministic (same data, same coefficients); it takes tens of
 * milliseconds (bench/fit-laws.ts), so the service and the CLI call it once at start-up and share the result.
 */
export function fitPaperLaws(): PaperLaws {
  const frontier = computeFrontier();
  return {
    costModel: buildCostModel(),
    jftLoss: fitJftLossLaw(),
    finetune: fitFinetuneLaw(),
    frontier,
    measuredAllocation: measureAllocation(frontier),
    learningRate: fitLearningRateLaw(),
  };
}
