/**
 * Ordinary least squares for a straight line, and the power law it gives in log space.
 *
 * Line: slope = sum((x - x̄)(y - ȳ)) / sum((x - x̄)^2), intercept = ȳ - slope x̄ (any statistics text, e.g.
 * simple-statistics' linearRegression). Written out rather than imported: it is six lines, and the planner's power
 * laws need nothing more.
 */

export interface LineFit {
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination of y on x. */
  readonly r2: number;
  readonly n: number;
}

export function fitLine(xs: readonly number[], ys: readonly number[]): LineFit {
  const n = xs.length;
  if (n < 2 || ys.length !== n)
    throw new RangeError(`fitLine needs two or more (x, y) pairs of equal length; got ${n}`);
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += (xs[i] as number) / n;
    meanY += (ys[i] as number) / n;
  }
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - meanX;
    const dy = (ys[i] as number) - meanY;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new RangeError('fitLine needs at least two distinct x values');
  const slope = sxy / sxx;
  const residual = syy - slope * sxy;
  return { slope, intercept: meanY - slope * meanX, r2: syy === 0 ? 1 : 1 - residual / syy, n };
}

/** y = coefficient x x^exponent, fitted as a line through (ln x, ln y). */
export interface PowerLawFit {
  readonly coefficient: number;
  readonly exponent: number;
  /** R^2 of ln y on ln x. */
  readonly r2Log: number;
  readonly n: number;
}

export function fitPowerLaw(xs: readonly number[], ys: readonly number[]): PowerLawFit {
  const line = fitLine(xs.map(Math.log), ys.map(Math.log));
  return { coefficient: Math.exp(line.intercept), exponent: line.slope, r2Log: line.r2, n: line.n };
}

export function evaluatePowerLaw(law: Pick<PowerLawFit, 'coefficient' | 'exponent'>, x: number): number {
  return law.coefficient * x ** law.exponent;
}
