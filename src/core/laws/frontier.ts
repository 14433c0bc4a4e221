import { countNfnet } from '../architecture/count.js';
import { FACTS } from '../dataset/facts.js';
import {
  FIGURE2_JFT_VALIDATION_LOSS,
  type Figure2Point,
  type PaperTrainedVariant,
} from '../dataset/figures.js';
import { InfeasibleError, PlannerInputError } from '../errors.js';
import { fitPowerLaw, type PowerLawFit } from '../numeric/leastSquares.js';
import { buildCurves, logGrid, lowerEnvelope } from './envelope.js';

/**
 * The compute frontier of Smith et al. 2023, Figure 2: per budget, the lowest JFT-4B validation loss any of the six
 * trained NFNets reaches, and the power law L* = a x C^(-b) through it (the paper: "a linear trend on log-log axes").
 * The allocation exponents measured from the same envelope are Hoffmann et al. 2022's approach 1.
 */

/**
 * Budgets on the envelope grid. A method choice, not data: 41 budgets over the data's 267-fold range is about 7 per
 * factor of e, several per measured segment, so the fit sees every bend of the envelope.
 */
export const FRONTIER_GRID_POINTS = 41;

export interface FrontierEnvelopePoint {
  readonly tpuV4CoreHours: number;
  /** The lowest interpolated JFT-4B validation loss at this budget. */
  readonly jftValidationLoss: number;
  /** The trained variant whose curve is lowest here. */
  readonly variant: PaperTrainedVariant;
  /** That variant's epochs over JFT-4B at this budget (interpolated in log-log space between its runs). */
  readonly epochs: number;
  /** tpuV4CoreHours / epochs: the variant's measured cost of one JFT-4B epoch. */
  readonly costPerEpochTpuV4CoreHours: number;
}

export interface FrontierLaw {
  readonly id: 'jft_loss_frontier';
  readonly form: 'L* = a x C^(-b), C in TPU-v4 core hours';
  readonly a: number;
  readonly b: number;
  readonly quality: {
    /** R^2 of ln L* on ln C over the grid. */
    readonly r2Log: number;
    /** Grid budgets fitted. */
    readonly n: number;
    /** Largest |law / envelope - 1| over the grid. */
    readonly maxRelativeError: number;
  };
  readonly grid: {
    readonly minTpuV4CoreHours: number;
    readonly maxTpuV4CoreHours: number;
    readonly points: number;
  };
  readonly provenance: string;
  readonly envelope: readonly FrontierEnvelopePoint[];
}

export interface FrontierOptions {
  readonly gridPoints?: number;
}

/**
 * Lower envelope of the Figure 2 curves on a log grid spanning the runs' compute, and L* = a x C^(-b) fitted to it
 * by least squares on (ln C, ln L*) (fitted law; data: Smith et al. 2023, Figure 2, digitized).
 */
export function computeFrontier(
  points: readonly Figure2Point[] = FIGURE2_JFT_VALIDATION_LOSS,
  options: FrontierOptions = {},
): FrontierLaw {
  const gridPoints = options.gridPoints ?? FRONTIER_GRID_POINTS;
  const curves = buildCurves(
    points.map((p) => ({
      key: p.model,
      tpuV4CoreHours: p.tpuV4CoreHours,
      value: p.jftValidationLoss,
      epochs: p.epochs,
    })),
  );
  const computes = points.map((p) => p.tpuV4CoreHours);
  const minTpuV4CoreHours = Math.min(...computes);
  const maxTpuV4CoreHours = Math.max(...computes);
  if (minTpuV4CoreHours === maxTpuV4CoreHours)
    throw new PlannerInputError('points', 'the frontier needs runs at two or more compute budgets');
  const samples = lowerEnvelope(curves, logGrid(minTpuV4CoreHours, maxTpuV4CoreHours, gridPoints));
  if (samples.length < 2)
    throw new PlannerInputError('points', 'the measured curves cover fewer than two grid budgets');
  const envelope: FrontierEnvelopePoint[] = samples.map((s) => ({
    tpuV4CoreHours: s.tpuV4CoreHours,
    jftValidationLoss: s.value,
    variant: s.key,
    epochs: s.epochs,
    costPerEpochTpuV4CoreHours: s.tpuV4CoreHours / s.epochs,
  }));
  const fit = fitPowerLaw(
    envelope.map((e) => e.tpuV4CoreHours),
    envelope.map((e) => e.jftValidationLoss),
  );
  const a = fit.coefficient;
  const b = -fit.exponent;
  const maxRelativeError = Math.max(
    ...envelope.map((e) => Math.abs((a * e.tpuV4CoreHours ** -b) / e.jftValidationLoss - 1)),
  );
  return {
    id: 'jft_loss_frontier',
    form: 'L* = a x C^(-b), C in TPU-v4 core hours',
    a,
    b,
    quality: { r2Log: fit.r2Log, n: fit.n, maxRelativeError },
    grid: { minTpuV4CoreHours, maxTpuV4CoreHours, points: gridPoints },
    provenance:
      `fitted: least squares on (ln C, ln L*) over the lower envelope of ${curves.length} measured curves ` +
      `(${points.length} runs, Smith et al. 2023 Figure 2, digitized), each interpolated piecewise linearly in ` +
      `log-log space within its measured range, sampled at ${envelope.length} budgets evenly spaced in ln C`,
    envelope,
  };
}

