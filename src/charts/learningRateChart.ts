import { scaleLog } from 'd3-scale';
import { PlannerInputError } from '../core/errors.js';
import { type PlotArea, paddedLogDomain, renderAxes, type Tick } from './axes.js';
import { formatEpochs, formatValue } from './format.js';
import { chartFrame } from './frame.js';
import { LEGEND_SWATCH_HALF_WIDTH, type LegendEntry, renderLegend } from './legend.js';
import { seriesMark } from './marks.js';
import { AXIS_COLOUR, seriesStyle } from './palette.js';
import { el, type Markup, pointsAttribute, svgDocument, textEl } from './svg.js';

export interface LearningRateChartInput {
  /** Measured optima (the paper's Figure 3: 3 models x 6 epoch budgets). */
  readonly points: readonly {
    readonly model: string;
    readonly epochs: number;
    readonly optimalLearningRate: number;
  }[];
  /** The fitted law per model, sampled over epochs. */
  readonly curves: readonly {
    readonly model: string;
    readonly points: readonly { readonly epochs: number; readonly learningRate: number }[];
  }[];
  /** The learning rates that were tried (the paper's grid, spaced by factors of 2); drawn as labelled gridlines. */
  readonly grid: readonly number[];
  readonly title?: string;
}

const DEFAULT_TITLE = 'Optimal learning rate against epoch budget';
const X_AXIS_TITLE = 'Pre-training epochs over JFT-4B (log₂ scale)';
const Y_AXIS_TITLE = 'Optimal base learning rate (log₂ scale)';

const WIDTH = 820;
const HEIGHT = 500;
const AREA: PlotArea = { left: 92, top: 56, width: 500, height: 364 };
const LEGEND_LEFT = AREA.left + AREA.width + 28;
const POINT_RADIUS = 5;
/** Horizontal spacing between models' marks at the same epoch budget, in pixels: wider than the widest mark
 * (a triangle of POINT_RADIUS is 13.5 px wide), so coinciding optima sit side by side without overlapping. */
const DODGE_PX = 14;
/** Line widths of the first and last model's law; earlier lines are wider so coinciding laws show as nested bands. */
const WIDEST_LAW_PX = 5;
const NARROWEST_LAW_PX = 1.5;

function checkPositive(value: number, field: string, what: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new PlannerInputError(field, `${field} must be a finite ${what} above 0`);
  }
}

function validate(input: LearningRateChartInput): void {
  if (input.points.length === 0 && input.curves.every((c) => c.points.length === 0)) {
    throw new PlannerInputError('points', 'the learning-rate chart needs at least one point or curve sample');
  }
  input.points.forEach((p, i) => {
    checkPositive(p.epochs, `points[${i}].epochs`, 'number of epochs');
    checkPositive(p.optimalLearningRate, `points[${i}].optimalLearningRate`, 'learning rate');
  });
  input.curves.forEach((curve, i) => {
    curve.points.forEach((p, j) => {
      checkPositive(p.epochs, `curves[${i}].points[${j}].epochs`, 'number of epochs');
      checkPositive(p.learningRate, `curves[${i}].points[${j}].learningRate`, 'learning rate');
    });
  });
  input.grid.forEach((value, i) => {
    checkPositive(value, `grid[${i}]`, 'learning rate');
  });
}

/** Models in order of first appearance, points before curves, so styles follow the caller's ordering. */
function modelsOf(input: LearningRateChartInput): string[] {
  const models: string[] = [];
  for (const name of [...input.points.map((p) => p.model), ...input.curves.map((c) => c.model)]) {
    if (!models.includes(name)) models.push(name);
  }
  return models;
}

/**
 * Smith et al. 2023, Figure 3 redrawn: the digitized optimal learning rate of each model at each epoch budget (log2
 * axes, since both the epoch budgets and the tuning grid are spaced by factors of 2), the tuning grid as labelled
 * gridlines, and the fitted law per model as a line. Optima of different models often coincide (all sit at 1.6 for
 * short runs), so each model's marks and law are shifted sideways by a few pixels, and laws are drawn as nested
 * lines of decreasing width, so every mark and line stays visible. Returns a standalone SVG document.
 *
 * Throws PlannerInputError when there is nothing to draw or any epoch count or learning rate is not positive.
 */
