/**
 * Human-readable numbers for tooltips, legends and descriptions. Fixed to the en-US locale so a chart reads the same
 * whatever the server's locale is.
 */
const significant = (digits: number) =>
  new Intl.NumberFormat('en-US', { maximumSignificantDigits: digits, useGrouping: true });

const FOUR_SIGNIFICANT = significant(4);
const THREE_SIGNIFICANT = significant(3);

/** Epochs, e.g. "0.25". */
export function formatEpochs(epochs: number): string {
  return THREE_SIGNIFICANT.format(epochs);
}

/** A loss, a percentage or a learning rate, to four significant digits, e.g. "2.663". */
export function formatValue(value: number): string {
  return FOUR_SIGNIFICANT.format(value);
}
