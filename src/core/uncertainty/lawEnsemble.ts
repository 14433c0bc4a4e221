/**
 * An ensemble of the paper's laws: the JFT-4B loss surface (Figure 2), the fine-tuning law (Figure 1) and the family
 * cost law (the six measured costs), from which every prediction gets its interval and every plan the share of
 * members under which its pick is the best.
 *
 * How the members are made: the cluster jackknife, the trained model as the cluster. Each law is refitted without
 * each model in turn (the leave-one-model-out fits the law selection already makes, lawSelection.ts). For any
 * quantity q the law gives (a prediction, an optimum, an exponent), with q_g its value under the fit without model g
 * and q-bar their mean, member m's value is
 *   q_m = q + sqrt((G - 1) / G) sum_g z_(m,g) (q_g - q-bar),   z ~ N(0, 1) independent, one z per model and member,
 * a Gaussian draw with the jackknife variance (G - 1) / G sum_g (q_g - q-bar)^2 (Efron & Stein 1981; the cluster form
 * is MacKinnon, Nielsen & Webb 2023's CV3, "Cluster-robust inference: a guide to empirical practice", J. Econometrics
 * 232(2)). The same z for a model across laws and quantities keeps a member one coherent alternative: its predictions
 * for two candidates, or its loss and top-1, move together as the data allow. The mixing is in the quantity, not in
 * the law's parameters: mixing parameters instead puts members in the long curved valleys a five-coefficient surface
 * leaves, where they fit none of the data (a 90 % interval of 0.1 to 98.5 % top-1 at the paper's own best run).
 *
 * Why the model is the unit: the points of one model's curve are not independent (one pipeline, one learning-rate
 * sweep; the paper names the F7+ curve's anomaly), so a model's errors move together. Why the jackknife rather than a
 * resampling bootstrap: with six models, resampling models leaves most replicates with four or fewer sizes, where
 * the surface is not identified; and a wild bootstrap of the model-level residuals is far too narrow, because the
 * fit absorbs most of a model's error into the size term, so its residuals understate it. On synthetic Figure 2 runs
 * with a known surface and per-model errors, the wild cluster bootstrap's 90 % interval on the epochs exponent held
 * the truth in about half the repeats, the jackknife's in the 80-97 % the level calls for
 * (tests/core/uncertainty/calibration.test.ts).
 *
 * Seeded: member k's normal draws come from a generator seeded by (seed, k) alone, so the ensemble is the same on
 * every pod and every thread, and any subset can be drawn apart.
 */

import { type FamilyCostLaw, fitFamilyCostLaw } from '../cost/costModel.js';
import { mulberry32 } from '../fits/random.js';
import type { CostPowerLaw } from '../laws/allocation.js';
import type { PaperLaws } from '../laws/paperLaws.js';
import type { SurfaceCoefficients } from '../laws/surface.js';

/** Members: the floor of 200; a 90 % interval's ends then rest on the 10th and 190th members. */
export const ENSEMBLE_MEMBERS = 200;
/** The seed: the paper's arXiv submission date, 2023-10-25. */
export const ENSEMBLE_SEED = 20_231_025;

export const ENSEMBLE_RESAMPLING =
  "cluster jackknife (each law refitted without each trained model; MacKinnon, Nielsen & Webb 2023's CV3): every quantity's members are Gaussian draws of its jackknife deviations, one standard normal weight per model and member, shared across laws";

/** A law's fit and its fits without each model, for the jackknife. */
export interface JackknifeFits<L> {
  readonly point: L;
  readonly leaveOneOut: readonly { readonly model: string; readonly law: L }[];
}

export interface LawEnsemble {
  readonly seed: number;
  readonly memberCount: number;
  /** Every model any law leaves out, in order: the columns of `weights`. */
  readonly models: readonly string[];
  /** memberCount x models standard normal weights, row-major. */
  readonly weights: Float64Array;
  readonly jftLoss: JackknifeFits<SurfaceCoefficients>;
  /** ImageNet top-1 error (%) after fine-tuning. */
  readonly finetune: JackknifeFits<SurfaceCoefficients>;
  readonly costLaw: JackknifeFits<CostPowerLaw>;
  readonly resampling: string;
  /**
   * The residual scatter a new run adds to a law's prediction, in log space: sqrt(sum r^2 / (n - p)), p the law's
   * coefficients (5, or 6 with gamma), the unbiased residual standard deviation, from the relative RMSE.
   */
  readonly residualLogSd: { readonly jftLoss: number; readonly finetune: number };
}

