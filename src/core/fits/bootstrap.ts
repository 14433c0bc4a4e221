/**
 * The nonparametric bootstrap's two pieces (Efron & Tibshirani 1993, "An Introduction to the Bootstrap", ch. 6 and
 * 13): a resample of n items drawn with replacement, and percentile intervals of the statistics refitted on each.
 */

import { quantileInPlace } from '../uncertainty/quantileInPlace.js';
import { mulberry32, randomIndex } from './random.js';

/**
 * Draws `samples` resamples of `n` items with replacement from a generator seeded with `seed`, calling `visit` with
 * each as counts (how often each item was drawn; the counts sum to n) in a buffer reused between calls.
 */
export function forEachResample(
  n: number,
  samples: number,
  seed: number,
  visit: (counts: Float64Array, sample: number) => void,
): void {
  const next = mulberry32(seed);
  const counts = new Float64Array(n);
  for (let s = 0; s < samples; s++) {
    counts.fill(0);
    for (let k = 0; k < n; k++) {
      const i = randomIndex(next, n);
      counts[i] = (counts[i] as number) + 1;
    }
    visit(counts, s);
  }
}

export interface PercentileInterval {
  readonly lower: number;
  readonly upper: number;
}

/**
 * The central `level` percentile interval: the (1 - level) / 2 and (1 + level) / 2 quantiles (Hyndman & Fan 1996,
 * definition 7, the default of R and NumPy). Reorders `values`.
 */
export function percentileInterval(values: Float64Array, level: number): PercentileInterval {
  if (values.length === 0) throw new RangeError('percentileInterval: no values');
  return {
    lower: quantileInPlace(values, (1 - level) / 2),
    upper: quantileInPlace(values, (1 + level) / 2),
  };
}
