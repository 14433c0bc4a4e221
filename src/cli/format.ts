/**
 * Numbers as the CLI's tables print them. Fixed to the en-US locale so a script parsing a table, or a person comparing
 * two machines, sees the same text whatever the shell's locale. Rounding is for reading only: --json carries the full
 * values.
 */

const THREE_SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
const FOUR_SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fixed = (digits: number) =>
  new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
  });
const THREE_DECIMALS = fixed(3);
const TWO_DECIMALS = fixed(2);

/** A JFT-4B loss to three decimals, e.g. "2.346": the digitized losses of Figure 2 carry about that precision. */
export function formatLoss(loss: number): string {
  return THREE_DECIMALS.format(loss);
}

/** An ImageNet top-1 accuracy in percent to two decimals, e.g. "88.34". */
export function formatPercent(percent: number): string {
  return TWO_DECIMALS.format(percent);
}

/** Epochs, hours, learning rates: three significant figures, e.g. "0.25", "3.16". */
export function formatQuantity(value: number): string {
  return THREE_SIGNIFICANT.format(value);
}

/** A count that is whole by construction (steps, images, batch size), with separators, e.g. "1,220,703". */
export function formatCount(value: number): string {
  return WHOLE.format(value);
}

/** A count of a large quantity in a named power of ten, e.g. 1.915e10 FLOPs -> "19.2 G". */
export function formatScaled(value: number): string {
  const scales = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const;
  for (const [size, prefix] of scales)
    if (Math.abs(value) >= size) return `${THREE_SIGNIFICANT.format(value / size)} ${prefix}`;
  return THREE_SIGNIFICANT.format(value);
}

/**
 * A fitted coefficient to four significant figures, in exponent form when it is very large or very small (the surface's
 * A and B run to 1e5 and beyond), e.g. "0.4512", "1.234e+05".
 */
export function formatCoefficient(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)) return value.toExponential(3);
  return FOUR_SIGNIFICANT.format(value);
}
