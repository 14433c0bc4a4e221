import { PlannerInputError } from '../errors.js';
import { JOINT_GAMMA_MAX, JOINT_GAMMA_MIN } from '../laws/jointSurface.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import { ENSEMBLE_MEMBERS, ENSEMBLE_SEED, memberWeights } from '../uncertainty/lawEnsemble.js';
import type { SurfaceEnsemble } from '../uncertainty/surfaceMembers.js';
import type { LossSurface } from './context.js';
import type { CustomLaw, CustomLawEnsemble } from './request.js';

const COEFFICIENTS = [
  'E',
  'A',
  'B',
  'alpha',
  'beta',
] as const satisfies readonly (keyof SurfaceCoefficients)[];
/** Exponents beyond this make F^alpha or D^beta overflow a double at the sizes the planner evaluates. */
const MAX_EXPONENT = 5;
/** The joint form's gamma, when given, within the box the paper laws are fitted in (laws/jointSurface.ts). */
const MIN_GAMMA = JOINT_GAMMA_MIN;
const MAX_GAMMA = JOINT_GAMMA_MAX;

/**
 * Model sizes a caller's law's ensemble must leave out: each fit without one must keep three sizes, the fewest that
 * pin down the size term (fits/fitRuns.ts, MIN_DISTINCT_VALUES_PER_TERM), so at least four.
 */
export const MIN_ENSEMBLE_MODEL_SIZES = 4;
/** ...and at most this many: a refit per size, so a fit's work stays bounded (a study rarely trains more). */
export const MAX_ENSEMBLE_MODEL_SIZES = 32;
/** A log standard deviation of 1 is a factor-e scatter between runs: past that no surface describes the runs. */
export const MAX_RESIDUAL_LOG_SD = 1;
const MAX_HELD_OUT_LENGTH = 100;

export const CUSTOM_LAW_RESAMPLING =
  "cluster jackknife over your runs' model sizes (the surface refitted without each size's runs, as POST /v1/fits returns them; MacKinnon, Nielsen & Webb 2023's CV3): every quantity's members are Gaussian draws of its jackknife deviations, one standard normal weight per model size and member";

function checkCoefficients(c: unknown, field: string): SurfaceCoefficients {
  if (typeof c !== 'object' || c === null)
    throw new PlannerInputError(field, `${field} must be an object with E, A, B, alpha and beta`);
  const coefficients = c as Record<string, unknown>;
  for (const key of COEFFICIENTS) {
    const value = coefficients[key];
    const max = key === 'alpha' || key === 'beta' ? MAX_EXPONENT : Number.MAX_VALUE;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max)
      throw new PlannerInputError(
        `${field}.${key}`,
        `${field}.${key} must be a positive finite number${max === MAX_EXPONENT ? ` at most ${MAX_EXPONENT}` : ''}; got ${String(value)}`,
      );
  }
  const { E, A, B, alpha, beta, gamma } = coefficients as unknown as SurfaceCoefficients;
  if (gamma !== undefined && !(typeof gamma === 'number' && gamma >= MIN_GAMMA && gamma <= MAX_GAMMA))
    throw new PlannerInputError(
      `${field}.gamma`,
      `${field}.gamma must be a number from ${MIN_GAMMA} to ${MAX_GAMMA} when given; got ${String(gamma)}`,
    );
  return gamma === undefined ? { E, A, B, alpha, beta } : { E, A, B, alpha, beta, gamma };
}

/**
 * The members of a caller's law: its jackknife fits mixed with the paper ensemble's seed and member count, one
 * weight column per model size left out, so the same law gives the same members on every pod.
 */
function customLawEnsemble(point: SurfaceCoefficients, ensemble: unknown): SurfaceEnsemble {
  if (typeof ensemble !== 'object' || ensemble === null || Array.isArray(ensemble))
    throw new PlannerInputError(
      'law.ensemble',
      'law.ensemble must be an object with leaveOneModelOut and residualLogSd',
    );
  const { leaveOneModelOut, residualLogSd } = ensemble as Partial<CustomLawEnsemble>;
  if (
    !Array.isArray(leaveOneModelOut) ||
    leaveOneModelOut.length < MIN_ENSEMBLE_MODEL_SIZES ||
    leaveOneModelOut.length > MAX_ENSEMBLE_MODEL_SIZES
  )
    throw new PlannerInputError(
      'law.ensemble.leaveOneModelOut',
      `law.ensemble.leaveOneModelOut must list the fits without each of ${MIN_ENSEMBLE_MODEL_SIZES} to ${MAX_ENSEMBLE_MODEL_SIZES} model sizes`,
    );
  const models: string[] = [];
  const leaveOneOut = leaveOneModelOut.map((entry: unknown, i) => {
    const field = `law.ensemble.leaveOneModelOut.${i}`;
    if (typeof entry !== 'object' || entry === null)
      throw new PlannerInputError(field, `${field} must be an object with heldOut and coefficients`);
    const { heldOut, coefficients } = entry as { heldOut?: unknown; coefficients?: unknown };
    if (
      typeof heldOut !== 'string' ||
      heldOut.length === 0 ||
      heldOut.length > MAX_HELD_OUT_LENGTH ||
      models.includes(heldOut)
    )
      throw new PlannerInputError(
        `${field}.heldOut`,
        `${field}.heldOut must name a model size not named before, in 1 to ${MAX_HELD_OUT_LENGTH} characters`,
      );
    models.push(heldOut);
    return { model: heldOut, law: checkCoefficients(coefficients, `${field}.coefficients`) };
  });
  if (
    typeof residualLogSd !== 'number' ||
    !Number.isFinite(residualLogSd) ||
    residualLogSd < 0 ||
    residualLogSd > MAX_RESIDUAL_LOG_SD
  )
    throw new PlannerInputError(
      'law.ensemble.residualLogSd',
      `law.ensemble.residualLogSd must be a number from 0 to ${MAX_RESIDUAL_LOG_SD}; got ${String(residualLogSd)}`,
    );
  return {
    seed: ENSEMBLE_SEED,
    memberCount: ENSEMBLE_MEMBERS,
    models,
    weights: memberWeights(ENSEMBLE_SEED, ENSEMBLE_MEMBERS, models.length),
    fits: { point, leaveOneOut },
    residualLogSd,
    resampling: CUSTOM_LAW_RESAMPLING,
  };
}

/**
 * A caller's loss surface (typically the `law` POST /v1/fits returned) as the planner's JFT loss law. Every
 * coefficient must be a positive finite number and the exponents at most 5, or predictions would not be; an
 * optional gamma (the joint form, E + (A / F^alpha + B / D^beta)^gamma, as GET /v1/laws may report) must lie in
 * [0.2, 5]. With an `ensemble` (the fits without each model size), its plans carry intervals and pick shares.
 */
export function customLossSurface(law: CustomLaw): LossSurface {
  if (typeof law !== 'object' || law === null)
    throw new PlannerInputError('law', 'law must be an object with coefficients');
  const coefficients = checkCoefficients(law.coefficients, 'law.coefficients');
  return {
    id: law.id ?? 'custom_loss_surface',
    coefficients,
    provenance:
      coefficients.gamma === undefined
        ? 'caller-supplied loss surface L(F, D) = E + A / F^alpha + B / D^beta (for example from POST /v1/fits)'
        : 'caller-supplied loss surface L(F, D) = E + (A / F^alpha + B / D^beta)^gamma',
    ...(law.ensemble !== undefined && { ensemble: customLawEnsemble(coefficients, law.ensemble) }),
  };
}
