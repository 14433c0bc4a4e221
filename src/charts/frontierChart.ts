import { scaleLog } from 'd3-scale';
import { PlannerInputError } from '../core/errors.js';
import { formatCoreHours } from '../core/units/formatCoreHours.js';
import { logTicks, type PlotArea, paddedLogDomain, renderAxes } from './axes.js';
import { formatEpochs, formatValue } from './format.js';
import { chartFrame } from './frame.js';
import { LEGEND_SWATCH_HALF_WIDTH, type LegendEntry, renderLegend } from './legend.js';
import { pointMark, seriesMark } from './marks.js';
import { AXIS_COLOUR, LAW_COLOUR, seriesStyle } from './palette.js';
import { el, type Markup, pointsAttribute, svgDocument, textEl } from './svg.js';

export type FrontierChartMetric = 'jft_loss' | 'imagenet_top1';

export interface FrontierChartPoint {
  readonly tpuV4CoreHours: number;
  /** JFT-4B validation loss, or ImageNet top-1 accuracy in percent, as `metric` says. */
  readonly value: number;
  readonly epochs: number;
}

export interface FrontierChartSeries {
  /** Shown in the legend and tooltips, e.g. "F7+". */
  readonly name: string;
  readonly points: readonly FrontierChartPoint[];
}

export interface FrontierChartInput {
  readonly metric: FrontierChartMetric;
  /** The measured curves (the paper's six models), one series per model. */
  readonly series: readonly FrontierChartSeries[];
  /** The fitted compute frontier, sampled on a budget grid; drawn dashed. */
  readonly frontier?: {
    readonly label: string;
    readonly points: readonly { readonly tpuV4CoreHours: number; readonly value: number }[];
  };
  /** A confidence band along the budget grid (the laws' best plan's interval); drawn shaded under the frontier. */
  readonly band?: {
    readonly label: string;
    readonly points: readonly {
      readonly tpuV4CoreHours: number;
      readonly lower: number;
      readonly upper: number;
    }[];
  };
  /** The recommended plan for a requested budget; drawn as a star, with its interval as a bar when given. */
  readonly marker?: {
    readonly label: string;
    readonly tpuV4CoreHours: number;
    readonly value: number;
    /** The plan's confidence interval; `label` says which (its level). */
    readonly interval?: { readonly lower: number; readonly upper: number; readonly label: string };
  };
  readonly title?: string;
}

interface MetricAxis {
  readonly defaultTitle: string;
  readonly axisTitle: string;
  /** Plotted quantity; must be positive for the log axis. */
  readonly toAxis: (value: number) => number;
  /** Why a value cannot be plotted, or null. */
  readonly problem: (value: number) => string | null;
  readonly describe: (value: number) => string;
}

const PERCENT = 100;

const METRIC_AXES: Readonly<Record<FrontierChartMetric, MetricAxis>> = {
  jft_loss: {
    defaultTitle: 'JFT-4B validation loss against pre-training compute',
    axisTitle: 'JFT-4B validation loss (log scale)',
    toAxis: (loss) => loss,
    problem: (loss) => (Number.isFinite(loss) && loss > 0 ? null : 'must be a finite loss above 0'),
    describe: (loss) => `validation loss ${formatValue(loss)}`,
  },
  // Plotted as error = 100 - top-1 on a log axis, as in the paper's Figure 1, where the fitted law is a power law
  // in compute and so a straight line; lower is better on both charts.
  imagenet_top1: {
    defaultTitle: 'ImageNet top-1 error against pre-training compute',
    axisTitle: 'ImageNet top-1 error (% = 100 − top-1, log scale)',
    toAxis: (top1) => PERCENT - top1,
    problem: (top1) =>
      Number.isFinite(top1) && top1 > 0 && top1 < PERCENT
        ? null
        : 'must be a top-1 accuracy in percent, above 0 and below 100',
    describe: (top1) => `ImageNet top-1 ${formatValue(top1)}% (error ${formatValue(PERCENT - top1)}%)`,
  },
};

