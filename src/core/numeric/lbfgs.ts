/**
 * A bounded quasi-Newton minimiser: limited-memory BFGS with box bounds handled by projection.
 *
 * Hand-written, not imported: npm has no well-kept L-BFGS package (fmin 0.0.4 is unmaintained and has no bounds), and the
 * planner's fits have five parameters, so a short, dependency-free implementation is easier to trust and to audit.
 *
 * Method (Kim, Sra & Dhillon 2010, "Tackling box-constrained optimization via a new projected quasi-Newton approach";
 * the two-loop recursion is Nocedal & Wright 2006, algorithm 7.4):
 * - a coordinate is held at its bound while the gradient pushes it outward (the active set);
 * - the L-BFGS direction is computed on the free coordinates only;
 * - a backtracking (Armijo) line search runs along the projected path x(t) = P(x + t d), where P clips to the box;
 * - a curvature pair (s, y) enters the memory only when s.y > 0, which keeps the inverse-Hessian estimate positive definite.
 * It stops when the projected gradient is below tolerance, when a step lowers the objective by less than a relative
 * tolerance, or after maxIterations. Everything is plain arithmetic in a fixed order: the same input gives bit-identical output.
 */

/** Returns f(x) and writes the gradient of f at x into `gradient` (same length as x). */
export type ObjectiveWithGradient = (x: Float64Array, gradient: Float64Array) => number;

export interface BoxMinimizeOptions {
  /** Lower bound per coordinate; -Infinity (the default) for none. */
  readonly lower?: readonly number[];
  /** Upper bound per coordinate; +Infinity (the default) for none. */
  readonly upper?: readonly number[];
  readonly maxIterations?: number;
  /** Number of curvature pairs kept. */
  readonly memory?: number;
  /** Converged when every component of the projected gradient is at most this in magnitude. */
  readonly gradientTolerance?: number;
  /** Also stops when one iteration lowers the objective by at most this fraction of its value. */
  readonly relativeValueTolerance?: number;
}

