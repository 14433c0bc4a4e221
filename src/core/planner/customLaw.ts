import { PlannerInputError } from '../errors.js';
import { JOINT_GAMMA_MAX, JOINT_GAMMA_MIN } from '../laws/jointSurface.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import type { LossSurface } from './context.js';

/** A loss surface fitted elsewhere (POST /v1/fits) and sent back to plan with. */
export interface CustomLaw {
  readonly id?: string;
  readonly coefficients: SurfaceCoefficients;
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
 * A caller's loss surface (typically the coefficients POST /v1/fits returned) as the planner's JFT loss law.
 * Every coefficient must be positive, E, A and B at most MAX_LAW_COEFFICIENT and the exponents at most
 * MAX_LAW_EXPONENT, or predictions would not be finite; an optional gamma (the joint form,
 * E + (A / F^alpha + B / D^beta)^gamma, as GET /v1/laws may report) must lie in [MIN_LAW_GAMMA, MAX_LAW_GAMMA].
 */
export function customLossSurface(law: CustomLaw): LossSurface {
  if (typeof law !== 'object' || law === null || Array.isArray(law))
    throw new PlannerInputError('law', 'law must be an object with coefficients (and optionally an id)');
  const id: unknown = law.id;
  if (id !== undefined && (typeof id !== 'string' || id.length < 1 || id.length > MAX_LAW_ID_LENGTH))
    throw new PlannerInputError(
      'law.id',
      `law.id must be a string of 1 to ${MAX_LAW_ID_LENGTH} characters when given; got ${JSON.stringify(id)}`,
    );
  const c = law.coefficients;
  if (typeof c !== 'object' || c === null || Array.isArray(c))
    throw new PlannerInputError(
      'law.coefficients',
      'law.coefficients must be an object with E, A, B, alpha and beta',
    );
  for (const key of COEFFICIENTS) {
    const value = c[key];
    const max = key === 'alpha' || key === 'beta' ? MAX_LAW_EXPONENT : MAX_LAW_COEFFICIENT;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max)
      throw new PlannerInputError(
        `law.coefficients.${key}`,
        `law.coefficients.${key} must be a number greater than 0 and at most ${max}; got ${String(value)}`,
      );
  }
  const gamma = c.gamma;
  if (gamma !== undefined && !(typeof gamma === 'number' && gamma >= MIN_LAW_GAMMA && gamma <= MAX_LAW_GAMMA))
    throw new PlannerInputError(
      'law.coefficients.gamma',
      `law.coefficients.gamma must be a number from ${MIN_LAW_GAMMA} to ${MAX_LAW_GAMMA} when given; got ${String(gamma)}`,
    );
  return {
    id: law.id ?? 'custom_loss_surface',
    coefficients:
      gamma === undefined
        ? { E: c.E, A: c.A, B: c.B, alpha: c.alpha, beta: c.beta }
        : { E: c.E, A: c.A, B: c.B, alpha: c.alpha, beta: c.beta, gamma },
    provenance:
      gamma === undefined
        ? 'caller-supplied loss surface L(F, D) = E + A / F^alpha + B / D^beta (for example from POST /v1/fits)'
        : 'caller-supplied loss surface L(F, D) = E + (A / F^alpha + B / D^beta)^gamma',
  };
}
