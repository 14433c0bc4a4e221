import { AXIS_COLOUR } from './palette.js';
import { el, type Markup, textEl } from './svg.js';

const TITLE_FONT_SIZE = 17;
const TITLE_BASELINE_Y = 32;

/** What every chart starts with: an opaque white canvas (so it reads on dark pages) and a bold title at `left`. */
export function chartFrame(width: number, height: number, title: string, left: number): Markup[] {
  return [
    el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    textEl(
      'text',
      {
        class: 'chart-title',
        x: left,
        y: TITLE_BASELINE_Y,
        'font-size': TITLE_FONT_SIZE,
        'font-weight': 'bold',
        fill: AXIS_COLOUR,
      },
      title,
    ),
  ];
}
