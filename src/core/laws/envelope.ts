import { PlannerInputError } from '../errors.js';

/**
 * The lower envelope of measured loss-against-compute curves, the construction behind a compute frontier
 * (Hoffmann et al. 2022, approach 1; Smith et al. 2023, Figure 2).
 *
 * Each curve is interpolated piecewise linearly in (ln core hours, ln value): a power law between neighbouring runs,
 * which is how the curves look on the paper's log-log axes. A curve says nothing outside its measured range, so the
 * envelope at a budget is the minimum over the curves whose range covers it.
 */

export interface CurvePoint {
  readonly tpuV4CoreHours: number;
  /** The measured quantity (a loss or an error); positive. */
  readonly value: number;
  readonly epochs: number;
}

export interface MeasuredCurve<K extends string> {
  readonly key: K;
  /** Sorted by strictly increasing tpuV4CoreHours. */
  readonly points: readonly CurvePoint[];
}

export interface EnvelopeSample<K extends string> {
  readonly tpuV4CoreHours: number;
  readonly value: number;
  /** The curve that is lowest at this budget (the first in curve order on an exact tie). */
  readonly key: K;
  /** That curve's epochs at this budget, interpolated in the same log-log way. */
  readonly epochs: number;
}

function requirePositive(value: number, field: string): void {
  if (!Number.isFinite(value) || value <= 0)
    throw new PlannerInputError(field, `${field} must be a positive finite number; got ${value}`);
}

/** Groups points into curves, sorted by compute; a repeated compute value within one curve is an input error. */
export function buildCurves<K extends string>(
  points: readonly (CurvePoint & { readonly key: K })[],
  field = 'points',
): MeasuredCurve<K>[] {
  if (points.length === 0) throw new PlannerInputError(field, `${field} must hold at least one measured run`);
  const byKey = new Map<K, CurvePoint[]>();
  for (const [i, p] of points.entries()) {
    requirePositive(p.tpuV4CoreHours, `${field}[${i}].tpuV4CoreHours`);
    requirePositive(p.value, `${field}[${i}].value`);
    requirePositive(p.epochs, `${field}[${i}].epochs`);
    const list = byKey.get(p.key) ?? [];
    list.push({ tpuV4CoreHours: p.tpuV4CoreHours, value: p.value, epochs: p.epochs });
    byKey.set(p.key, list);
  }
  return [...byKey].map(([key, list]) => {
    const sorted = [...list].sort((a, b) => a.tpuV4CoreHours - b.tpuV4CoreHours);
    for (let i = 1; i < sorted.length; i++) {
      if ((sorted[i] as CurvePoint).tpuV4CoreHours === (sorted[i - 1] as CurvePoint).tpuV4CoreHours)
        throw new PlannerInputError(
          field,
          `curve ${key} has two runs at the same compute; cannot interpolate`,
        );
    }
    return { key, points: sorted };
  });
}

/**
 * One curve at ln(C): ln v = ln v_i + (ln C - ln C_i) (ln v_{i+1} - ln v_i) / (ln C_{i+1} - ln C_i), and the same for
 * ln epochs; null outside [C_first, C_last].
 */
export function interpolateCurve(
  curve: MeasuredCurve<string>,
  lnTpuV4CoreHours: number,
): { value: number; epochs: number } | null {
  const pts = curve.points;
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (first === undefined || last === undefined) return null;
  if (lnTpuV4CoreHours < Math.log(first.tpuV4CoreHours) || lnTpuV4CoreHours > Math.log(last.tpuV4CoreHours))
    return null;
  if (pts.length === 1) return { value: first.value, epochs: first.epochs };
  for (let i = 0; i < pts.length - 1; i++) {
    const lo = pts[i] as CurvePoint;
    const hi = pts[i + 1] as CurvePoint;
    const x0 = Math.log(lo.tpuV4CoreHours);
    const x1 = Math.log(hi.tpuV4CoreHours);
    if (lnTpuV4CoreHours > x1) continue;
    // At a run's own budget return the run exactly, not exp(ln v), so the envelope passes through the data.
    if (lnTpuV4CoreHours === x0) return { value: lo.value, epochs: lo.epochs };
    if (lnTpuV4CoreHours === x1) return { value: hi.value, epochs: hi.epochs };
    const t = (lnTpuV4CoreHours - x0) / (x1 - x0);
    const lerp = (a: number, b: number) => Math.exp(Math.log(a) + t * (Math.log(b) - Math.log(a)));
    return { value: lerp(lo.value, hi.value), epochs: lerp(lo.epochs, hi.epochs) };
  }
  return { value: last.value, epochs: last.epochs };
}

/** The lowest curve at ln(C), or null when no curve's measured range covers the budget. */
export function lowerEnvelopeAt<K extends string>(
  curves: readonly MeasuredCurve<K>[],
  lnTpuV4CoreHours: number,
): Omit<EnvelopeSample<K>, 'tpuV4CoreHours'> | null {
  let best: Omit<EnvelopeSample<K>, 'tpuV4CoreHours'> | null = null;
  for (const curve of curves) {
    const at = interpolateCurve(curve, lnTpuV4CoreHours);
    if (at !== null && (best === null || at.value < best.value)) best = { key: curve.key, ...at };
  }
  return best;
}

/**
 * n budgets evenly spaced in ln C from min to max inclusive. The ends are returned as given (not exp(ln x)), so
 * they fall exactly on the first and last measured runs.
 */
export function logGrid(minTpuV4CoreHours: number, maxTpuV4CoreHours: number, n: number): number[] {
  requirePositive(minTpuV4CoreHours, 'minTpuV4CoreHours');
  requirePositive(maxTpuV4CoreHours, 'maxTpuV4CoreHours');
  if (!Number.isInteger(n) || n < 2)
    throw new PlannerInputError('gridPoints', `gridPoints must be an integer >= 2; got ${n}`);
  if (maxTpuV4CoreHours <= minTpuV4CoreHours)
    throw new PlannerInputError('maxTpuV4CoreHours', 'the grid needs a maximum above its minimum');
  const lo = Math.log(minTpuV4CoreHours);
  const step = (Math.log(maxTpuV4CoreHours) - lo) / (n - 1);
  return Array.from({ length: n }, (_, i) =>
    i === 0 ? minTpuV4CoreHours : i === n - 1 ? maxTpuV4CoreHours : Math.exp(lo + i * step),
  );
}

/** The envelope on a grid; budgets no curve covers (gaps between disjoint curves) are left out. */
export function lowerEnvelope<K extends string>(
  curves: readonly MeasuredCurve<K>[],
  gridTpuV4CoreHours: readonly number[],
): EnvelopeSample<K>[] {
  const samples: EnvelopeSample<K>[] = [];
  for (const c of gridTpuV4CoreHours) {
    const at = lowerEnvelopeAt(curves, Math.log(c));
    if (at !== null) samples.push({ tpuV4CoreHours: c, ...at });
  }
  return samples;
}
