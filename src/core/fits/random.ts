/**
 * A seeded pseudo-random generator for the bootstrap, so that the same request gives bit-identical intervals.
 *
 * mulberry32 (Tommy Ettinger, 2017, public domain): a 32-bit state advanced by the odd constant 0x6D2B79F5 (a Weyl
 * sequence, period 2^32) and scrambled by two multiply-xorshift rounds. Its output passes gjrand and PractRand to
 * many gigabytes, far more than a bootstrap of at most 10,000 x 10,000 draws needs. Math.imul and >>> keep every
 * step in exact 32-bit integer arithmetic, so the stream is the same on every JavaScript engine.
 */

/** Returns a generator of uniform doubles in [0, 1) determined by `seed` (taken modulo 2^32). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n) from a generator of [0, 1) doubles; n must be at most 2^32. */
export function randomIndex(next: () => number, n: number): number {
  return Math.floor(next() * n);
}
