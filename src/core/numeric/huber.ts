/**
 * The Huber loss, as Hoffmann et al. (2022, "Training Compute-Optimal Large Language Models", appendix D.2) use it to fit
 * their approach-3 law: quadratic within delta of zero, linear beyond, so that a few outlying points cannot dominate.
 *
 *   huber_delta(r) = r^2 / 2              if |r| <= delta
 *                  = delta (|r| - delta / 2) otherwise
 */
export function huber(residual: number, delta: number): number {
  const magnitude = Math.abs(residual);
  return magnitude <= delta ? 0.5 * residual * residual : delta * (magnitude - 0.5 * delta);
}

/** d huber_delta(r) / dr: r inside the quadratic zone, delta x sign(r) outside it (continuous at |r| = delta). */
export function huberDerivative(residual: number, delta: number): number {
  if (residual > delta) return delta;
  if (residual < -delta) return -delta;
  return residual;
}
