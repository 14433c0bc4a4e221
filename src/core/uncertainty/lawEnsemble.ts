/**
 * An ensemble of the paper's laws: the JFT-4B loss surface (Figure 2), the fine-tuning law (Figure 1) and the family
 * cost law (the six measured costs), each refitted to many replicates of its data, from which every prediction gets
 * its interval and every plan the share of members under which its pick is the best.
 *
 * Resampling: the wild cluster bootstrap (Cameron, Gelbach & Miller 2008, "Bootstrap-based improvements for inference
 * with clustered errors", REStat 90(3)) with one weight per trained model, drawn from Webb's six-point distribution
 * (Webb 2023, "Reworking wild bootstrap-based inference for clustered errors", CJE 56(3): +-sqrt(1/2), +-1,
 * +-sqrt(3/2), each with probability 1/6, mean 0, variance 1). A replicate keeps every run and moves each model's
 * log residuals together: value* = fitted x exp(w_model x residual). Why: the points of one model's curve are not
 * independent (one pipeline, one learning-rate sweep; the paper names the F7+ curve's anomaly), so the model is the
 * honest unit; but there are only six, and resampling whole models with replacement would leave most replicates with
 * four or fewer distinct sizes, where the five-coefficient surface is not identified. The wild bootstrap keeps the
 * design (every size and length) and resamples the model-level errors instead; Webb's weights give 6^6 = 46,656
 * distinct replicates where Rademacher signs give 64. The same model weight moves the model's loss, fine-tuning and
 * cost residuals, so a member's three laws are a coherent alternative world.
 *
 * Each member is refitted from the law's own optimum (refitCandidate: one bounded L-BFGS run), so a member costs a
 * few milliseconds; members are independent and determined by (seed, index), so any subset can be fitted apart (in
 * slices between other work, or on another thread) and the ensemble is the same on every pod.
 */

import {
  type CostFamily,
  costFamilyOf,
  fitFamilyCostLaw,
  type MeasuredVariantCost,
} from '../cost/costModel.js';
import { FIGURE1_NFNET_IMAGENET_ERROR, FIGURE2_JFT_VALIDATION_LOSS } from '../dataset/figures.js';
import { mulberry32 } from '../fits/random.js';
import { finetuneObservations } from '../laws/finetuneLaw.js';
import { refitCandidate, type SurfaceCandidateId } from '../laws/lawSelection.js';
import { jftLossObservations } from '../laws/lossLaw.js';
import type { PaperLaws } from '../laws/paperLaws.js';
import { predictSurface, type SurfaceCoefficients, type SurfaceObservation } from '../laws/surface.js';

/** Members: the floor of 200; a 90 % interval's ends then rest on the 10th and 190th members. */
export const ENSEMBLE_MEMBERS = 200;
/** The seed: the paper's arXiv submission date, 2023-10-25. */
export const ENSEMBLE_SEED = 20_231_025;

export const ENSEMBLE_RESAMPLING =
  "wild cluster bootstrap (Cameron, Gelbach & Miller 2008): one weight per trained model from Webb's six-point distribution (Webb 2023), moving that model's log residuals of the loss, fine-tuning and cost laws together; every member refitted from the law's optimum";

const WEBB_WEIGHTS = [-Math.sqrt(1.5), -1, -Math.sqrt(0.5), Math.sqrt(0.5), 1, Math.sqrt(1.5)] as const;

export interface EnsembleMember {
  readonly jftLoss: SurfaceCoefficients;
  /** ImageNet top-1 error (%) after fine-tuning. */
  readonly finetune: SurfaceCoefficients;
  readonly costLaw: {
    readonly exponent: number;
    readonly coefficientByFamily: Readonly<Record<CostFamily, number>>;
  };
}

/** A law's data as the ensemble resamples it: the fitted values and the log residuals, with each run's model. */
interface ResampledLaw {
  readonly id: SurfaceCandidateId;
  readonly observations: readonly SurfaceObservation[];
  readonly tpuV4CoreHours: readonly number[];
  readonly fitted: Float64Array;
  readonly logResiduals: Float64Array;
  readonly coefficients: SurfaceCoefficients;
}

export interface EnsembleInputs {
  readonly models: readonly string[];
  readonly jftLoss: ResampledLaw;
  readonly finetune: ResampledLaw;
  readonly costs: readonly MeasuredVariantCost[];
  readonly costFitted: Float64Array;
  readonly costLogResiduals: Float64Array;
}

function resampledLaw(
  id: SurfaceCandidateId,
  coefficients: SurfaceCoefficients,
  observations: readonly SurfaceObservation[],
  tpuV4CoreHours: readonly number[],
): ResampledLaw {
  const fitted = Float64Array.from(observations, (o) =>
    predictSurface(coefficients, o.flopsPerImage, o.imagesSeen),
  );
  const logResiduals = Float64Array.from(observations, (o, i) => Math.log(o.value / (fitted[i] as number)));
  return { id, observations, tpuV4CoreHours, fitted, logResiduals, coefficients };
}

