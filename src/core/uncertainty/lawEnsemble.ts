/**
 * An ensemble of the paper's laws: the JFT-4B loss surface (Figure 2), the fine-tuning law (Figure 1) and the family
 * cost law (the six measured costs), from which every prediction gets its interval and every plan the share of
 * members under which its pick is the best.
 *
 * How the members are made: a Gaussian draw around each law's fit with the cluster-jackknife covariance of its
 * parameters, the trained model as the cluster. The law is refitted without each model in turn (the
 * leave-one-model-out fits the law selection already makes, lawSelection.ts); with G models and d_g the deviation of
 * the fit without model g from the mean of those fits, the jackknife covariance is (G - 1) / G sum_g d_g d_g^T
 * (Efron & Stein 1981; the cluster form is MacKinnon, Nielsen & Webb 2023's CV3, "Cluster-robust inference: a guide
 * to empirical practice", J. Econometrics 232(2)), and a member is
 *   theta_m = theta + sqrt((G - 1) / G) sum_g z_(m,g) d_g,   z ~ N(0, 1) independent,
 * which has exactly that covariance without factoring it. Parameters are the optimiser's (log E, log A, log B, alpha,
 * beta, and gamma for the joint form), in which the fits are close to Gaussian.
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

import {
  type CostFamily,
  type FamilyCostLaw,
  fitFamilyCostLaw,
  type MeasuredVariantCost,
} from '../cost/costModel.js';
import { mulberry32 } from '../fits/random.js';
import { JOINT_GAMMA_MAX, JOINT_GAMMA_MIN } from '../laws/jointSurface.js';
import type { PaperLaws } from '../laws/paperLaws.js';
import {
  type GroupHoldout,
  SURFACE_EXPONENT_MAX,
  type SurfaceCoefficients,
  surfaceCoefficientsOf,
  surfaceParametersOf,
} from '../laws/surface.js';

/** Members: the floor of 200; a 90 % interval's ends then rest on the 10th and 190th members. */
export const ENSEMBLE_MEMBERS = 200;
/** The seed: the paper's arXiv submission date, 2023-10-25. */
export const ENSEMBLE_SEED = 20_231_025;

export const ENSEMBLE_RESAMPLING =
  "Gaussian draws with each law's cluster-jackknife covariance (the law refitted without each trained model in turn; MacKinnon, Nielsen & Webb 2023's CV3), for the loss, fine-tuning and cost laws";

export interface EnsembleMember {
  readonly jftLoss: SurfaceCoefficients;
  /** ImageNet top-1 error (%) after fine-tuning. */
  readonly finetune: SurfaceCoefficients;
  readonly costLaw: {
    readonly exponent: number;
    readonly coefficientByFamily: Readonly<Record<CostFamily, number>>;
  };
}

/** A law's parameters and the jackknife's scaled deviations, sqrt((G - 1) / G) d_g, one per model left out. */
export interface JackknifeLaw {
  readonly theta: readonly number[];
  readonly deviations: readonly (readonly number[])[];
}

/** The cluster jackknife of a law: its parameters and those of the fits without each cluster. */
export function jackknifeLaw(
  theta: readonly number[],
  leaveOneOut: readonly (readonly number[])[],
): JackknifeLaw {
  const G = leaveOneOut.length;
  const mean = theta.map((_, j) => leaveOneOut.reduce((sum, t) => sum + (t[j] as number), 0) / G);
  const scale = Math.sqrt((G - 1) / G);
  return {
    theta,
    deviations: leaveOneOut.map((t) => t.map((x, j) => scale * (x - (mean[j] as number)))),
  };
}

/** One member's parameters: theta + sum_g z_g deviation_g, with the z drawn from `normal`. */
export function drawMember(law: JackknifeLaw, normal: () => number): number[] {
  const member = [...law.theta];
  for (const deviation of law.deviations) {
    const z = normal();
    deviation.forEach((d, j) => {
      member[j] = (member[j] as number) + z * d;
    });
  }
  return member;
}

/** Most draws tried for one member before it is refused: a law whose draws leave its box this often is no law. */
const MAX_DRAWS = 1_000;

/**
 * drawMember, again until the draw lies where the law was fitted (`valid`: positive exponents, gamma in its box), so
 * no member predicts with a shape the fit could not have taken: the Gaussian truncated to the fitting box.
 */
function drawValidMember(
  law: JackknifeLaw,
  normal: () => number,
  valid: (theta: number[]) => boolean,
): number[] {
  for (let k = 0; k < MAX_DRAWS; k++) {
    const member = drawMember(law, normal);
    if (valid(member)) return member;
  }
  throw new RangeError(`no valid ensemble member in ${MAX_DRAWS} draws`);
}