const X_AXIS_TITLE = 'Pre-training compute (TPU-v4 core hours, log scale)';

const WIDTH = 880;
const HEIGHT = 540;
const AREA: PlotArea = { left: 92, top: 56, width: 530, height: 404 };
const LEGEND_LEFT = AREA.left + AREA.width + 28;
const POINT_RADIUS = 4.5;
const PLAN_RADIUS = 7;
const LABEL_FONT_SIZE = 12;

function checkCoreHours(value: number, field: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new PlannerInputError(field, `${field} must be a finite number of TPU-v4 core hours above 0`);
  }
}

function checkValue(axis: MetricAxis, value: number, field: string): void {
  const problem = axis.problem(value);
  if (problem !== null) throw new PlannerInputError(field, `${field} ${problem}`);
}

function validate(input: FrontierChartInput, axis: MetricAxis): void {
  if (input.series.length === 0 || input.series.every((s) => s.points.length === 0)) {
    throw new PlannerInputError(
      'series',
      'the frontier chart needs at least one series with at least one point',
    );
  }
  input.series.forEach((series, i) => {
    if (series.points.length === 0) {
      throw new PlannerInputError(`series[${i}].points`, `series "${series.name}" has no points`);
    }
    series.points.forEach((p, j) => {
      const field = `series[${i}].points[${j}]`;
      checkCoreHours(p.tpuV4CoreHours, `${field}.tpuV4CoreHours`);
      checkValue(axis, p.value, `${field}.value`);
      if (!Number.isFinite(p.epochs) || p.epochs <= 0) {
        throw new PlannerInputError(`${field}.epochs`, `${field}.epochs must be a finite number above 0`);
      }
    });
  });
  input.frontier?.points.forEach((p, j) => {
    checkCoreHours(p.tpuV4CoreHours, `frontier.points[${j}].tpuV4CoreHours`);
    checkValue(axis, p.value, `frontier.points[${j}].value`);
  });
  input.band?.points.forEach((p, j) => {
    checkCoreHours(p.tpuV4CoreHours, `band.points[${j}].tpuV4CoreHours`);
    checkValue(axis, p.lower, `band.points[${j}].lower`);
    checkValue(axis, p.upper, `band.points[${j}].upper`);
  });
  if (input.marker) {
    checkCoreHours(input.marker.tpuV4CoreHours, 'marker.tpuV4CoreHours');
    checkValue(axis, input.marker.value, 'marker.value');
    if (input.marker.interval) {
      checkValue(axis, input.marker.interval.lower, 'marker.interval.lower');
      checkValue(axis, input.marker.interval.upper, 'marker.interval.upper');
    }
  }
}

const byCompute = <T extends { tpuV4CoreHours: number }>(points: readonly T[]): T[] =>
  [...points].sort((a, b) => a.tpuV4CoreHours - b.tpuV4CoreHours);

/**
 * Smith et al. 2023, Figures 1 and 2 redrawn: the measured runs of each model as marks joined by a line (compute on a
 * log x axis, loss or top-1 error on a log y axis), the fitted compute frontier dashed, and optionally the plan
 * recommended for a budget as a star with guide lines to both axes. Returns a standalone SVG document.
 *
 * Throws PlannerInputError for no points, non-positive compute, a loss not above 0 or a top-1 outside (0, 100).
 */
