import { countNfnet } from '../architecture/count.js';
import { NFNET_VARIANTS, type NfnetVariant } from '../architecture/variants.js';
import type { CostFamily } from '../cost/costModel.js';
import { FACTS } from '../dataset/facts.js';
import { PAPER_TRAINED_VARIANTS } from '../dataset/figures.js';
import type { PaperLaws } from '../laws/paperLaws.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import type { LawEnsemble } from '../uncertainty/lawEnsemble.js';
import { buildPlannerUncertainty, type PlannerUncertainty } from '../uncertainty/plannerUncertainty.js';
import type { SurfaceEnsemble } from '../uncertainty/surfaceMembers.js';

/** What the planner knows about one variant, computed once so that a plan costs microseconds. */
export interface ModelEntry {
  readonly name: NfnetVariant;
  /** Parameters at the pre-training setup (224 px, 30k classes). */
  readonly params: number;
  /** Forward FLOPs per image at 224 px, 30k classes: the surfaces' F. */
  readonly flopsPerImage: number;
  /** One epoch of JFT-4B, from the family cost law. */
  readonly costPerEpochTpuV4CoreHours: number;
  readonly costFamily: CostFamily;
  readonly trainedInPaper: boolean;
  /**
   * ImageNet fine-tuning cost: the stated 1.6k core hours for F7+ (384 px, 50 epochs) scaled by forward FLOPs per
   * image at 384 px and 1,000 classes, since the recipe is the same for every variant.
   */
  readonly finetuneCostTpuV4CoreHours: number;
}

/** A JFT-4B loss surface the planner predicts with: the paper's fitted one, or one the caller fitted to its runs. */
export interface LossSurface {
  readonly id: string;
  readonly coefficients: SurfaceCoefficients;
  /** Where the coefficients come from, in words. */
  readonly provenance: string;
  /** A caller's law's own ensemble, when it came with one (the paper's is the context's `uncertainty`). */
  readonly ensemble?: SurfaceEnsemble;
}

export interface PlannerContext {
  readonly laws: PaperLaws;
  /** All 16 variants, smallest (fewest forward FLOPs per image) first. */
  readonly models: readonly ModelEntry[];
  readonly byName: Readonly<Record<NfnetVariant, ModelEntry>>;
  readonly paperLossSurface: LossSurface;
  /** The ensemble of the paper's laws, when one was fitted: plans and evaluations then carry intervals. */
  readonly uncertainty?: PlannerUncertainty;
}

/**
 * Builds the planner's per-variant table from fitted laws, and with an ensemble of them (lawEnsemble.ts) the tables
 * its intervals are read from. Pure; call once and share.
 */
export function createPlannerContext(laws: PaperLaws, ensemble?: LawEnsemble): PlannerContext {
  const finetuneFlops = (variant: NfnetVariant) =>
    countNfnet(variant, FACTS.finetuneResolution.value, FACTS.imagenetClasses.value).flops;
  const f7PlusFinetuneFlops = finetuneFlops('F7+');
  const models = NFNET_VARIANTS.map((name): ModelEntry => {
    const cost = laws.costModel.byVariant[name];
    return {
      name,
      params: countNfnet(name, FACTS.pretrainResolution.value, FACTS.jftClasses.value).params,
      flopsPerImage: cost.flopsPerImage,
      costPerEpochTpuV4CoreHours: cost.costPerEpochTpuV4CoreHours,
      costFamily: cost.family,
      trainedInPaper: (PAPER_TRAINED_VARIANTS as readonly string[]).includes(name),
      finetuneCostTpuV4CoreHours:
        (FACTS.finetuneTpuV4CoreHoursF7Plus.value * finetuneFlops(name)) / f7PlusFinetuneFlops,
    };
  }).sort((a, b) => a.flopsPerImage - b.flopsPerImage);
  const byName = Object.fromEntries(models.map((m) => [m.name, m])) as Record<NfnetVariant, ModelEntry>;
  const flops = Object.fromEntries(models.map((m) => [m.name, m.flopsPerImage])) as Record<
    NfnetVariant,
    number
  >;
  return {
    laws,
    models,
    byName,
    ...(ensemble && {
      uncertainty: buildPlannerUncertainty(ensemble, flops, laws.costModel.flopsPowerLaw),
    }),
    paperLossSurface: {
      id: laws.jftLoss.id,
      coefficients: laws.jftLoss.coefficients,
      provenance: laws.jftLoss.provenance,
    },
  };
}