/** Inside the surfaces' fitting box (surface.ts, jointSurface.ts): exponents in (0, 3], gamma in [0.2, 5]. */
function validSurface(theta: number[]): boolean {
  const [, , , alpha, beta, gamma] = theta as [number, number, number, number, number, number?];
  return (
    alpha > 0 &&
    alpha <= SURFACE_EXPONENT_MAX &&
    beta > 0 &&
    beta <= SURFACE_EXPONENT_MAX &&
    (gamma === undefined || (gamma >= JOINT_GAMMA_MIN && gamma <= JOINT_GAMMA_MAX))
  );
}

const validCostLaw = (theta: number[]) => (theta[2] as number) > 0;

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

/** A surface's optimiser parameters, with gamma last for the joint form. */
function surfaceTheta(c: SurfaceCoefficients): number[] {
  const theta = [...surfaceParametersOf(c)];
  if (c.gamma !== undefined) theta.push(c.gamma);
  return theta;
}

function surfaceOf(theta: readonly number[]): SurfaceCoefficients {
  const [logE, logA, logB, alpha, beta, gamma] = theta as [number, number, number, number, number, number?];
  const c = surfaceCoefficientsOf([logE, logA, logB, alpha, beta]);
  return gamma === undefined ? c : { ...c, gamma };
}

/** The cost law's parameters: ln c_deep, ln c_wide, g. */
function costTheta(law: Pick<FamilyCostLaw, 'exponent' | 'coefficientByFamily'>): number[] {
  return [Math.log(law.coefficientByFamily.deep), Math.log(law.coefficientByFamily.wide), law.exponent];
}

export interface EnsembleInputs {
  readonly jftLoss: JackknifeLaw;
  readonly finetune: JackknifeLaw;
  readonly costLaw: JackknifeLaw;
  /** sqrt(sum r^2 / (n - p)) of each surface's log residuals: the scatter one new run adds. */
  readonly residualLogSd: { readonly jftLoss: number; readonly finetune: number };
}

function surfaceJackknife(fit: SurfaceCoefficients, holdouts: readonly GroupHoldout[]): JackknifeLaw {
  return jackknifeLaw(
    surfaceTheta(fit),
    holdouts.map((h) => surfaceTheta(h.coefficients)),
  );
}

function costJackknife(costs: readonly MeasuredVariantCost[], law: FamilyCostLaw): JackknifeLaw {
  return jackknifeLaw(
    costTheta(law),
    costs.map((left) => costTheta(fitFamilyCostLaw(costs.filter((c) => c !== left)))),
  );
}

/**
 * The unbiased residual standard deviation of a law on its data, from its relative RMSE: the log residuals of fits
 * this close are the relative ones to within their square.
 */
function residualLogSd(rmseRelative: number, n: number, coefficients: SurfaceCoefficients): number {
  const p = coefficients.gamma === undefined ? 5 : 6;
  return rmseRelative * Math.sqrt(n / (n - p));
}

/** What every member is drawn from, computed once from the fitted paper laws. */
export function ensembleInputs(laws: PaperLaws): EnsembleInputs {
  return {
    jftLoss: surfaceJackknife(laws.jftLoss.coefficients, laws.jftLoss.leaveOneModelOut),
    finetune: surfaceJackknife(laws.finetune.coefficients, laws.finetune.leaveOneModelOut),
    costLaw: costJackknife(laws.costModel.measuredCosts, laws.costModel.familyCostLaw),
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

/** Member `index` of the ensemble of `seed`: one draw of each law. */
export function drawEnsembleMember(
  inputs: EnsembleInputs,
  index: number,
  seed = ENSEMBLE_SEED,
): EnsembleMember {
  // The golden-ratio increment spreads consecutive indices over the 32-bit seed space.
  const normal = normalGenerator((seed + Math.imul(index + 1, 0x9e3779b9)) >>> 0);
  const [lnDeep, lnWide, exponent] = drawValidMember(inputs.costLaw, normal, validCostLaw) as [
    number,
    number,
    number,
  ];
  return {
    jftLoss: surfaceOf(drawValidMember(inputs.jftLoss, normal, validSurface)),
    finetune: surfaceOf(drawValidMember(inputs.finetune, normal, validSurface)),
    costLaw: { exponent, coefficientByFamily: { deep: Math.exp(lnDeep), wide: Math.exp(lnWide) } },
  };
}

export interface LawEnsemble {
  readonly seed: number;
  readonly members: readonly EnsembleMember[];
  readonly resampling: string;
  /** The residual scatter a new run adds to a law's prediction, in log space (EnsembleInputs.residualLogSd). */
  readonly residualLogSd: { readonly jftLoss: number; readonly finetune: number };
}

export function fitLawEnsemble(
  laws: PaperLaws,
  options: { readonly members?: number; readonly seed?: number } = {},
): LawEnsemble {
  const inputs = ensembleInputs(laws);
  const seed = options.seed ?? ENSEMBLE_SEED;
  return {
    seed,
    members: Array.from({ length: options.members ?? ENSEMBLE_MEMBERS }, (_, k) =>
      drawEnsembleMember(inputs, k, seed),
    ),
    resampling: ENSEMBLE_RESAMPLING,
    residualLogSd: inputs.residualLogSd,
  };
}
