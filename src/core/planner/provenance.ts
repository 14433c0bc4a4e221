import { FACTS } from '../dataset/facts.js';
import type { LossSurface, ModelEntry, PlannerContext } from './context.js';

export const PAPER_CITATION =
  'Smith, Brock, Berrada & De (2023), "ConvNets Match Vision Transformers at Scale", arXiv 2310.16764';

/** Where each number of a training configuration comes from: digitized data, a stated fact, or a fitted law's id. */
export interface ConfigurationProvenance {
  readonly costPerEpoch: string;
  readonly jftValidationLoss: string;
  readonly imagenetTop1Percent: string;
  readonly learningRate: string;
  readonly finetuneCost: string;
  /** Which JFT-4B loss law produced the predictions (and, for the fitted strategy, the choice). */
  readonly lossLawId: string;
}

export function configurationProvenance(
  context: PlannerContext,
  surface: LossSurface,
  costSource: ModelEntry['costSource'],
): ConfigurationProvenance {
  const { costModel, finetune, learningRate } = context.laws;
  const costLaw = costModel.flopsPowerLaw;
  return {
    costPerEpoch:
      costSource === 'digitized'
        ? "digitized: geometric mean of core hours / epochs over the variant's Figure 2 points"
        : `interpolated: cost per epoch = ${costLaw.coefficient.toPrecision(4)} x FLOPs^${costLaw.exponent.toFixed(4)}, fitted in log space on the six trained variants (Figure 2)`,
    jftValidationLoss: `fitted law ${surface.id}: ${surface.provenance}`,
    imagenetTop1Percent: `fitted law ${finetune.id}: ${finetune.provenance}`,
    learningRate: `fitted law ${learningRate.id}: ${learningRate.provenance}; snapped to the stated factor-2 grid`,
    finetuneCost: `stated: ${FACTS.finetuneTpuV4CoreHoursF7Plus.value} core hours for F7+ (${FACTS.finetuneTpuV4CoreHoursF7Plus.source}), scaled by forward FLOPs per image at ${FACTS.finetuneResolution.value} px`,
    lossLawId: surface.id,
  };
}
