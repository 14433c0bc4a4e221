/**
 * quantileInPlace: Hyndman & Fan's definition 7 by quickselect. Oracle: the definition itself on a sorted copy
 * (h = (n - 1) p, x_floor(h) + (h - floor(h)) (x_floor(h)+1 - x_floor(h))), over thousands of generated arrays with
 * repeated values, and hand-worked cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileInPlace } from '../../../src/core/uncertainty/quantileInPlace.js';

function bySorting(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

describe('quantileInPlace (oracle: definition 7 on a sorted copy)', () => {
  it('hand-worked: 1, 2, 3, 4 at 0.5 is 2.5, at 0.025 is 1.075; one value is every quantile', () => {
    expect(quantileInPlace(Float64Array.from([4, 1, 3, 2]), 0.5)).toBe(2.5);
    expect(quantileInPlace(Float64Array.from([4, 1, 3, 2]), 0.025)).toBeCloseTo(1.075, 12);
    expect(quantileInPlace(Float64Array.from([4, 1, 3, 2]), 1)).toBe(4);
    expect(quantileInPlace(Float64Array.from([4, 1, 3, 2]), 0)).toBe(1);
    expect(quantileInPlace(Float64Array.from([5]), 0.975)).toBe(5);
  });

  it('equals the sorted definition for any array and p, repeated values included, whatever it reorders', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (drawn, p) => {
          // -0 and 0 are the same number to a quantile but not to toEqual: compare them as 0.
          const values = drawn.map((v) => v + 0);
          const array = Float64Array.from(values);
          const expected = bySorting(values, p);
          expect(quantileInPlace(array, p)).toBeCloseTo(expected, 9);
          // Still the same multiset, so a second quantile of the reordered array is right too.
          expect([...array].sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
          expect(quantileInPlace(array, 1 - p)).toBeCloseTo(bySorting(values, 1 - p), 9);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
