/**
 * Hyndman & Fan (1996) definition 7, by selection rather than a sort: the order statistics at floor(h) and the one
 * after it, found by Hoare's quickselect (Hoare 1961, Algorithm 65 "Find"), which leaves `values` partitioned.
 */
export function quantileInPlace(values: Float64Array, p: number): number {
  const h = (values.length - 1) * p;
  const lo = Math.floor(h);
  const below = select(values, lo);
  if (lo + 1 >= values.length) return below;
  // After select, everything right of lo is at least values[lo]: the next order statistic is their minimum.
  let next = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < values.length; i++) next = Math.min(next, values[i] as number);
  return below + (h - lo) * (next - below);
}

/** Rearranges `values` so that values[k] is its k-th smallest, with nothing larger before it nor smaller after. */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const pivot = values[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k] as number;
}
