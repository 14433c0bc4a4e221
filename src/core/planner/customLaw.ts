import { PlannerInputError } from '../errors.js';
import { JOINT_GAMMA_MAX, JOINT_GAMMA_MIN } from '../laws/jointSurface.js';
import type { SurfaceCoefficients } from '../laws/surface.js';
import type { LossSurface } from './context.js';
import type { CustomLaw } from './request.js';

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
 * A caller's loss surface (typically the coefficients POST /v1/fits returned) as the planner's JFT loss law.
 * Every coefficient must be a positive finite number and the exponents at most 5, or predictions would not be; an
 * optional gamma (the joint form, E + (A / F^alpha + B / D^beta)^gamma, as GET /v1/laws may report) must lie in
 * [0.2, 5].
 */
export function customLossSurface(law: CustomLaw): LossSurface {
  const c = law?.coefficients;
  if (typeof c !== 'object' || c === null)
    throw new PlannerInputError(
      'law.coefficients',
      'law.coefficients must be an object with E, A, B, alpha and beta',
    );
  for (const key of COEFFICIENTS) {
    const value = c[key];
    const max = key === 'alpha' || key === 'beta' ? MAX_EXPONENT : Number.MAX_VALUE;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max)
      throw new PlannerInputError(
        `law.coefficients.${key}`,
        `law.coefficients.${key} must be a positive finite number${max === MAX_EXPONENT ? ` at most ${MAX_EXPONENT}` : ''}; got ${String(value)}`,
      );
  }
  const gamma = c.gamma;
  if (gamma !== undefined && !(typeof gamma === 'number' && gamma >= MIN_GAMMA && gamma <= MAX_GAMMA))
    throw new PlannerInputError(
      'law.coefficients.gamma',
      `law.coefficients.gamma must be a number from ${MIN_GAMMA} to ${MAX_GAMMA} when given; got ${String(gamma)}`,
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
