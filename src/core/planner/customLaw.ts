import { PlannerInputError } from '../errors.js';
import { JOINT_GAMMA_MAX, JOINT_GAMMA_MIN } from '../laws/jointSurface.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import { ENSEMBLE_MEMBERS, ENSEMBLE_SEED, memberWeights } from '../uncertainty/lawEnsemble.js';
import type { SurfaceEnsemble } from '../uncertainty/surfaceMembers.js';
import type { LossSurface } from './context.js';

/** A loss surface fitted elsewhere (POST /v1/fits) and sent back to plan with. */
export interface CustomLaw {
  readonly id?: string;
  readonly coefficients: SurfaceCoefficients;
  /** What its plans need for intervals and pick shares; without it they carry point predictions. */
  readonly ensemble?: CustomLawEnsemble;
}

/**
 * A caller's law's ensemble in compact form: the surface refitted without each model size's runs (the cluster
 * jackknife's fits) and the residual scatter of a run around it. A plan mixes its 200 members from these as it mixes
 * the paper's laws' (uncertainty/lawEnsemble.ts).
 */
export interface CustomLawEnsemble {
  readonly leaveOneModelOut: readonly {
    /** The model size left out (POST /v1/fits names it by its forward FLOPs per image). */
    readonly heldOut: string;
    readonly coefficients: SurfaceCoefficients;
  }[];
  /** Standard deviation of a run's log loss around the surface: sqrt(sum r^2 / (n - p)), r the log residuals. */
  readonly residualLogSd: number;
}

const COEFFICIENTS = [
  'E',
  'A',
  'B',
  'alpha',
  'beta',
] as const satisfies readonly (keyof SurfaceCoefficients)[];
/** Exponents beyond this make F^alpha or D^beta overflow a double at the sizes the planner evaluates. */
export const MAX_LAW_EXPONENT = 5;
/**
 * Largest E, A or B accepted: 1e300, so a coefficient times a term of the surface (A / F^alpha with F up to 1e13 and
 * alpha down to 0) stays well inside a double (1.8e308); a loss of that size means nothing anyway.
 */
export const MAX_LAW_COEFFICIENT = 1e300;
/** The joint form's gamma, when given, within the box the paper laws are fitted in (laws/jointSurface.ts). */
export const MIN_LAW_GAMMA = JOINT_GAMMA_MIN;
export const MAX_LAW_GAMMA = JOINT_GAMMA_MAX;
/** A law's id is echoed in every plan's provenance: at most 100 characters. */
export const MAX_LAW_ID_LENGTH = 100;
/**
 * Model sizes a caller's law's ensemble must leave out: each fit without one must keep three sizes, the fewest that
 * pin down the size term (fits/fitRuns.ts, MIN_DISTINCT_VALUES_PER_TERM), so at least four.
 */
export const MIN_ENSEMBLE_MODEL_SIZES = 4;
/** ...and at most this many: a refit per size, so a fit's work stays bounded (a study rarely trains more). */
export const MAX_ENSEMBLE_MODEL_SIZES = 32;
/** A log standard deviation of 1 is a factor-e scatter between runs: past that no surface describes the runs. */
export const MAX_RESIDUAL_LOG_SD = 1;
/** A model size's name in an ensemble: at most 100 characters. */
export const MAX_HELD_OUT_LENGTH = 100;

export const CUSTOM_LAW_RESAMPLING =
  "cluster jackknife over your runs' model sizes (the surface refitted without each size's runs, as POST /v1/fits returns them; MacKinnon, Nielsen & Webb 2023's CV3): every quantity's members are Gaussian draws of its jackknife deviations, one standard normal weight per model size and member";

/**
 * Every coefficient must be positive, E, A and B at most MAX_LAW_COEFFICIENT and the exponents at most
 * MAX_LAW_EXPONENT, or predictions would not be finite; an optional gamma (the joint form,
 * E + (A / F^alpha + B / D^beta)^gamma, as GET /v1/laws may report) must lie in [MIN_LAW_GAMMA, MAX_LAW_GAMMA].
 */
function checkCoefficients(c: unknown, field: string): SurfaceCoefficients {
  if (typeof c !== 'object' || c === null || Array.isArray(c))
    throw new PlannerInputError(field, `${field} must be an object with E, A, B, alpha and beta`);
  const coefficients = c as Record<string, unknown>;
  for (const key of COEFFICIENTS) {
    const value = coefficients[key];
    const max = key === 'alpha' || key === 'beta' ? MAX_LAW_EXPONENT : MAX_LAW_COEFFICIENT;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max)
      throw new PlannerInputError(
        `${field}.${key}`,
        `${field}.${key} must be a number greater than 0 and at most ${max}; got ${String(value)}`,
      );
  }
  const { E, A, B, alpha, beta, gamma } = coefficients as unknown as SurfaceCoefficients;
  if (gamma !== undefined && !(typeof gamma === 'number' && gamma >= MIN_LAW_GAMMA && gamma <= MAX_LAW_GAMMA))
    throw new PlannerInputError(
      `${field}.gamma`,
      `${field}.gamma must be a number from ${MIN_LAW_GAMMA} to ${MAX_LAW_GAMMA} when given; got ${String(gamma)}`,
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
 * A caller's loss surface (typically the `law` POST /v1/fits returned) as the planner's JFT loss law, its
 * coefficients checked by checkCoefficients. With an `ensemble` (the fits without each model size), its plans carry
 * intervals and pick shares.
 */
export function customLossSurface(law: CustomLaw): LossSurface {
  const remembered = typeof law === 'object' && law !== null ? frozenSurfaces.get(law) : undefined;
  if (remembered !== undefined) return remembered;
  const surface = checkedLossSurface(law);
  if (deeplyFrozen(law)) frozenSurfaces.set(law, surface);
  return surface;
}

/**
 * A deeply frozen law (Object.freeze on it and on everything in it, as the server does with the profile versions it
 * keeps) can never change, so it is checked and its surface built once: later requests get the same surface object,
 * and what is remembered per surface (its provenance texts, its members' optimum lines) with it.
 */
const frozenSurfaces = new WeakMap<object, LossSurface>();

function deeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen);
}

function checkedLossSurface(law: CustomLaw): LossSurface {
  if (typeof law !== 'object' || law === null || Array.isArray(law))
    throw new PlannerInputError('law', 'law must be an object with coefficients (and optionally an id)');
  const id: unknown = law.id;
  if (id !== undefined && (typeof id !== 'string' || id.length < 1 || id.length > MAX_LAW_ID_LENGTH))
    throw new PlannerInputError(
      'law.id',
      `law.id must be a string of 1 to ${MAX_LAW_ID_LENGTH} characters when given; got ${JSON.stringify(id)}`,
    );
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
