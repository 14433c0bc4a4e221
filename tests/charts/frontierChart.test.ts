import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type FrontierChartInput, renderFrontierChart } from '../../src/charts/frontierChart.js';
import { PlannerInputError } from '../../src/core/errors.js';
import { allText, byClass, centre, descendants, markBox, num, parseSvg, plotArea } from './parseSvg.js';

// Synthetic data, hand-made: three "models" whose loss falls as compute doubles, a frontier through two decades,
// and a plan marker. Nothing here comes from the laws modules.
const SERIES: FrontierChartInput['series'] = [
  {
    name: 'small',
    points: [
      { tpuV4CoreHours: 1000, value: 3.0, epochs: 1 },
      { tpuV4CoreHours: 2000, value: 2.9, epochs: 2 },
      { tpuV4CoreHours: 4000, value: 2.85, epochs: 4 },
    ],
  },
  {
    name: 'medium',
    points: [
      { tpuV4CoreHours: 3000, value: 2.8, epochs: 1 },
      { tpuV4CoreHours: 6000, value: 2.7, epochs: 2 },
      { tpuV4CoreHours: 12000, value: 2.6, epochs: 4 },
    ],
  },
  {
    name: 'large',
    points: [
      { tpuV4CoreHours: 10000, value: 2.7, epochs: 1 },
      { tpuV4CoreHours: 20000, value: 2.55, epochs: 2 },
      { tpuV4CoreHours: 40000, value: 2.45, epochs: 4 },
      { tpuV4CoreHours: 100000, value: 2.35, epochs: 10 },
    ],
  },
];
const FRONTIER = {
  label: 'fitted frontier',
  points: [
    { tpuV4CoreHours: 1000, value: 2.95 },
    { tpuV4CoreHours: 10000, value: 2.65 },
    { tpuV4CoreHours: 100000, value: 2.33 },
  ],
};
const MARKER = { label: 'plan for 20k core hours', tpuV4CoreHours: 20000, value: 2.52 };
const POINT_COUNT = 10;

const lossChart = (extra: Partial<FrontierChartInput> = {}) =>
  renderFrontierChart({ metric: 'jft_loss', series: SERIES, frontier: FRONTIER, marker: MARKER, ...extra });

describe('renderFrontierChart: document structure (oracle: SVG 1.1 standalone-document requirements)', () => {
  it('is well-formed XML whose root is <svg> with the SVG namespace, a viewBox and a size', () => {
    const root = parseSvg(lossChart());
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.viewBox?.split(' ').map(Number)).toEqual([
      0,
      0,
      num(root, 'width'),
      num(root, 'height'),
    ]);
    expect(root.children.find((c) => c.name === 'title')?.text).toBe(
      'JFT-4B validation loss against pre-training compute',
    );
  });

  it('has both axis lines and axis titles that name the unit and the scale', () => {
    const root = parseSvg(lossChart());
    expect(byClass(root, 'x-axis')).toHaveLength(1);
    expect(byClass(root, 'y-axis')).toHaveLength(1);
    const [xTitle] = byClass(root, 'x-title');
    const [yTitle] = byClass(root, 'y-title');
    expect(xTitle?.text).toContain('TPU-v4 core hours');
    expect(xTitle?.text).toContain('log scale');
    expect(yTitle?.text).toContain('JFT-4B validation loss');
    expect(yTitle?.text).toContain('log scale');
  });

  it('labels the ImageNet chart as top-1 error in percent', () => {
    const series = [{ name: 'm', points: [{ tpuV4CoreHours: 100, value: 80, epochs: 1 }] }];
    const root = parseSvg(renderFrontierChart({ metric: 'imagenet_top1', series }));
    expect(byClass(root, 'y-title')[0]?.text).toMatch(/top-1 error \(%/);
  });

  it('draws one point mark per input point, each with a tooltip naming the series, epochs and value', () => {
    const root = parseSvg(lossChart());
    const points = byClass(root, 'point');
    expect(points).toHaveLength(POINT_COUNT);
    const tooltips = points.map((p) => p.children.find((c) => c.name === 'title')?.text ?? '');
    expect(tooltips).toContain('large, 10 epochs: validation loss 2.35 at 100,000 TPU-v4 core hours');
  });

  it('draws one line per series and a dashed frontier', () => {
    const root = parseSvg(lossChart());
    expect(byClass(root, 'series-line')).toHaveLength(SERIES.length);
    const [frontier] = byClass(root, 'frontier');
    expect(frontier?.attrs['stroke-dasharray']).toBeDefined();
    expect(frontier?.attrs.points?.split(' ')).toHaveLength(FRONTIER.points.length);
  });

  it('has a legend entry per series, one for the law and one for the plan', () => {
    const root = parseSvg(lossChart());
    const entries = byClass(root, 'legend-entry');
    const kinds = entries.map((e) => e.attrs['data-kind']);
    expect(kinds.filter((k) => k === 'series')).toHaveLength(SERIES.length);
    expect(kinds.filter((k) => k === 'law')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'plan')).toHaveLength(1);
    const labels = entries
      .filter((e) => e.attrs['data-kind'] === 'series')
      .map((e) => e.children.find((c) => c.name === 'text')?.text);
    expect(labels).toEqual(SERIES.map((s) => s.name));
  });

  it('never writes NaN or Infinity', () => {
    expect(lossChart()).not.toMatch(/NaN|Infinity/);
  });
});

