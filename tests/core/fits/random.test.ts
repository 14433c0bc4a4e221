import { describe, expect, it } from 'vitest';
import { forEachResample, percentileInterval } from '../../../src/core/fits/bootstrap.js';
import { mulberry32, randomIndex } from '../../../src/core/fits/random.js';
import { quantileInPlace } from '../../../src/core/uncertainty/quantileInPlace.js';

/** Tommy Ettinger's published mulberry32, transcribed in its original style as the oracle. */
function referenceMulberry32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('mulberry32', () => {
  it('gives the published generator’s stream for several seeds (oracle: reference transcription)', () => {
    for (const seed of [0, 1, 42, 2 ** 31, 2 ** 32 - 1]) {
      const ours = mulberry32(seed);
      const theirs = referenceMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours()).toBe(theirs());
    }
  });

  it('draws from [0, 1) with mean 1/2 and variance 1/12 (uniform distribution, 4 standard errors)', () => {
    const next = mulberry32(7);
    const n = 100_000;
    let sum = 0;
    let sumSquares = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSquares += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sumSquares / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('gives different streams for different seeds, and indices covering 0..n-1 only', () => {
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
    const next = mulberry32(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(randomIndex(next, 6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('bootstrap pieces', () => {
  it('quantiles interpolate between order statistics (hand-worked, Hyndman & Fan type 7)', () => {
    // Sorted 1, 2, 3, 4: h = 3p; p = 0.5 -> 2.5; p = 0.025 -> 1 + 0.075; p = 0.975 -> 3 + 0.925.
    expect(quantileInPlace(Float64Array.from([4, 1, 3, 2]), 0.5)).toBe(2.5);
    expect(quantileInPlace(Float64Array.from([4, 1, 3, 2]), 0.025)).toBeCloseTo(1.075, 12);
    const interval = percentileInterval(Float64Array.from([3, 4, 2, 1]), 0.95);
    expect(interval.lower).toBeCloseTo(1.075, 12);
    expect(interval.upper).toBeCloseTo(3.925, 12);
    expect(quantileInPlace(Float64Array.from([5]), 0.975)).toBe(5);
  });

  it('each resample draws n items with replacement; same seed, same resamples', () => {
    const collect = (seed: number) => {
      const all: number[][] = [];
      forEachResample(10, 50, seed, (counts) => {
        expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
        all.push(Array.from(counts));
      });
      return all;
    };
    expect(collect(5)).toEqual(collect(5));
    expect(collect(5)).not.toEqual(collect(6));
    // With replacement: a resample of 10 without a repeat has probability 10! / 10^10 ~ 4e-4.
    expect(collect(5).some((counts) => counts.some((c) => c > 1))).toBe(true);
  });
});