/** Standard normal draws by Box-Muller (Box & Muller 1958) from a seeded uniform generator. */
export function normalGenerator(seed: number): () => number {
  const next = mulberry32(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return z;
    }
    const u = 1 - next(); // (0, 1]: the logarithm stays finite
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** What mixing needs of an ensemble: its members' standard normal weights, one column per model left out. */
export type EnsembleWeights = Pick<LawEnsemble, 'memberCount' | 'models' | 'weights'>;

/**
 * memberCount x columns standard normal weights, row-major. Member m's row comes from a generator seeded by
 * (seed, m) alone, so the same seed gives the same members on every pod and thread.
 */
export function memberWeights(seed: number, memberCount: number, columns: number): Float64Array {
  // A caller's law needs them on every plan made with it: remembered per shape (a few dozen at most, read only).
  const key = `${seed}/${memberCount}/${columns}`;
  const remembered = rememberedWeights.get(key);
  if (remembered !== undefined) return remembered;
  const weights = drawWeights(seed, memberCount, columns);
  if (rememberedWeights.size < MAX_REMEMBERED_WEIGHTS) rememberedWeights.set(key, weights);
  return weights;
}

const MAX_REMEMBERED_WEIGHTS = 64;
const rememberedWeights = new Map<string, Float64Array>();

function drawWeights(seed: number, memberCount: number, columns: number): Float64Array {
  const weights = new Float64Array(memberCount * columns);
  for (let m = 0; m < memberCount; m++) {
    // The golden-ratio increment spreads the member indices over the seeds.
    const normal = normalGenerator((seed + Math.imul(m + 1, 0x9e3779b9)) >>> 0);
    for (let g = 0; g < columns; g++) weights[m * columns + g] = normal();
  }
  return weights;
}

/**
 * Writes each member's value of a quantity into `out` (length memberCount): q + sqrt((G - 1) / G) sum_g z_(m,g)
 * (q_g - q-bar), with q = `point` and q_g = `leaveOneOut[g]`, the value without model `models[g]`. The sum runs over
 * g in order for every member, one column of weights at a time (weightColumns), so each pass is a contiguous loop.
 */
export function mixMembers(
  ensemble: EnsembleWeights,
  models: readonly string[],
  point: number,
  leaveOneOut: ArrayLike<number>,
  out: Float64Array,
): void {
  const G = models.length;
  const M = ensemble.memberCount;
  let mean = 0;
  for (let g = 0; g < G; g++) mean += (leaveOneOut[g] as number) / G;
  const scale = Math.sqrt((G - 1) / G);
  const columns = weightColumns(ensemble);
  out.fill(0, 0, M);
  for (let g = 0; g < G; g++) {
    const c = models === ensemble.models ? g : ensemble.models.indexOf(models[g] as string);
    const weights = columns[c] as Float64Array;
    const deviation = (leaveOneOut[g] as number) - mean;
    for (let m = 0; m < M; m++) out[m] = (out[m] as number) + (weights[m] as number) * deviation;
  }
  for (let m = 0; m < M; m++) out[m] = point + scale * (out[m] as number);
}

/** The weights column by column (each model left out: its members' weights, contiguous), made once per table. */
const columnsOfWeights = new WeakMap<Float64Array, Float64Array[]>();
export function weightColumns(ensemble: EnsembleWeights): Float64Array[] {
  let columns = columnsOfWeights.get(ensemble.weights);
  if (columns === undefined) {
    const count = ensemble.models.length;
    columns = Array.from({ length: count }, (_, c) =>
      Float64Array.from(
        { length: ensemble.memberCount },
        (_, m) => ensemble.weights[m * count + c] as number,
      ),
    );
    columnsOfWeights.set(ensemble.weights, columns);
  }
  return columns;
}

/** Each member's value of `quantity` of a law: mixMembers over the law's fits. */
export function memberQuantity<L>(
  ensemble: EnsembleWeights,
  fits: JackknifeFits<L>,
  quantity: (law: L) => number,
): Float64Array {
  const out = new Float64Array(ensemble.memberCount);
  mixMembers(
    ensemble,
    fits.leaveOneOut.map((f) => f.model),
    quantity(fits.point),
    fits.leaveOneOut.map((f) => quantity(f.law)),
    out,
  );
  return out;
}

function residualLogSd(rmseRelative: number, n: number, coefficients: SurfaceCoefficients): number {
  const p = coefficients.gamma === undefined ? 5 : 6;
  return rmseRelative * Math.sqrt(n / (n - p));
}

function midline(law: Pick<FamilyCostLaw, 'exponent' | 'coefficientByFamily'>): CostPowerLaw {
  return {
    coefficient: Math.sqrt(law.coefficientByFamily.deep * law.coefficientByFamily.wide),
    exponent: law.exponent,
  };
}

/** The ensemble of the paper's laws: their jackknife fits and the members' seeded weights. */
export function fitLawEnsemble(
  laws: PaperLaws,
  options: { readonly members?: number; readonly seed?: number } = {},
): LawEnsemble {
  const seed = options.seed ?? ENSEMBLE_SEED;
  const memberCount = options.members ?? ENSEMBLE_MEMBERS;
  const costs = laws.costModel.measuredCosts;
  const surface = (
    fits: PaperLaws['jftLoss'] | PaperLaws['finetune'],
  ): JackknifeFits<SurfaceCoefficients> => ({
    point: fits.coefficients,
    leaveOneOut: fits.leaveOneModelOut.map((h) => ({ model: h.heldOut, law: h.coefficients })),
  });
  const jftLoss = surface(laws.jftLoss);
  const finetune = surface(laws.finetune);
  const costLaw: JackknifeFits<CostPowerLaw> = {
    point: laws.costModel.flopsPowerLaw,
    leaveOneOut: costs.map((left) => ({
      model: left.variant,
      law: midline(fitFamilyCostLaw(costs.filter((c) => c !== left))),
    })),
  };
  const models = [
    ...new Set([...jftLoss.leaveOneOut, ...finetune.leaveOneOut, ...costLaw.leaveOneOut].map((f) => f.model)),
  ];
  return {
    seed,
    memberCount,
    models,
    weights: memberWeights(seed, memberCount, models.length),
    jftLoss,
    finetune,
    costLaw,
    resampling: ENSEMBLE_RESAMPLING,
    residualLogSd: {
      jftLoss: residualLogSd(
        laws.jftLoss.quality.rmseRelative,
        laws.jftLoss.quality.n,
        laws.jftLoss.coefficients,
      ),
      finetune: residualLogSd(
        laws.finetune.quality.rmseRelative,
        laws.finetune.quality.n,
        laws.finetune.coefficients,
      ),
    },
  };
}