export interface BoxMinimizeResult {
  readonly x: number[];
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** Why it stopped: projected gradient small, no further decrease possible, or iteration cap. */
  readonly stop: 'gradient' | 'no_decrease' | 'max_iterations';
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 50;

export function minimizeBoxLbfgs(
  objective: ObjectiveWithGradient,
  start: readonly number[],
  options: BoxMinimizeOptions = {},
): BoxMinimizeResult {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 500;
  const memory = options.memory ?? 8;
  const gradientTolerance = options.gradientTolerance ?? 1e-12;
  const relativeValueTolerance = options.relativeValueTolerance ?? 1e-15;
  const lower = Float64Array.from({ length: n }, (_, i) => options.lower?.[i] ?? Number.NEGATIVE_INFINITY);
  const upper = Float64Array.from({ length: n }, (_, i) => options.upper?.[i] ?? Number.POSITIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    if (!((lower[i] as number) <= (upper[i] as number)) || !Number.isFinite(start[i] as number))
      throw new RangeError(`minimizeBoxLbfgs: coordinate ${i} has an empty box or a non-finite start`);
  }

  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = clamp(start[i] as number, lower[i] as number, upper[i] as number);
  const gradient = new Float64Array(n);
  let value = objective(x, gradient);
  let evaluations = 1;

  const sHistory = Array.from({ length: memory }, () => new Float64Array(n));
  const yHistory = Array.from({ length: memory }, () => new Float64Array(n));
  const rho = new Float64Array(memory);
  const alphas = new Float64Array(memory);
  let stored = 0;
  let newest = -1;

  const direction = new Float64Array(n);
  const free = new Uint8Array(n);
  const trial = new Float64Array(n);
  const trialGradient = new Float64Array(n);

  let iterations = 0;
  let stop: BoxMinimizeResult['stop'] = 'max_iterations';
  while (iterations < maxIterations) {
    let projectedGradientNorm = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      const gi = gradient[i] as number;
      const pinned = (xi <= (lower[i] as number) && gi > 0) || (xi >= (upper[i] as number) && gi < 0);
      free[i] = pinned ? 0 : 1;
      if (!pinned) projectedGradientNorm = Math.max(projectedGradientNorm, Math.abs(gi));
    }
    if (projectedGradientNorm <= gradientTolerance) {
      stop = 'gradient';
      break;
    }

    // Two-loop recursion on the free coordinates: direction = -H g.
    for (let i = 0; i < n; i++) direction[i] = free[i] ? (gradient[i] as number) : 0;
    for (let k = 0, j = newest; k < stored; k++, j = (j - 1 + memory) % memory) {
      const a = (rho[j] as number) * dotFree(sHistory[j] as Float64Array, direction, free);
      alphas[j] = a;
      axpyFree(-a, yHistory[j] as Float64Array, direction, free);
    }
    if (stored > 0) {
      const s = sHistory[newest] as Float64Array;
      const y = yHistory[newest] as Float64Array;
      const yy = dotFree(y, y, free);
      const gamma = yy > 0 ? dotFree(s, y, free) / yy : 1;
      if (gamma > 0) for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * gamma;
    }
    for (let k = 0, j = (newest - stored + 1 + memory) % memory; k < stored; k++, j = (j + 1) % memory) {
      const b = (rho[j] as number) * dotFree(yHistory[j] as Float64Array, direction, free);
      axpyFree((alphas[j] as number) - b, sHistory[j] as Float64Array, direction, free);
    }
    let slope = 0;
    for (let i = 0; i < n; i++) {
      direction[i] = -(direction[i] as number);
      slope += (direction[i] as number) * (gradient[i] as number);
    }
    if (!(slope < 0)) {
      // The quasi-Newton model has gone bad: forget it and take the steepest descent step.
      stored = 0;
      slope = 0;
      for (let i = 0; i < n; i++) {
        direction[i] = free[i] ? -(gradient[i] as number) : 0;
        slope -= (direction[i] as number) * (direction[i] as number);
      }
    }

    // First step from a cold memory: move at most one unit in the largest coordinate.
    let step = stored === 0 ? Math.min(1, 1 / maxAbs(direction)) : 1;
    let trialValue = Number.NaN;
    let accepted = false;
    for (let backtrack = 0; backtrack < MAX_BACKTRACKS; backtrack++) {
      let decrease = 0;
      for (let i = 0; i < n; i++) {
        const xi = x[i] as number;
        const ti = clamp(xi + step * (direction[i] as number), lower[i] as number, upper[i] as number);
        trial[i] = ti;
        decrease += (gradient[i] as number) * (ti - xi);
      }
      trialValue = objective(trial, trialGradient);
      evaluations++;
      if (Number.isFinite(trialValue) && trialValue <= value + ARMIJO * decrease && decrease < 0) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    iterations++;
    if (!accepted) {
      if (stored > 0) {
        stored = 0;
        continue;
      }
      stop = 'no_decrease';
      break;
    }

    const next = (newest + 1) % memory;
    const s = sHistory[next] as Float64Array;
    const y = yHistory[next] as Float64Array;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = (trial[i] as number) - (x[i] as number);
      y[i] = (trialGradient[i] as number) - (gradient[i] as number);
      sy += (s[i] as number) * (y[i] as number);
    }
    if (sy > 1e-300) {
      rho[next] = 1 / sy;
      newest = next;
      stored = Math.min(stored + 1, memory);
    }
    const previousValue = value;
    x.set(trial);
    gradient.set(trialGradient);
    value = trialValue;
    if (previousValue - value <= relativeValueTolerance * Math.abs(previousValue)) {
      stop = 'no_decrease';
      break;
    }
  }
  return { x: Array.from(x), value, iterations, evaluations, stop };
}

export interface MultiStartResult extends BoxMinimizeResult {
  /** Index into `starts` of the run that won. */
  readonly bestStart: number;
  readonly startsTried: number;
}

/**
 * Runs minimizeBoxLbfgs from every start and keeps the lowest objective (the first such start on a tie), as
 * Hoffmann et al. (2022, appendix D.2) do with their grid of initialisations.
 */
export function minimizeFromStarts(
  objective: ObjectiveWithGradient,
  starts: readonly (readonly number[])[],
  options: BoxMinimizeOptions = {},
): MultiStartResult {
  let best: BoxMinimizeResult | undefined;
  let bestStart = -1;
  for (let k = 0; k < starts.length; k++) {
    const result = minimizeBoxLbfgs(objective, starts[k] as readonly number[], options);
    if (Number.isFinite(result.value) && (best === undefined || result.value < best.value)) {
      best = result;
      bestStart = k;
    }
  }
  if (best === undefined) throw new RangeError('minimizeFromStarts: no start gave a finite objective');
  return { ...best, bestStart, startsTried: starts.length };
}

/** Every combination of the given axis values (the first axis varies slowest). */
export function gridOfStarts(axes: readonly (readonly number[])[]): number[][] {
  let points: number[][] = [[]];
  for (const axis of axes) points = points.flatMap((prefix) => axis.map((v) => [...prefix, v]));
  return points;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

function dotFree(a: Float64Array, b: Float64Array, free: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) if (free[i]) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function axpyFree(a: number, x: Float64Array, y: Float64Array, free: Uint8Array): void {
  for (let i = 0; i < x.length; i++) if (free[i]) y[i] = (y[i] as number) + a * (x[i] as number);
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] as number));
  return m > 0 ? m : 1;
}