describe('renderFrontierChart: geometry (oracle: log-scale arithmetic and plot-area bounds)', () => {
  it('puts every point inside the plot area', () => {
    const root = parseSvg(lossChart());
    const area = plotArea(root);
    for (const mark of byClass(root, 'point')) {
      const { x, y } = centre(markBox(mark));
      expect(x).toBeGreaterThan(area.minX);
      expect(x).toBeLessThan(area.maxX);
      expect(y).toBeGreaterThan(area.minY);
      expect(y).toBeLessThan(area.maxY);
    }
  });

  it('draws a larger loss higher, and equal compute ratios as equal horizontal steps', () => {
    // Same shape (one series), same compute for the first two points: only the loss differs.
    const series = [
      {
        name: 'm',
        points: [
          { tpuV4CoreHours: 1000, value: 2, epochs: 1 },
          { tpuV4CoreHours: 1000, value: 4, epochs: 2 },
          { tpuV4CoreHours: 10000, value: 8, epochs: 4 },
          { tpuV4CoreHours: 100000, value: 8, epochs: 8 },
        ],
      },
    ];
    const root = parseSvg(renderFrontierChart({ metric: 'jft_loss', series }));
    const [a, b, c, d] = byClass(root, 'point').map((m) => centre(markBox(m)));
    if (!a || !b || !c || !d) throw new Error('expected four marks');
    expect(b.y).toBeLessThan(a.y);
    expect(b.x).toBeCloseTo(a.x, 6);
    // log axes: 2 -> 4 -> 8 are equal steps in y; 1k -> 10k -> 100k equal steps in x.
    expect(a.y - b.y).toBeCloseTo(b.y - c.y, 1);
    expect(c.x - b.x).toBeCloseTo(d.x - c.x, 1);
  });

  it('draws a higher top-1 lower on the chart, since the axis is top-1 error', () => {
    const series = [
      {
        name: 'm',
        points: [
          { tpuV4CoreHours: 1000, value: 80, epochs: 1 },
          { tpuV4CoreHours: 1000, value: 90, epochs: 2 },
        ],
      },
    ];
    const root = parseSvg(renderFrontierChart({ metric: 'imagenet_top1', series }));
    const [worse, better] = byClass(root, 'point').map((m) => centre(markBox(m)));
    expect(better?.y).toBeGreaterThan(worse?.y ?? Number.POSITIVE_INFINITY);
  });

  it('puts the "10k" tick at the same x as a point at 10,000 core hours', () => {
    const root = parseSvg(lossChart());
    const tick = byClass(root, 'x-tick').find((t) => allText(t) === '10k');
    const tickX = num(tick?.children.find((c) => c.name === 'line') ?? root, 'x1');
    const point = byClass(root, 'point').find((p) =>
      p.children.some((c) => c.name === 'title' && c.text.includes('at 10,000 TPU-v4')),
    );
    if (!point) throw new Error('no point at 10,000 core hours');
    expect(centre(markBox(point)).x).toBeCloseTo(tickX, 1);
  });

  it('labels at least two ticks on each axis', () => {
    const root = parseSvg(lossChart());
    expect(byClass(root, 'x-tick').length).toBeGreaterThanOrEqual(2);
    expect(byClass(root, 'y-tick').length).toBeGreaterThanOrEqual(2);
  });
});