/** What every member is refitted to, computed once from the fitted paper laws. */
export function ensembleInputs(laws: PaperLaws): EnsembleInputs {
  const costs = laws.costModel.measuredCosts;
  const { familyCostLaw } = laws.costModel;
  const costFitted = Float64Array.from(
    costs,
    (m) =>
      familyCostLaw.coefficientByFamily[costFamilyOf(m.variant)] * m.flopsPerImage ** familyCostLaw.exponent,
  );
  return {
    models: costs.map((m) => m.variant),
    jftLoss: resampledLaw(
      laws.jftLoss.selection.selected,
      laws.jftLoss.coefficients,
      jftLossObservations(),
      FIGURE2_JFT_VALIDATION_LOSS.map((p) => p.tpuV4CoreHours),
    ),
    finetune: resampledLaw(
      laws.finetune.selection.selected,
      laws.finetune.coefficients,
      finetuneObservations(),
      FIGURE1_NFNET_IMAGENET_ERROR.map((p) => p.tpuV4CoreHours),
    ),
    costs,
    costFitted,
    costLogResiduals: Float64Array.from(costs, (m, i) =>
      Math.log(m.costPerEpochTpuV4CoreHours / (costFitted[i] as number)),
    ),
  };
}

/** Webb weights for each model of member `index`: a generator seeded by (seed, index) alone. */
export function memberWeights(models: readonly string[], seed: number, index: number): Map<string, number> {
  // The golden-ratio increment spreads consecutive indices over the 32-bit seed space.
  const next = mulberry32((seed + Math.imul(index + 1, 0x9e3779b9)) >>> 0);
  return new Map(models.map((m) => [m, WEBB_WEIGHTS[Math.floor(next() * 6)] as number]));
}

function refitLaw(law: ResampledLaw, weights: ReadonlyMap<string, number>): SurfaceCoefficients {
  const observations = law.observations.map((o, i) => ({
    ...o,
    value:
      (law.fitted[i] as number) *
      Math.exp((weights.get(o.group as string) ?? 0) * (law.logResiduals[i] as number)),
  }));
  return refitCandidate(law.id, observations, law.tpuV4CoreHours, law.coefficients);
}

/** Member `index` of the ensemble of `seed`: the three laws refitted to one wild-bootstrap replicate. */
export function fitEnsembleMember(
  inputs: EnsembleInputs,
  index: number,
  seed = ENSEMBLE_SEED,
): EnsembleMember {
  const weights = memberWeights(inputs.models, seed, index);
  const costs = inputs.costs.map((m, i) => ({
    ...m,
    costPerEpochTpuV4CoreHours:
      (inputs.costFitted[i] as number) *
      Math.exp((weights.get(m.variant) ?? 0) * (inputs.costLogResiduals[i] as number)),
  }));
  const costLaw = fitFamilyCostLaw(costs);
  return {
    jftLoss: refitLaw(inputs.jftLoss, weights),
    finetune: refitLaw(inputs.finetune, weights),
    costLaw: { exponent: costLaw.exponent, coefficientByFamily: costLaw.coefficientByFamily },
  };
}

export interface LawEnsemble {
  readonly seed: number;
  readonly members: readonly EnsembleMember[];
  readonly resampling: string;
  /**
   * The residual scatter a new run adds to a law's prediction: sqrt(sum r^2 / (n - p)) of the log residuals on the
   * law's data, p its coefficients (5, or 6 with gamma), the usual unbiased residual standard deviation.
   */
  readonly residualLogSd: { readonly jftLoss: number; readonly finetune: number };
}

function residualLogSd(law: ResampledLaw): number {
  const p = law.coefficients.gamma === undefined ? 5 : 6;
  let sum = 0;
  for (const r of law.logResiduals) sum += r * r;
  return Math.sqrt(sum / (law.logResiduals.length - p));
}

/** The whole ensemble at once (for tests, the CLI and benchmarks; a server fits members in slices). */
export function fitLawEnsemble(
  laws: PaperLaws,
  options: { readonly members?: number; readonly seed?: number } = {},
): LawEnsemble {
  const inputs = ensembleInputs(laws);
  const seed = options.seed ?? ENSEMBLE_SEED;
  const members = Array.from({ length: options.members ?? ENSEMBLE_MEMBERS }, (_, k) =>
    fitEnsembleMember(inputs, k, seed),
  );
  return assembleEnsemble(inputs, members, seed);
}

export function assembleEnsemble(
  inputs: EnsembleInputs,
  members: readonly EnsembleMember[],
  seed: number,
): LawEnsemble {
  return {
    seed,
    members,
    resampling: ENSEMBLE_RESAMPLING,
    residualLogSd: { jftLoss: residualLogSd(inputs.jftLoss), finetune: residualLogSd(inputs.finetune) },
  };
}
