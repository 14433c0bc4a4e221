/**
 * How well a law predicted the runs trained with it: the relative error of each prediction, e = (observed - predicted)
 * / observed, summarised by its mean (the bias: positive when the law was optimistic about the loss), its mean
 * absolute value and its root mean square, and the empirical coverage of the prediction intervals (the share of
 * observations inside them), which a calibrated 95 % interval brings near 0.95 as outcomes accumulate. For a
 * percentage (ImageNet top-1), whose relative error would depend on how far from 100 % it sits, the same summary of the
 * plain difference observed - predicted, in percentage points (differenceSummary).
 */

export interface CalibrationPoint {
  readonly observed: number;
  readonly predicted: number;
  /** The prediction interval, when the prediction carried one. */
  readonly interval?: { readonly lower: number; readonly upper: number };
}

export interface CalibrationSummary {
  readonly n: number;
  /** Null with no points. */
  readonly meanRelativeError: number | null;
  readonly meanAbsoluteRelativeError: number | null;
  readonly rmseRelative: number | null;
  /** Null when no point had an interval. */
  readonly intervals: { readonly n: number; readonly covered: number; readonly coverage: number } | null;
}

export function relativeError(point: CalibrationPoint): number {
  return (point.observed - point.predicted) / point.observed;
}

export function isCovered(point: CalibrationPoint): boolean | undefined {
  if (point.interval === undefined) return undefined;
  return point.observed >= point.interval.lower && point.observed <= point.interval.upper;
}

export function calibrationSummary(points: readonly CalibrationPoint[]): CalibrationSummary {
  const n = points.length;
  let sum = 0;
  let sumAbsolute = 0;
  let sumSquares = 0;
  let withInterval = 0;
  let covered = 0;
  for (const point of points) {
    const e = relativeError(point);
    sum += e;
    sumAbsolute += Math.abs(e);
    sumSquares += e * e;
    const inside = isCovered(point);
    if (inside !== undefined) {
      withInterval += 1;
      if (inside) covered += 1;
    }
  }
  return {
    n,
    meanRelativeError: n === 0 ? null : sum / n,
    meanAbsoluteRelativeError: n === 0 ? null : sumAbsolute / n,
    rmseRelative: n === 0 ? null : Math.sqrt(sumSquares / n),
    intervals: withInterval === 0 ? null : { n: withInterval, covered, coverage: covered / withInterval },
  };
}

export interface DifferenceSummary {
  readonly n: number;
  /** Mean of observed - predicted: the bias, in the quantity's unit. Null with no points. */
  readonly meanError: number | null;
  readonly meanAbsoluteError: number | null;
  readonly rmse: number | null;
  /** Null when no point had an interval. */
  readonly intervals: CalibrationSummary['intervals'];
}

export function differenceSummary(points: readonly CalibrationPoint[]): DifferenceSummary {
  const n = points.length;
  let sum = 0;
  let sumAbsolute = 0;
  let sumSquares = 0;
  for (const point of points) {
    const e = point.observed - point.predicted;
    sum += e;
    sumAbsolute += Math.abs(e);
    sumSquares += e * e;
  }
  return {
    n,
    meanError: n === 0 ? null : sum / n,
    meanAbsoluteError: n === 0 ? null : sumAbsolute / n,
    rmse: n === 0 ? null : Math.sqrt(sumSquares / n),
    intervals: calibrationSummary(points).intervals,
  };
}
