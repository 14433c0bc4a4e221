/**
 * Compute in TPU-v4 core hours as people read it, e.g. "12,980": four significant figures with thousands separators,
 * in the en-US locale so a table or a chart reads the same whatever the machine's locale. The one format of the
 * charts' tooltips and the CLI's tables; the API itself sends full numbers.
 */
const FOUR_SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4, useGrouping: true });

export function formatCoreHours(tpuV4CoreHours: number): string {
  return FOUR_SIGNIFICANT.format(tpuV4CoreHours);
}
