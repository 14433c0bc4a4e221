/**
 * Confidence and prediction intervals on a configuration's predicted JFT-4B loss and ImageNet top-1.
 *
 * Confidence interval (the fit's uncertainty): the (1 - level) / 2 and (1 + level) / 2 quantiles of the ensemble
 * members' predictions for the same configuration (percentile bootstrap, Efron & Tibshirani 1993 ch. 13), widened if
 * need be to contain the point estimate (the fit to the data itself, which a skewed ensemble can leave outside).
 * Prediction interval (where one new run's measurement may fall): the same, with the law's residual scatter added in
 * log space, each side separately, half-width sqrt(h^2 + (z sigma)^2), h the confidence half-width, z the normal
 * quantile of the level and sigma the law's residual log standard deviation (lawEnsemble.ts). So the prediction
 * interval always contains the confidence interval, and both widen with the level. Both are held within what is
 * physically possible: a loss at most ln 30,000, a top-1 from 0.1 % (chance) to below 100 %.
 */

import type { NfnetVariant } from '../architecture/variants.js';
import type { Interval } from './interval.js';
import { normalQuantile } from './normalQuantile.js';
import type { PlannerUncertainty } from './plannerUncertainty.js';
import { type GridLaw, gridPosition, memberQuantile } from './predictionGrid.js';

export type { Interval } from './interval.js';

export const DEFAULT_INTERVAL_LEVEL = 0.9;
/**
 * Levels accepted: 0.5 to 0.99. With 200 members a 99 % interval's ends rest on the outermost one or two members;
 * beyond that the ensemble cannot say.
 */
export const MIN_INTERVAL_LEVEL = 0.5;
export const MAX_INTERVAL_LEVEL = 0.99;

export interface PredictionIntervals {
  readonly jftValidationLossConfidenceInterval: Interval;
  readonly jftValidationLossPredictionInterval: Interval;
  readonly imagenetTop1PercentConfidenceInterval: Interval;
  readonly imagenetTop1PercentPredictionInterval: Interval;
}

/** Quantiles of the members' predictions at one configuration, and the residual scatter of the law they come from. */
export interface MemberQuantiles {
  quantile(p: number): number;
  readonly residualLogSd: number;
}

/** A confidence and a prediction interval around a positive point value, held at or below `max`. */
function intervalsOf(
  members: MemberQuantiles,
  point: number,
  level: number,
  max: number,
): { confidence: Interval; prediction: Interval } {
  const low = Math.min(members.quantile((1 - level) / 2), point);
  const high = Math.max(members.quantile((1 + level) / 2), point);
  const scatter = normalQuantile((1 + level) / 2) * members.residualLogSd;
  const below = Math.log(point / low);
  const above = Math.log(high / point);
  return {
    confidence: { lower: Math.min(low, max), upper: Math.min(high, max) },
    prediction: {
      lower: Math.min(point * Math.exp(-Math.sqrt(below * below + scatter * scatter)), max),
      upper: Math.min(point * Math.exp(Math.sqrt(above * above + scatter * scatter)), max),
    },
  };
}

/** An interval on top-1 error turned into one on top-1, 100 - error, held at chance (the subtraction can round under). */
function topOne(error: Interval, minTop1: number): Interval {
  return { lower: Math.max(100 - error.upper, minTop1), upper: Math.max(100 - error.lower, minTop1) };
}

/**
 * Both predictions' intervals for `variant` after `imagesSeen` images, the loss's from `lossMembers` when the plan
 * uses a caller's law (its own ensemble), else from the paper's laws' table. `jftValidationLoss` and `imagenetTop1Percent`
 * are the point predictions (already held within the physical bounds); the top-1 interval is the fine-tuning law's
 * error interval turned over, 100 - error.
 */
export function predictionIntervals(
  uncertainty: PlannerUncertainty,
  variant: NfnetVariant,
  imagesSeen: number,
  point: { readonly jftValidationLoss: number; readonly imagenetTop1Percent: number },
  level: number,
  bounds: { readonly maxJftValidationLoss: number; readonly minImagenetTop1Percent: number },
  lossMembers?: MemberQuantiles,
): PredictionIntervals {
  const { grid, ensemble } = uncertainty;
  const index = grid.variantIndex.get(variant) as number;
  const at = gridPosition(Math.log(imagesSeen));
  const tabulated = (law: GridLaw): MemberQuantiles => ({
    quantile: (p) => memberQuantile(grid, law, index, at, p),
    residualLogSd: ensemble.residualLogSd[law],
  });
  const loss = intervalsOf(
    lossMembers ?? tabulated('jftLoss'),
    point.jftValidationLoss,
    level,
    bounds.maxJftValidationLoss,
  );
  const error = intervalsOf(
    tabulated('finetune'),
    100 - point.imagenetTop1Percent,
    level,
    100 - bounds.minImagenetTop1Percent,
  );
  return {
    jftValidationLossConfidenceInterval: loss.confidence,
    jftValidationLossPredictionInterval: loss.prediction,
    imagenetTop1PercentConfidenceInterval: topOne(error.confidence, bounds.minImagenetTop1Percent),
    imagenetTop1PercentPredictionInterval: topOne(error.prediction, bounds.minImagenetTop1Percent),
  };
}