describe('renderFrontierChart: plan marker (oracle: the input says whether there is one)', () => {
  it('draws the star and its label when a marker is given, inside the plot area', () => {
    const root = parseSvg(lossChart());
    const stars = byClass(root, 'plan-marker');
    expect(stars).toHaveLength(1);
    const area = plotArea(root);
    const { x, y } = centre(markBox(stars[0] ?? root));
    expect(x).toBeGreaterThan(area.minX);
    expect(x).toBeLessThan(area.maxX);
    expect(y).toBeGreaterThan(area.minY);
    expect(y).toBeLessThan(area.maxY);
    expect(allText(byClass(root, 'plan')[0] ?? root)).toContain('plan for 20k core hours');
  });

  it('draws no marker, and no plan legend entry, when none is given', () => {
    const root = parseSvg(lossChart({ marker: undefined }));
    expect(byClass(root, 'plan-marker')).toHaveLength(0);
    expect(byClass(root, 'legend-entry').filter((e) => e.attrs['data-kind'] === 'plan')).toHaveLength(0);
  });

  it('widens the axes to a marker beyond the measured range', () => {
    const root = parseSvg(lossChart({ marker: { label: 'far', tpuV4CoreHours: 5e7, value: 2.1 } }));
    const area = plotArea(root);
    const { x } = centre(markBox(byClass(root, 'plan-marker')[0] ?? root));
    expect(x).toBeLessThan(area.maxX);
    expect(descendants(root).length).toBeGreaterThan(0);
  });
});

describe('renderFrontierChart: escaping (oracle: XML 1.0 well-formedness)', () => {
  it('escapes a series named <F7+ & co> and shows it unchanged in the legend', () => {
    const name = `<F7+ & co> "quoted" 'single'`;
    const svg = lossChart({ series: [{ name, points: SERIES[0]?.points ?? [] }], title: 'a < b & c' });
    expect(svg).toContain('&lt;F7+ &amp; co&gt;');
    const root = parseSvg(svg);
    const legend = byClass(root, 'legend-entry').find((e) => e.attrs['data-kind'] === 'series');
    expect(legend?.children.find((c) => c.name === 'text')?.text).toContain('<F7+ & co>');
    expect(byClass(root, 'series')[0]?.attrs['data-series']).toBe(name);
    expect(byClass(root, 'chart-title')[0]?.text).toBe('a < b & c');
  });

  it('replaces characters XML cannot hold (a NUL byte) instead of emitting invalid XML', () => {
    const svg = lossChart({ series: [{ name: 'bad\u0000name', points: SERIES[0]?.points ?? [] }] });
    expect(() => parseSvg(svg)).not.toThrow();
  });
});

describe('renderFrontierChart: bad input (oracle: the house rule that bad input throws PlannerInputError)', () => {
  const field = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      if (error instanceof PlannerInputError) return error.field;
      throw error;
    }
    throw new Error('did not throw');
  };

  it('rejects a chart with no points', () => {
    expect(field(() => renderFrontierChart({ metric: 'jft_loss', series: [] }))).toBe('series');
    expect(
      field(() => renderFrontierChart({ metric: 'jft_loss', series: [{ name: 'x', points: [] }] })),
    ).toBe('series');
  });

  it('names the offending field for non-finite or out-of-range values', () => {
    const bad = (value: number) => [{ name: 'x', points: [{ tpuV4CoreHours: 10, value, epochs: 1 }] }];
    expect(field(() => renderFrontierChart({ metric: 'jft_loss', series: bad(Number.NaN) }))).toBe(
      'series[0].points[0].value',
    );
    expect(field(() => renderFrontierChart({ metric: 'jft_loss', series: bad(0) }))).toBe(
      'series[0].points[0].value',
    );
    expect(field(() => renderFrontierChart({ metric: 'imagenet_top1', series: bad(100) }))).toBe(
      'series[0].points[0].value',
    );
    expect(
      field(() => lossChart({ marker: { label: 'm', tpuV4CoreHours: Number.POSITIVE_INFINITY, value: 2 } })),
    ).toBe('marker.tpuV4CoreHours');
    expect(
      field(() => lossChart({ frontier: { label: 'f', points: [{ tpuV4CoreHours: -1, value: 2 }] } })),
    ).toBe('frontier.points[0].tpuV4CoreHours');
  });
});

