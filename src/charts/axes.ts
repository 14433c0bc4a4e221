import type { ScaleLogarithmic } from 'd3-scale';
import { AXIS_COLOUR, GRID_COLOUR } from './palette.js';
import { el, formatNumber, type Markup, textEl } from './svg.js';

/** The rectangle data are drawn in, in SVG pixels. */
export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** A tick position in data units; an empty label makes it a minor (unlabelled, shorter) tick. */
export interface Tick {
  readonly value: number;
  readonly label: string;
}

export interface AxisSpec {
  readonly scale: ScaleLogarithmic<number, number>;
  readonly ticks: readonly Tick[];
  /** Axis title with its unit and scale, e.g. "Pre-training compute (TPU-v4 core hours, log scale)". */
  readonly title: string;
}

export const TICK_FONT_SIZE = 12;
export const AXIS_TITLE_FONT_SIZE = 14;
const MAJOR_TICK_LENGTH = 6;
const MINOR_TICK_LENGTH = 3;
/** Rough advance width of a digit at TICK_FONT_SIZE in common sans-serif faces, to keep labels from colliding. */
const TICK_CHAR_WIDTH = TICK_FONT_SIZE * 0.6;

/**
 * A log-scale domain around [min, max], widened on each side by `fraction` of its log-width (at least by the ratio
 * `minimumRatio`), so marks at the extremes are not cut by the frame and a single value still gets a visible range.
 */
export function paddedLogDomain(
  min: number,
  max: number,
  fraction = 0.05,
  minimumRatio = 1.05,
): [number, number] {
  const lo = Math.log(min);
  const hi = Math.log(max);
  const pad = Math.max((hi - lo) * fraction, Math.log(minimumRatio));
  return [Math.exp(lo - pad), Math.exp(hi + pad)];
}

/** d3's log ticks, labelled by d3's thinning tick format (minor ticks get an empty label). */
export function logTicks(
  scale: ScaleLogarithmic<number, number>,
  labelCount: number,
  specifier: string,
): Tick[] {
  const format = scale.tickFormat(labelCount, specifier);
  return scale.ticks().map((value) => ({ value, label: format(value) }));
}

/**
 * Drops labels that would overlap the previous kept label; `extent` is the label's size along the axis in pixels.
 * The tick itself stays, as a minor tick.
 */
function thinLabels(
  ticks: readonly Tick[],
  position: (value: number) => number,
  extent: (tick: Tick) => number,
): Tick[] {
  const sorted = [...ticks].sort((a, b) => position(a.value) - position(b.value));
  let lastEdge = Number.NEGATIVE_INFINITY;
  return sorted.map((tick) => {
    if (tick.label === '') return tick;
    const centre = position(tick.value);
    const half = extent(tick) / 2;
    if (centre - half < lastEdge) return { value: tick.value, label: '' };
    lastEdge = centre + half + 4;
    return tick;
  });
}

function inDomain(scale: ScaleLogarithmic<number, number>, value: number): boolean {
  const [a, b] = scale.domain() as [number, number];
  return value >= Math.min(a, b) && value <= Math.max(a, b);
}

/**
 * Gridlines at labelled ticks, the frame's bottom and left axis lines, tick marks, tick labels and axis titles.
 * Returns the background layer (plot area and gridlines), drawn before the data, and the axis layer, drawn after.
 */
export function renderAxes(area: PlotArea, x: AxisSpec, y: AxisSpec): { background: Markup; axes: Markup } {
  const right = area.left + area.width;
  const bottom = area.top + area.height;
  const xTicks = thinLabels(
    x.ticks.filter((t) => inDomain(x.scale, t.value)),
    (v) => x.scale(v),
    (t) => t.label.length * TICK_CHAR_WIDTH,
  );
  const yTicks = thinLabels(
    y.ticks.filter((t) => inDomain(y.scale, t.value)),
    (v) => -y.scale(v),
    () => TICK_FONT_SIZE + 2,
  );

  const grid: Markup[] = [];
  for (const t of xTicks) {
    if (t.label === '') continue;
    const px = x.scale(t.value);
    grid.push(el('line', { class: 'gridline', x1: px, y1: area.top, x2: px, y2: bottom }));
  }
  for (const t of yTicks) {
    if (t.label === '') continue;
    const py = y.scale(t.value);
    grid.push(el('line', { class: 'gridline', x1: area.left, y1: py, x2: right, y2: py }));
  }
  const background = el('g', { class: 'background' }, [
    el('rect', {
      class: 'plot-area',
      x: area.left,
      y: area.top,
      width: area.width,
      height: area.height,
      fill: '#ffffff',
    }),
    el('g', { stroke: GRID_COLOUR, 'stroke-width': 1 }, grid),
  ]);

  const xTickMarks = xTicks.map((t) => {
    const px = x.scale(t.value);
    const length = t.label === '' ? MINOR_TICK_LENGTH : MAJOR_TICK_LENGTH;
    const mark = el('line', { x1: px, y1: bottom, x2: px, y2: bottom + length, stroke: AXIS_COLOUR });
    if (t.label === '') return mark;
    return el('g', { class: 'tick x-tick' }, [
      mark,
      textEl(
        'text',
        {
          x: px,
          y: bottom + MAJOR_TICK_LENGTH + TICK_FONT_SIZE + 2,
          'text-anchor': 'middle',
          'font-size': TICK_FONT_SIZE,
        },
        t.label,
      ),
    ]);
  });
  const yTickMarks = yTicks.map((t) => {
    const py = y.scale(t.value);
    const length = t.label === '' ? MINOR_TICK_LENGTH : MAJOR_TICK_LENGTH;
    const mark = el('line', { x1: area.left - length, y1: py, x2: area.left, y2: py, stroke: AXIS_COLOUR });
    if (t.label === '') return mark;
    return el('g', { class: 'tick y-tick' }, [
      mark,
      textEl(
        'text',
        {
          x: area.left - MAJOR_TICK_LENGTH - 3,
          y: py,
          'text-anchor': 'end',
          'dominant-baseline': 'middle',
          'font-size': TICK_FONT_SIZE,
        },
        t.label,
      ),
    ]);
  });

  const yTitleX = area.left - 58;
  const yTitleY = area.top + area.height / 2;
  const axes = el('g', { class: 'axes', fill: AXIS_COLOUR }, [
    el('line', {
      class: 'axis x-axis',
      x1: area.left,
      y1: bottom,
      x2: right,
      y2: bottom,
      stroke: AXIS_COLOUR,
    }),
    el('line', {
      class: 'axis y-axis',
      x1: area.left,
      y1: area.top,
      x2: area.left,
      y2: bottom,
      stroke: AXIS_COLOUR,
    }),
    ...xTickMarks,
    ...yTickMarks,
    textEl(
      'text',
      {
        class: 'axis-title x-title',
        x: area.left + area.width / 2,
        y: bottom + MAJOR_TICK_LENGTH + TICK_FONT_SIZE + 30,
        'text-anchor': 'middle',
        'font-size': AXIS_TITLE_FONT_SIZE,
      },
      x.title,
    ),
    textEl(
      'text',
      {
        class: 'axis-title y-title',
        x: yTitleX,
        y: yTitleY,
        transform: `rotate(-90 ${formatNumber(yTitleX)} ${formatNumber(yTitleY)})`,
        'text-anchor': 'middle',
        'font-size': AXIS_TITLE_FONT_SIZE,
      },
      y.title,
    ),
  ]);
  return { background, axes };
}