export function renderLearningRateChart(input: LearningRateChartInput): string {
  validate(input);
  const models = modelsOf(input);

  const epochs = [
    ...input.points.map((p) => p.epochs),
    ...input.curves.flatMap((c) => c.points.map((p) => p.epochs)),
  ];
  const rates = [
    ...input.points.map((p) => p.optimalLearningRate),
    ...input.curves.flatMap((c) => c.points.map((p) => p.learningRate)),
    ...input.grid,
  ];
  const x = scaleLog()
    .base(2)
    .domain(paddedLogDomain(Math.min(...epochs), Math.max(...epochs), 0.06, 1.2))
    .range([AREA.left, AREA.left + AREA.width]);
  const y = scaleLog()
    .base(2)
    .domain(paddedLogDomain(Math.min(...rates), Math.max(...rates), 0.08, 1.2))
    .range([AREA.top + AREA.height, AREA.top]);

  const xTicks: Tick[] = x.ticks().map((value) => ({ value, label: formatEpochs(value) }));
  const yTicks: Tick[] =
    input.grid.length > 0
      ? input.grid.map((value) => ({ value, label: formatValue(value) }))
      : y.ticks().map((value) => ({ value, label: formatValue(value) }));
  const { background, axes } = renderAxes(
    AREA,
    { scale: x, ticks: xTicks, title: X_AXIS_TITLE },
    { scale: y, ticks: yTicks, title: Y_AXIS_TITLE },
  );

  const dodge = (modelIndex: number) => (modelIndex - (models.length - 1) / 2) * DODGE_PX;
  const lawWidth = (modelIndex: number) =>
    models.length === 1
      ? NARROWEST_LAW_PX
      : WIDEST_LAW_PX - ((WIDEST_LAW_PX - NARROWEST_LAW_PX) * modelIndex) / (models.length - 1);

  const lines: Markup[] = [];
  const marks: Markup[] = [];
  const legend: LegendEntry[] = [];
  models.forEach((model, i) => {
    const { colour, shape } = seriesStyle(i);
    const shift = dodge(i);
    const line = { stroke: colour, 'stroke-width': lawWidth(i), 'stroke-linejoin': 'round', fill: 'none' };
    const mark = seriesMark(shape, colour, POINT_RADIUS);

    for (const curve of input.curves.filter((c) => c.model === model)) {
      const samples = [...curve.points].sort((a, b) => a.epochs - b.epochs);
      lines.push(
        el('polyline', {
          class: 'law',
          'data-series': model,
          ...line,
          points: pointsAttribute(samples.map((p) => [x(p.epochs) + shift, y(p.learningRate)])),
        }),
      );
    }
    marks.push(
      el(
        'g',
        { class: 'series', 'data-series': model },
        input.points
          .filter((p) => p.model === model)
          .map((p) =>
            mark(
              x(p.epochs) + shift,
              y(p.optimalLearningRate),
              'point',
              `${model}, ${formatEpochs(p.epochs)} epochs: optimal learning rate ${formatValue(p.optimalLearningRate)}`,
            ),
          ),
      ),
    );
    legend.push({
      label: model,
      kind: 'series',
      swatch: (cx, cy) =>
        el('g', {}, [
          el('line', {
            ...line,
            x1: cx - LEGEND_SWATCH_HALF_WIDTH,
            y1: cy,
            x2: cx + LEGEND_SWATCH_HALF_WIDTH,
            y2: cy,
          }),
          mark(cx, cy, 'legend-mark', model),
        ]),
    });
  });

  const title = input.title ?? DEFAULT_TITLE;
  const notes = ['Marks: measured optima', 'Lines: fitted law'].map((line, i) =>
    textEl(
      'text',
      {
        class: 'legend-note',
        x: LEGEND_LEFT,
        y: AREA.top + 22 * models.length + 24 + 18 * i,
        'font-size': 12,
        fill: AXIS_COLOUR,
      },
      line,
    ),
  );
  return svgDocument({
    width: WIDTH,
    height: HEIGHT,
    title,
    description:
      `${input.points.length} measured optimal learning rates for ${models.join(', ')}, with the fitted law per model; ` +
      `x: ${X_AXIS_TITLE}, y: ${Y_AXIS_TITLE}; gridlines at the tuning grid ${input.grid.map(formatValue).join(', ')}. ` +
      `Each model's marks and line are shifted ${DODGE_PX} px sideways from the next model's so coinciding optima stay visible.`,
    children: [
      ...chartFrame(WIDTH, HEIGHT, title, AREA.left),
      background,
      el('g', { class: 'laws' }, lines),
      el('g', { class: 'series-marks' }, marks),
      axes,
      renderLegend(legend, LEGEND_LEFT, AREA.top),
      ...notes,
    ],
  });
}