function requirePositiveFinite(value: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new PlannerInputError(field, `${field} must be a positive finite number; got ${value}`);
}

/** L* = a x C^(-b) (the fitted frontier). Outside the grid range this is an extrapolation; see isWithinFrontierRange. */
export function predictFrontierLoss(
  law: Pick<FrontierLaw, 'a' | 'b'>,
  tpuV4CoreHours: number,
  field = 'tpuV4CoreHours',
): number {
  requirePositiveFinite(tpuV4CoreHours, field);
  const loss = law.a * tpuV4CoreHours ** -law.b;
  if (!Number.isFinite(loss) || loss <= 0)
    throw new InfeasibleError(
      `the frontier law gives no finite loss at ${tpuV4CoreHours} TPU-v4 core hours`,
      {
        tpuV4CoreHours,
      },
    );
  return loss;
}

/**
 * The budget at which the frontier reaches a target loss: C = (L / a)^(-1/b), the inverse of L* = a x C^(-b).
 * Throws InfeasibleError when the law does not fall with compute (b <= 0) or the answer is not a finite budget.
 */
export function tpuV4CoreHoursForFrontierLoss(
  law: Pick<FrontierLaw, 'a' | 'b'>,
  targetJftValidationLoss: number,
  field = 'targetJftValidationLoss',
): number {
  requirePositiveFinite(targetJftValidationLoss, field);
  if (!(law.b > 0))
    throw new InfeasibleError(
      'the frontier law does not fall with compute, so no budget reaches a target loss',
      {
        b: law.b,
      },
    );
  const tpuV4CoreHours = (targetJftValidationLoss / law.a) ** (-1 / law.b);
  if (!Number.isFinite(tpuV4CoreHours) || tpuV4CoreHours <= 0)
    throw new InfeasibleError(
      `a JFT-4B loss of ${targetJftValidationLoss} is beyond any finite budget on the frontier law`,
      { targetJftValidationLoss },
    );
  return tpuV4CoreHours;
}

/** Whether a budget lies inside the measured range the frontier was fitted on (interpolation, not extrapolation). */
export function isWithinFrontierRange(law: Pick<FrontierLaw, 'grid'>, tpuV4CoreHours: number): boolean {
  return tpuV4CoreHours >= law.grid.minTpuV4CoreHours && tpuV4CoreHours <= law.grid.maxTpuV4CoreHours;
}

export interface MeasuredAllocation {
  readonly id: 'measured_allocation';
  /** Forward FLOPs per image (224 px, 30k classes) of the envelope's variant against C. */
  readonly flopsPerImage: PowerLawFit;
  /** Cost of one JFT-4B epoch on the envelope against C. */
  readonly costPerEpochTpuV4CoreHours: PowerLawFit;
  /** Epochs on the envelope against C. The two exponents above and this one: cost per epoch + epochs = 1 exactly. */
  readonly epochs: PowerLawFit;
  /** The paper's rule, for comparison: cost per epoch and epochs both scale as C^0.5 (FACTS.equalRateScalingExponent). */
  readonly paperExponent: number;
  readonly provenance: string;
}

/**
 * Hoffmann et al. 2022 approach 1 on the paper's data: per grid budget take the variant on the lower envelope and
 * its epochs, then fit X = k x C^e for X = forward FLOPs per image, cost per epoch (C / epochs) and epochs
 * (fitted laws; FLOPs from countNfnet at 224 px and 30k classes).
 */
export function measureAllocation(frontier: Pick<FrontierLaw, 'envelope'>): MeasuredAllocation {
  const env = frontier.envelope;
  if (env.length < 2) throw new PlannerInputError('frontier', 'the envelope needs two or more budgets');
  const budgets = env.map((e) => e.tpuV4CoreHours);
  const flopsCache = new Map<PaperTrainedVariant, number>();
  const flopsOf = (v: PaperTrainedVariant): number => {
    const cached = flopsCache.get(v);
    if (cached !== undefined) return cached;
    const flops = countNfnet(v, FACTS.pretrainResolution.value, FACTS.jftClasses.value).flops;
    flopsCache.set(v, flops);
    return flops;
  };
  return {
    id: 'measured_allocation',
    flopsPerImage: fitPowerLaw(
      budgets,
      env.map((e) => flopsOf(e.variant)),
    ),
    costPerEpochTpuV4CoreHours: fitPowerLaw(
      budgets,
      env.map((e) => e.costPerEpochTpuV4CoreHours),
    ),
    epochs: fitPowerLaw(
      budgets,
      env.map((e) => e.epochs),
    ),
    paperExponent: FACTS.equalRateScalingExponent.value,
    provenance:
      `fitted: least squares on log-log over ${env.length} budgets of the Figure 2 lower envelope, taking at each ` +
      'budget the variant on the envelope and its epochs (Hoffmann et al. 2022, approach 1); ' +
      'the paper states 0.5 for both cost per epoch and epochs (FACTS.equalRateScalingExponent)',
  };
}
