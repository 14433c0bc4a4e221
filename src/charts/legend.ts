import { AXIS_COLOUR } from './palette.js';
import { el, type Markup, textEl } from './svg.js';

export interface LegendEntry {
  readonly label: string;
  /** What the entry stands for; tests and styles select on it ("series", "law", "plan", "grid"). */
  readonly kind: string;
  /** Draws the entry's sample mark centred on (cx, cy). */
  readonly swatch: (cx: number, cy: number) => Markup;
}

export const LEGEND_FONT_SIZE = 13;
const ROW_HEIGHT = 22;
const SWATCH_WIDTH = 28;
/** Longer labels are cut with an ellipsis (full text kept as a tooltip) so the legend stays inside the canvas. */
const MAX_LABEL_CHARACTERS = 24;

function shorten(label: string): string {
  const characters = [...label];
  return characters.length <= MAX_LABEL_CHARACTERS
    ? label
    : `${characters.slice(0, MAX_LABEL_CHARACTERS - 1).join('')}…`;
}

/** A vertical legend whose top-left corner is (left, top): one row per entry, swatch then label. */
export function renderLegend(entries: readonly LegendEntry[], left: number, top: number): Markup {
  const rows = entries.map((entry, i) => {
    const cy = top + ROW_HEIGHT * i + ROW_HEIGHT / 2;
    return el('g', { class: 'legend-entry', 'data-kind': entry.kind }, [
      textEl('title', {}, entry.label),
      entry.swatch(left + SWATCH_WIDTH / 2, cy),
      textEl(
        'text',
        {
          x: left + SWATCH_WIDTH + 8,
          y: cy,
          'dominant-baseline': 'middle',
          'font-size': LEGEND_FONT_SIZE,
          fill: AXIS_COLOUR,
        },
        shorten(entry.label),
      ),
    ]);
  });
  return el('g', { class: 'legend' }, rows);
}

/** Half the swatch width, for swatches that draw a short line through the mark. */
export const LEGEND_SWATCH_HALF_WIDTH = SWATCH_WIDTH / 2;
