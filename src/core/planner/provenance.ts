import { FACTS } from '../dataset/facts.js';
import type { LossSurface, PlannerContext } from './context.js';

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

/**
 * The texts depend only on the fitted laws and the surface in use, so each context and surface gets them built once
 * (a caller's law brings a new surface object, and its own texts, with every request).
 */
const remembered = new WeakMap<PlannerContext, WeakMap<LossSurface, ConfigurationProvenance>>();

export function configurationProvenance(
  context: PlannerContext,
  surface: LossSurface,
): ConfigurationProvenance {
  let bySurface = remembered.get(context);
  if (bySurface === undefined) {
    bySurface = new WeakMap();
    remembered.set(context, bySurface);
  }
  let provenance = bySurface.get(surface);
  if (provenance === undefined) {
    provenance = describeProvenance(context, surface);
    bySurface.set(surface, provenance);
  }
  return provenance;
}

function describeProvenance(context: PlannerContext, surface: LossSurface): ConfigurationProvenance {
  const { costModel, finetune, learningRate } = context.laws;
  const { exponent, coefficientByFamily } = costModel.familyCostLaw;
  return {
    costPerEpoch: `fitted family cost law: cost per JFT-4B epoch = c x FLOPs^${exponent.toFixed(4)}, c = ${coefficientByFamily.deep.toPrecision(4)} for the deep variants F0-F7 and ${coefficientByFamily.wide.toPrecision(4)} for the wide F0+-F7+, least squares in log space on the six trained variants' measured costs (Figure 2, digitized), scaled to the dataset size`,
    jftValidationLoss: `fitted law ${surface.id}: ${surface.provenance}`,
    imagenetTop1Percent: `fitted law ${finetune.id}: ${finetune.provenance}`,
    learningRate: `fitted law ${learningRate.id}: ${learningRate.provenance}; snapped to the stated factor-2 grid at the paper's batch of ${FACTS.batchSize.value}, then scaled linearly to the run's batch size (Brock et al. 2021's rule, base rate 0.1 x batch / 256)`,
    finetuneCost: `stated: ${FACTS.finetuneTpuV4CoreHoursF7Plus.value} core hours for F7+ (${FACTS.finetuneTpuV4CoreHoursF7Plus.source}), scaled by forward FLOPs per image at the fine-tuning resolution, ${FACTS.finetuneResolution.value} px, and 1,000 classes`,
    lossLawId: surface.id,
  };
}
