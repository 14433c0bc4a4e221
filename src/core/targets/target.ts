/**
 * A quality target (issue 5, item 1): a JFT-4B validation loss to reach or an ImageNet top-1 accuracy after
 * fine-tuning to reach, exactly one of the two, and the limits no budget can pass.
 */

import { InfeasibleError, PlannerInputError } from '../errors.js';
import type { SurfaceCoefficients } from '../laws/surface.js';

export interface TargetInput {
  readonly jftValidationLoss?: number;
  readonly imagenetTop1Percent?: number;
}

export type Target =
  | { readonly kind: 'jft_validation_loss'; readonly jftValidationLoss: number }
  | { readonly kind: 'imagenet_top1_percent'; readonly imagenetTop1Percent: number };

/**
 * Largest loss target accepted: 100, far above a uniform guess over JFT-4B's 30,000 classes (ln 30000 = 10.3), which
 * the smallest budget already reaches; a larger number is a mistake (a percentage, say), not a target.
 */
export const MAX_TARGET_JFT_VALIDATION_LOSS = 100;

/** Checks that exactly one target is given, as a finite positive number (top-1 at most 100). */
export function parseTarget(target: unknown): Target {
  if (typeof target !== 'object' || target === null || Array.isArray(target))
    throw new PlannerInputError(
      'target',
      'target must be an object with jftValidationLoss or imagenetTop1Percent',
    );
  const { jftValidationLoss, imagenetTop1Percent } = target as TargetInput;
  if ((jftValidationLoss === undefined) === (imagenetTop1Percent === undefined))
    throw new PlannerInputError(
      'target',
      `target must give exactly one of jftValidationLoss and imagenetTop1Percent; got ${jftValidationLoss === undefined ? 'neither' : 'both'}`,
    );
  if (jftValidationLoss !== undefined) {
    if (
      typeof jftValidationLoss !== 'number' ||
      !Number.isFinite(jftValidationLoss) ||
      jftValidationLoss <= 0 ||
      jftValidationLoss > MAX_TARGET_JFT_VALIDATION_LOSS
    )
      throw new PlannerInputError(
        'target.jftValidationLoss',
        `target.jftValidationLoss must be a number greater than zero and at most ${MAX_TARGET_JFT_VALIDATION_LOSS}; got ${String(jftValidationLoss)}`,
      );
    return { kind: 'jft_validation_loss', jftValidationLoss };
  }
  if (
    typeof imagenetTop1Percent !== 'number' ||
    !Number.isFinite(imagenetTop1Percent) ||
    imagenetTop1Percent <= 0 ||
    imagenetTop1Percent > 100
  )
    throw top1TargetError(imagenetTop1Percent);
  return { kind: 'imagenet_top1_percent', imagenetTop1Percent };
}

/** Above 100% is a target no model reaches (422); anything else malformed is bad input (400). */
function top1TargetError(value: unknown): Error {
  if (typeof value === 'number' && Number.isFinite(value) && value > 100)
    return new InfeasibleError(
      `an ImageNet top-1 accuracy of ${value}% is above 100%, so no budget reaches it`,
      {
        target: { imagenetTop1Percent: value },
        reachableLimit: { imagenetTop1PercentBelow: 100 },
      },
    );
  return new PlannerInputError(
    'target.imagenetTop1Percent',
    `target.imagenetTop1Percent must be a number above 0 and at most 100; got ${String(value)}`,
  );
}

/** Whether predictions meet the target: loss at or below it, or top-1 at or above it. */
export function meetsTarget(
  target: Target,
  predicted: { readonly jftValidationLoss: number; readonly imagenetTop1Percent: number },
): boolean {
  return target.kind === 'jft_validation_loss'
    ? predicted.jftValidationLoss <= target.jftValidationLoss
    : predicted.imagenetTop1Percent >= target.imagenetTop1Percent;
}

/**
 * The surfaces' asymptotes bound what any budget reaches: the JFT loss stays above its fitted irreducible loss E,
 * and top-1 stays below 100 - E of the fine-tuning law's error surface (both as F and D grow without bound).
 * Throws InfeasibleError carrying that limit when the target is at or beyond it.
 */
export function assertWithinAsymptote(
  target: Target,
  jftLoss: Pick<SurfaceCoefficients, 'E'>,
  finetuneError: Pick<SurfaceCoefficients, 'E'>,
): void {
  if (target.kind === 'jft_validation_loss' && target.jftValidationLoss <= jftLoss.E)
    throw new InfeasibleError(
      `a JFT-4B validation loss of ${target.jftValidationLoss} is at or below the fitted irreducible loss E = ${jftLoss.E.toPrecision(4)}, which no budget reaches`,
      {
        target: { jftValidationLoss: target.jftValidationLoss },
        reachableLimit: { jftValidationLossAbove: jftLoss.E },
      },
    );
  const top1Limit = 100 - finetuneError.E;
  if (target.kind === 'imagenet_top1_percent' && target.imagenetTop1Percent >= top1Limit)
    throw new InfeasibleError(
      `an ImageNet top-1 of ${target.imagenetTop1Percent}% is at or above the fine-tuning law's limit of ${top1Limit.toPrecision(4)}% (100 - its irreducible error E), which no budget reaches`,
      {
        target: { imagenetTop1Percent: target.imagenetTop1Percent },
        reachableLimit: { imagenetTop1PercentBelow: top1Limit },
      },
    );
}
