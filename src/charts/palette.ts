/**
 * Series styling shared by the charts. Colours are the Okabe & Ito (2008) colour-blind-safe palette, without its
 * yellow (too pale on white) and black (kept for the fitted law and the recommended plan). Each series also gets its
 * own marker shape, so series stay apart in greyscale print and for readers who cannot tell two hues apart.
 */

export type MarkShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'triangleDown' | 'star';

const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9'] as const;
const SERIES_SHAPES: readonly MarkShape[] = ['circle', 'square', 'triangle', 'diamond', 'triangleDown'];

/** Ink for the fitted law and the plan marker: Okabe-Ito black. */
export const LAW_COLOUR = '#000000';
/** Axis lines, tick labels and titles. */
export const AXIS_COLOUR = '#333333';
/** Gridlines: visible but quieter than any data ink. */
export const GRID_COLOUR = '#e3e3e3';

export interface SeriesStyle {
  readonly colour: string;
  readonly shape: MarkShape;
}

/**
 * The style of the index-th series. Colours and shapes cycle with coprime periods (6 and 5), so the first 30 series
 * all differ in at least one of the two.
 */
export function seriesStyle(index: number): SeriesStyle {
  const colour = SERIES_COLOURS[index % SERIES_COLOURS.length] ?? LAW_COLOUR;
  const shape = SERIES_SHAPES[index % SERIES_SHAPES.length] ?? 'circle';
  return { colour, shape };
}