export function renderFrontierChart(input: FrontierChartInput): string {
  const axis = METRIC_AXES[input.metric];
  if (axis === undefined) {
    throw new PlannerInputError('metric', 'metric must be "jft_loss" or "imagenet_top1"');
  }
  validate(input, axis);

  const all = [
    ...input.series.flatMap((s) => s.points),
    ...(input.frontier?.points ?? []),
    ...(input.band?.points ?? []).flatMap((p) => [
      { tpuV4CoreHours: p.tpuV4CoreHours, value: p.lower },
      { tpuV4CoreHours: p.tpuV4CoreHours, value: p.upper },
    ]),
    ...(input.marker ? [input.marker] : []),
    ...(input.marker?.interval
      ? [
          { tpuV4CoreHours: input.marker.tpuV4CoreHours, value: input.marker.interval.lower },
          { tpuV4CoreHours: input.marker.tpuV4CoreHours, value: input.marker.interval.upper },
        ]
      : []),
  ];
  const xs = all.map((p) => p.tpuV4CoreHours);
  const ys = all.map((p) => axis.toAxis(p.value));
  const x = scaleLog()
    .domain(paddedLogDomain(Math.min(...xs), Math.max(...xs)))
    .range([AREA.left, AREA.left + AREA.width]);
  const y = scaleLog()
    .domain(paddedLogDomain(Math.min(...ys), Math.max(...ys)))
    .range([AREA.top + AREA.height, AREA.top]);
  const px = (p: { tpuV4CoreHours: number }) => x(p.tpuV4CoreHours);
  const py = (p: { value: number }) => y(axis.toAxis(p.value));

  const { background, axes } = renderAxes(
    AREA,
    { scale: x, ticks: logTicks(x, 8, '~s'), title: X_AXIS_TITLE },
    { scale: y, ticks: logTicks(y, 8, '~g'), title: axis.axisTitle },
  );

  const legend: LegendEntry[] = [];
  const layers: Markup[] = [];
  const lines: Markup[] = [];
  const marks: Markup[] = [];

  if (input.band && input.band.points.length > 0) {
    const band = byCompute(input.band.points);
    const outline = [
      ...band.map((p): [number, number] => [x(p.tpuV4CoreHours), y(axis.toAxis(p.upper))]),
      ...[...band].reverse().map((p): [number, number] => [x(p.tpuV4CoreHours), y(axis.toAxis(p.lower))]),
    ];
    const shade = { fill: LAW_COLOUR, 'fill-opacity': 0.15, stroke: 'none' };
    layers.push(
      el('polygon', { class: 'band', ...shade, points: pointsAttribute(outline) }, [
        textEl('title', {}, input.band.label),
      ]),
    );
    legend.push({
      label: input.band.label,
      kind: 'law',
      swatch: (cx, cy) =>
        el('rect', {
          ...shade,
          x: cx - LEGEND_SWATCH_HALF_WIDTH,
          y: cy - 5,
          width: 2 * LEGEND_SWATCH_HALF_WIDTH,
          height: 10,
        }),
    });
  }

  if (input.frontier && input.frontier.points.length > 0) {
    const line = { stroke: LAW_COLOUR, 'stroke-width': 2, 'stroke-dasharray': '7 5', fill: 'none' };
    layers.push(
      el(
        'polyline',
        {
          class: 'frontier',
          ...line,
          points: pointsAttribute(byCompute(input.frontier.points).map((p) => [px(p), py(p)])),
        },
        [textEl('title', {}, input.frontier.label)],
      ),
    );
    legend.push({
      label: input.frontier.label,
      kind: 'law',
      swatch: (cx, cy) =>
        el('line', {
          ...line,
          x1: cx - LEGEND_SWATCH_HALF_WIDTH,
          y1: cy,
          x2: cx + LEGEND_SWATCH_HALF_WIDTH,
          y2: cy,
        }),
    });
  }

  input.series.forEach((series, i) => {
    const { colour, shape } = seriesStyle(i);
    const points = byCompute(series.points);
    const line = { stroke: colour, 'stroke-width': 1.5, fill: 'none' };
    const mark = seriesMark(shape, colour, POINT_RADIUS);
    // Every line goes under every mark, so no series' line hides another series' measured points.
    lines.push(
      el('polyline', {
        class: 'series-line',
        'data-series': series.name,
        ...line,
        points: pointsAttribute(points.map((p) => [px(p), py(p)])),
      }),
    );
    marks.push(
      el('g', { class: 'series', 'data-series': series.name }, [
        ...points.map((p) =>
          mark(
            px(p),
            py(p),
            'point',
            `${series.name}, ${formatEpochs(p.epochs)} epochs: ${axis.describe(p.value)} at ${formatCoreHours(p.tpuV4CoreHours)} TPU-v4 core hours`,
          ),
        ),
      ]),
    );
    legend.push({
      label: series.name,
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
          mark(cx, cy, 'legend-mark', series.name),
        ]),
    });
  });

  layers.push(el('g', { class: 'series-lines' }, lines), el('g', { class: 'series-marks' }, marks));

  if (input.marker) {
    const m = input.marker;
    const cx = px(m);
    const cy = py(m);
    const guide = { stroke: AXIS_COLOUR, 'stroke-width': 1, 'stroke-dasharray': '2 3' };
    const star = (sx: number, sy: number, className: string, tooltip: string) =>
      pointMark({
        shape: 'star',
        cx: sx,
        cy: sy,
        radius: PLAN_RADIUS,
        fill: LAW_COLOUR,
        stroke: '#ffffff',
        strokeWidth: 1.5,
        className,
        tooltip,
      });
    // Below the frontier lies what no run reached (less loss for less compute), so the space below-left of the star
    // is empty on these charts; near the left edge the label goes below-right instead.
    const labelOnLeft = cx > AREA.left + AREA.width * 0.4;
    const interval = m.interval;
    layers.push(
      el('g', { class: 'plan' }, [
        ...(interval
          ? [
              el(
                'line',
                {
                  class: 'plan-interval',
                  stroke: LAW_COLOUR,
                  'stroke-width': 2,
                  x1: cx,
                  x2: cx,
                  y1: y(axis.toAxis(interval.lower)),
                  y2: y(axis.toAxis(interval.upper)),
                },
                [
                  textEl(
                    'title',
                    {},
                    `${m.label}: ${axis.describe(interval.lower)} to ${axis.describe(interval.upper)} (${interval.label})`,
                  ),
                ],
              ),
            ]
          : []),
        el('line', { ...guide, x1: cx, y1: cy, x2: cx, y2: AREA.top + AREA.height }),
        el('line', { ...guide, x1: AREA.left, y1: cy, x2: cx, y2: cy }),
        star(
          cx,
          cy,
          'plan-marker',
          `${m.label}: ${axis.describe(m.value)} at ${formatCoreHours(m.tpuV4CoreHours)} TPU-v4 core hours`,
        ),
        textEl(
          'text',
          {
            x: labelOnLeft ? cx - 12 : cx + 12,
            y: cy + 24,
            'text-anchor': labelOnLeft ? 'end' : 'start',
            'font-size': LABEL_FONT_SIZE,
            'font-weight': 'bold',
            fill: LAW_COLOUR,
            // A white halo keeps the label readable where it crosses gridlines or a series line.
            stroke: '#ffffff',
            'stroke-width': 3,
            'paint-order': 'stroke',
          },
          m.label,
        ),
      ]),
    );
    legend.push({ label: m.label, kind: 'plan', swatch: (sx, sy) => star(sx, sy, 'legend-mark', m.label) });
  }

  const title = input.title ?? axis.defaultTitle;
  const pointCount = input.series.reduce((n, s) => n + s.points.length, 0);
  return svgDocument({
    width: WIDTH,
    height: HEIGHT,
    title,
    description:
      `${pointCount} measured runs in ${input.series.length} series (${input.series.map((s) => s.name).join(', ')}), ` +
      `x: ${X_AXIS_TITLE}, y: ${axis.axisTitle}` +
      (input.frontier ? `; dashed line: ${input.frontier.label}` : '') +
      (input.marker ? `; star: ${input.marker.label}` : ''),
    children: [
      ...chartFrame(WIDTH, HEIGHT, title, AREA.left),
      background,
      ...layers,
      axes,
      renderLegend(legend, LEGEND_LEFT, AREA.top),
    ],
  });
}
