/**
 * One loss surface's ensemble members at a configuration (F, D), mixed from its jackknife fits (lawEnsemble.ts) and
 * held within what is physically possible. The paper's laws tabulate these once per variant (predictionGrid.ts); a
 * caller's law (POST /v1/fits) arrives with a request, so its members are computed directly for the few
 * configurations a plan describes: tabulating it would take about 80 ms, far more than every plan made with it.
 */

import { predictSurface, type SurfaceCoefficients } from '../laws/surface.js';
import { type EnsembleWeights, type JackknifeFits, mixMembers } from './lawEnsemble.js';

/** A member's prediction is held within [MIN_MEMBER_PREDICTION, the law's maximum]: above zero, below a uniform guess. */
export const MIN_MEMBER_PREDICTION = 1e-6;

/** A surface's jackknife fits with the weights that mix them, and the scatter a new run adds around the surface. */
export interface SurfaceEnsemble extends EnsembleWeights {
  readonly fits: JackknifeFits<SurfaceCoefficients>;
  /** Residual standard deviation of a run's log loss around the surface (lawEnsemble.ts). */
  readonly residualLogSd: number;
  readonly seed: number;
  /** How the members were made, in words. */
  readonly resampling: string;
}

/**
 * Writes each member's prediction of the surface at (F, D) into `out` (length memberCount), within
 * [MIN_MEMBER_PREDICTION, max]: a mix of far extrapolations can leave what is possible (a negative error).
 * `scratch` (length of fits.leaveOneOut) holds the fits without each model.
 */
export function surfaceMembersAt(
  ensemble: EnsembleWeights,
  fits: JackknifeFits<SurfaceCoefficients>,
  models: readonly string[],
  flopsPerImage: number,
  imagesSeen: number,
  max: number,
  out: Float64Array,
  scratch: Float64Array = new Float64Array(fits.leaveOneOut.length),
): void {
  // A law that overflows here (a caller's may: its coefficients span 1e-300 to 1e300) predicts no better than a
  // uniform guess, so it is read as `max`: the mix then stays finite.
  const at = (law: SurfaceCoefficients) => {
    const value = predictSurface(law, flopsPerImage, imagesSeen);
    return Number.isFinite(value) ? value : max;
  };
  fits.leaveOneOut.forEach((f, g) => {
    scratch[g] = at(f.law);
  });
  mixMembers(ensemble, models, at(fits.point), scratch, out);
  for (let m = 0; m < out.length; m++)
    out[m] = Math.min(Math.max(out[m] as number, MIN_MEMBER_PREDICTION), max);
}
