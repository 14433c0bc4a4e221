/** Oracle: the summaries worked by hand for small sets of points. */
import { describe, expect, it } from 'vitest';
import {
  calibrationSummary,
  differenceSummary,
  isCovered,
  relativeError,
} from '../../../src/core/calibration/calibrationSummary.js';

describe('calibrationSummary', () => {
  it('is empty for no points', () => {
    expect(calibrationSummary([])).toEqual({
      n: 0,
      meanRelativeError: null,
      meanAbsoluteRelativeError: null,
      rmseRelative: null,
      intervals: null,
    });
  });

  it('averages relative errors of either sign: bias, mean absolute and root mean square', () => {
    // e = (2.2 - 2) / 2.2 = 1/11 and (2 - 2.5) / 2 = -1/4.
    const summary = calibrationSummary([
      { observed: 2.2, predicted: 2 },
      { observed: 2, predicted: 2.5 },
    ]);
    expect(summary.meanRelativeError).toBeCloseTo((1 / 11 - 1 / 4) / 2, 12);
    expect(summary.meanAbsoluteRelativeError).toBeCloseTo((1 / 11 + 1 / 4) / 2, 12);
    expect(summary.rmseRelative).toBeCloseTo(Math.sqrt((1 / 121 + 1 / 16) / 2), 12);
  });

  it('counts coverage over the points that carry an interval, bounds included', () => {
    const summary = calibrationSummary([
      { observed: 2, predicted: 2.1, interval: { lower: 2, upper: 2.2 } },
      { observed: 3, predicted: 2.1, interval: { lower: 2, upper: 2.2 } },
      { observed: 2.5, predicted: 2.5 },
    ]);
    expect(summary.intervals).toEqual({ n: 2, covered: 1, coverage: 0.5 });
    expect(isCovered({ observed: 2.5, predicted: 2.5 })).toBeUndefined();
    expect(relativeError({ observed: 4, predicted: 3 })).toBe(0.25);
  });

  it('an interval covers from its lower to its upper end, both included, and nothing outside', () => {
    const interval = { lower: 2, upper: 2.2 };
    const at = (observed: number) => isCovered({ observed, predicted: 2.1, interval });
    expect([at(1.99), at(2), at(2.1), at(2.2), at(2.21)]).toEqual([false, true, true, true, false]);
    const summary = calibrationSummary(
      [1.99, 2, 2.2, 2.21].map((observed) => ({ observed, predicted: 2.1, interval })),
    );
    expect(summary.intervals).toEqual({ n: 4, covered: 2, coverage: 0.5 });
  });
});

describe('differenceSummary', () => {
  it('is empty for no points', () => {
    expect(differenceSummary([])).toEqual({
      n: 0,
      meanError: null,
      meanAbsoluteError: null,
      rmse: null,
      intervals: null,
    });
  });

  it('averages plain differences in the unit of the quantity, with coverage', () => {
    // Top-1 of 80 against 82 predicted is -2 points; 85 against 84 is +1.
    const summary = differenceSummary([
      { observed: 80, predicted: 82, interval: { lower: 79, upper: 85 } },
      { observed: 85, predicted: 84, interval: { lower: 83, upper: 84.5 } },
    ]);
    expect(summary.meanError).toBeCloseTo(-0.5, 12);
    expect(summary.meanAbsoluteError).toBeCloseTo(1.5, 12);
    expect(summary.rmse).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(summary.intervals).toEqual({ n: 2, covered: 1, coverage: 0.5 });
  });
});