describe('renderFrontierChart: any finite positive input renders finitely (oracle: property over random data)', () => {
  const point = fc.record({
    tpuV4CoreHours: fc.double({ min: 1e-3, max: 1e12, noNaN: true }),
    value: fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
    epochs: fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
  });
  const series = fc.array(
    fc.record({ name: fc.string(), points: fc.array(point, { minLength: 1, maxLength: 8 }) }),
    {
      minLength: 1,
      maxLength: 8,
    },
  );

  fcTest.prop([series, fc.option(point, { nil: undefined })], { numRuns: 60 })(
    'valid XML, no NaN/Infinity, one mark per point, all inside the plot area',
    (s, m) => {
      const svg = renderFrontierChart({
        metric: 'jft_loss',
        series: s,
        ...(m ? { marker: { label: 'plan', tpuV4CoreHours: m.tpuV4CoreHours, value: m.value } } : {}),
      });
      expect(svg).not.toMatch(/NaN|Infinity/);
      const root = parseSvg(svg);
      const points = byClass(root, 'point');
      expect(points).toHaveLength(s.reduce((n, x) => n + x.points.length, 0));
      const area = plotArea(root);
      for (const mark of points) {
        const { x, y } = centre(markBox(mark));
        expect(x).toBeGreaterThanOrEqual(area.minX);
        expect(x).toBeLessThanOrEqual(area.maxX);
        expect(y).toBeGreaterThanOrEqual(area.minY);
        expect(y).toBeLessThanOrEqual(area.maxY);
      }
    },
  );
});

describe('renderFrontierChart: the confidence band and the plan interval (oracle: the geometry of the inputs)', () => {
  const BAND = {
    label: '90 % band',
    points: [
      { tpuV4CoreHours: 1000, lower: 2.9, upper: 3.0 },
      { tpuV4CoreHours: 10000, lower: 2.6, upper: 2.7 },
      { tpuV4CoreHours: 100000, lower: 2.3, upper: 2.36 },
    ],
  };

  it('draws the band as one polygon through every upper then every lower point, upper above lower on screen', () => {
    const root = parseSvg(lossChart({ band: BAND }));
    const [polygon] = byClass(root, 'band');
    const corners = (polygon?.attrs.points ?? '')
      .trim()
      .split(/\s+/)
      .map((p) => p.split(',').map(Number));
    expect(corners).toHaveLength(2 * BAND.points.length);
    // SVG y grows downwards: the upper edge (smaller y) comes first, then the lower edge right to left.
    for (let i = 0; i < BAND.points.length; i++) {
      const upper = corners[i] as number[];
      const lower = corners[corners.length - 1 - i] as number[];
      expect(upper[0]).toBeCloseTo(lower[0] as number, 6);
      expect(upper[1] as number).toBeLessThan(lower[1] as number);
    }
  });

  it('draws the plan interval as a vertical bar through the star, spanning lower to upper', () => {
    const root = parseSvg(
      lossChart({
        marker: { ...MARKER, interval: { lower: 2.4, upper: 2.6, label: '90 % confidence interval' } },
      }),
    );
    const [bar] = byClass(root, 'plan-interval');
    const [star] = byClass(root, 'plan-marker');
    expect(num(bar as never, 'x1')).toBe(num(bar as never, 'x2'));
    expect(num(bar as never, 'y1')).toBeGreaterThan(num(bar as never, 'y2'));
    const { x: cx, y: cy } = centre(markBox(star as never));
    expect(num(bar as never, 'x1')).toBeCloseTo(cx, 6);
    expect(cy).toBeGreaterThan(num(bar as never, 'y2'));
    expect(cy).toBeLessThan(num(bar as never, 'y1'));
  });

  it('refuses a band value the axis cannot show, naming it', () => {
    expect(() =>
      lossChart({ band: { label: 'b', points: [{ tpuV4CoreHours: 1000, lower: -1, upper: 2 }] } }),
    ).toThrow(expect.objectContaining({ field: 'band.points[0].lower' }));
  });
});
