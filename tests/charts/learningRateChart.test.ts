import { describe, expect, it } from 'vitest';
import { type LearningRateChartInput, renderLearningRateChart } from '../../src/charts/learningRateChart.js';
import { PlannerInputError } from '../../src/core/errors.js';
import { allText, type Box, byClass, centre, markBox, num, parseSvg, plotArea } from './parseSvg.js';

// Synthetic, hand-made in the shape of Figure 3 (3 models x 6 epoch budgets on a factor-2 grid). Many optima
// coincide on purpose: all three models sit at 1.6 for the three shortest budgets.
const EPOCHS = [0.25, 0.5, 1, 2, 4, 8];
const OPTIMA: Record<string, number[]> = {
  A: [1.6, 1.6, 1.6, 1.6, 1.6, 0.8],
  B: [1.6, 1.6, 1.6, 0.8, 0.8, 0.4],
  C: [1.6, 1.6, 1.6, 0.8, 0.4, 0.4],
};
const POINTS: LearningRateChartInput['points'] = Object.entries(OPTIMA).flatMap(([model, rates]) =>
  rates.map((optimalLearningRate, i) => ({ model, epochs: EPOCHS[i] ?? 1, optimalLearningRate })),
);
// A toy law per model: 1.6 until an onset, then halving per doubling of epochs.
const CURVES: LearningRateChartInput['curves'] = [
  ['A', 4],
  ['B', 1],
  ['C', 1],
].map(([model, onset]) => ({
  model: String(model),
  points: [0.25, 0.5, 1, 2, 4, 8].map((epochs) => ({
    epochs,
    learningRate: 1.6 * Math.min(1, Number(onset) / epochs),
  })),
}));
const GRID = [0.4, 0.8, 1.6];

const chart = (extra: Partial<LearningRateChartInput> = {}) =>
  renderLearningRateChart({ points: POINTS, curves: CURVES, grid: GRID, ...extra });

const overlaps = (a: Box, b: Box) => a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;

describe('renderLearningRateChart: structure (oracle: SVG standalone requirements and the input sizes)', () => {
  it('is well-formed standalone SVG with axis titles naming epochs and learning rate on log2 scales', () => {
    const svg = chart();
    expect(svg).not.toMatch(/NaN|Infinity/);
    const root = parseSvg(svg);
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.viewBox).toBeDefined();
    expect(byClass(root, 'x-title')[0]?.text).toMatch(/epochs.*log₂ scale/i);
    expect(byClass(root, 'y-title')[0]?.text).toMatch(/learning rate.*log₂ scale/i);
  });

  it('draws one mark per point, one law line per curve, one legend entry per model', () => {
    const root = parseSvg(chart());
    expect(byClass(root, 'point')).toHaveLength(18);
    expect(byClass(root, 'law')).toHaveLength(3);
    const legend = byClass(root, 'legend-entry').filter((e) => e.attrs['data-kind'] === 'series');
    expect(legend.map((e) => e.children.find((c) => c.name === 'text')?.text)).toEqual(['A', 'B', 'C']);
  });

  it('labels the y ticks with exactly the grid values and the x ticks with the powers of two', () => {
    const root = parseSvg(chart());
    expect(byClass(root, 'y-tick').map(allText)).toEqual(['0.4', '0.8', '1.6']);
    expect(byClass(root, 'x-tick').map(allText)).toEqual(['0.25', '0.5', '1', '2', '4', '8']);
    expect(byClass(root, 'gridline').length).toBeGreaterThanOrEqual(GRID.length);
  });
});

describe('renderLearningRateChart: geometry (oracle: log2 arithmetic, plot bounds)', () => {
  it('spaces the grid values 0.4, 0.8, 1.6 equally, with 1.6 highest', () => {
    const root = parseSvg(chart());
    const ys = byClass(root, 'y-tick').map((t) => num(t.children.find((c) => c.name === 'line') ?? t, 'y1'));
    const [y04, y08, y16] = ys;
    if (y04 === undefined || y08 === undefined || y16 === undefined) throw new Error('three ticks expected');
    expect(y16).toBeLessThan(y08);
    expect(y04 - y08).toBeCloseTo(y08 - y16, 1);
  });

  it('keeps every mark inside the plot area', () => {
    const root = parseSvg(chart());
    const area = plotArea(root);
    for (const mark of byClass(root, 'point')) {
      const box = markBox(mark);
      expect(box.minX).toBeGreaterThan(area.minX);
      expect(box.maxX).toBeLessThan(area.maxX);
      expect(box.minY).toBeGreaterThan(area.minY);
      expect(box.maxY).toBeLessThan(area.maxY);
    }
  });

  it('keeps coinciding optima of different models fully visible: no two marks overlap', () => {
    const root = parseSvg(chart());
    const boxes = byClass(root, 'point').map(markBox);
    for (let i = 0; i < boxes.length; i += 1) {
      for (let j = i + 1; j < boxes.length; j += 1) {
        expect(overlaps(boxes[i] as Box, boxes[j] as Box)).toBe(false);
      }
    }
  });

  it('draws a larger learning rate higher at the same epoch budget for the same model', () => {
    const root = parseSvg(
      renderLearningRateChart({
        points: [
          { model: 'A', epochs: 2, optimalLearningRate: 0.4 },
          { model: 'A', epochs: 2, optimalLearningRate: 1.6 },
        ],
        curves: [],
        grid: GRID,
      }),
    );
    const [low, high] = byClass(root, 'point').map((m) => centre(markBox(m)));
    expect(high?.y).toBeLessThan(low?.y ?? Number.NEGATIVE_INFINITY);
    expect(high?.x).toBeCloseTo(low?.x ?? Number.NaN, 6);
  });

  it('gives each mark a tooltip with model, epochs and learning rate', () => {
    const root = parseSvg(chart());
    const tooltips = byClass(root, 'point').map((p) => p.children.find((c) => c.name === 'title')?.text);
    expect(tooltips).toContain('C, 4 epochs: optimal learning rate 0.4');
  });
});

describe('renderLearningRateChart: bad input (oracle: house rule, PlannerInputError naming the field)', () => {
  const field = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      if (error instanceof PlannerInputError) return error.field;
      throw error;
    }
    throw new Error('did not throw');
  };

  it('rejects an empty chart, a non-positive rate and a non-finite grid value', () => {
    expect(field(() => renderLearningRateChart({ points: [], curves: [], grid: GRID }))).toBe('points');
    expect(field(() => chart({ points: [{ model: 'A', epochs: 1, optimalLearningRate: 0 }] }))).toBe(
      'points[0].optimalLearningRate',
    );
    expect(field(() => chart({ grid: [0.4, Number.POSITIVE_INFINITY] }))).toBe('grid[1]');
    expect(
      field(() => chart({ curves: [{ model: 'A', points: [{ epochs: Number.NaN, learningRate: 1 }] }] })),
    ).toBe('curves[0].points[0].epochs');
  });

  it('escapes model names', () => {
    const svg = chart({ points: [{ model: '<F7+ & co>', epochs: 1, optimalLearningRate: 1.6 }], curves: [] });
    const root = parseSvg(svg);
    expect(byClass(root, 'series')[0]?.attrs['data-series']).toBe('<F7+ & co>');
  });
});
