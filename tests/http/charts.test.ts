/**
 * The SVG charts through the app: GET /v1/charts/frontier.svg and GET /v1/charts/learning-rate.svg. Oracles: an
 * independent XML parser (fast-xml-parser: XMLValidator, then the parsed tree); the dataset's figures for how many
 * marks each series must carry (one per digitized point); the contract (axes with titles and units, a legend,
 * the plan marked only when ?budget= is given, nothing non-finite); POST /v1/plans for which model the marked plan
 * is; the query schema for what is rejected.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIGURE1_NFNET_IMAGENET_ERROR,
  FIGURE2_JFT_VALIDATION_LOSS,
  FIGURE3_OPTIMAL_LEARNING_RATE,
} from '../../src/core/dataset/figures.js';
import { allText, byClass, descendants, parseSvg, type SvgNode } from '../charts/parseSvg.js';
import { buildTestApp, expectProblem } from './helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => app.close());

/** Fetches a chart, checks it is served as SVG and is well-formed XML, and returns its text and parsed root. */
async function getChart(url: string): Promise<{ svg: string; root: SvgNode }> {
  const response = await app.inject({ url });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
  const svg = response.body;
  expect(svg).toMatch(/^(<\?xml[^>]*\?>\s*)?<svg\b/);
  const root = parseSvg(svg); // throws unless XMLValidator.validate(svg) === true
  expect(root.name).toBe('svg');
  expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
  return { svg, root };
}

/** Per model, how many points a figure has. */
function countByModel(points: readonly { model: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of points) counts.set(p.model, (counts.get(p.model) ?? 0) + 1);
  return counts;
}

/** Marks of class "point" per data-series of their enclosing series group. */
function pointsBySeries(root: SvgNode): Map<string, number> {
  const counts = new Map<string, number>();
  for (const group of byClass(root, 'series'))
    counts.set(group.attrs['data-series'] ?? '', byClass(group, 'point').length);
  return counts;
}

const GEOMETRY_ATTRIBUTES = ['x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'width', 'height'];

/** No number the chart draws is NaN or infinite, in coordinates, paths, polylines or text. */
function expectAllFinite(svg: string, root: SvgNode): void {
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  for (const node of [root, ...descendants(root)]) {
    for (const attr of GEOMETRY_ATTRIBUTES) {
      const value = node.attrs[attr];
      if (value !== undefined)
        expect(Number.isFinite(Number(value)), `${node.name} ${attr}=${value}`).toBe(true);
    }
    for (const attr of ['d', 'points']) {
      const numbers = (node.attrs[attr] ?? '').match(/-?[\d.]+(?:e[-+]?\d+)?/gi) ?? [];
      for (const n of numbers) expect(Number.isFinite(Number(n)), `${node.name} ${attr}`).toBe(true);
    }
  }
}

describe('GET /v1/charts/frontier.svg', () => {
  it('draws one point mark per Figure 2 run (36), grouped by model, with titled axes, ticks and a legend', async () => {
    const { svg, root } = await getChart('/v1/charts/frontier.svg');
    expect(byClass(root, 'point')).toHaveLength(FIGURE2_JFT_VALIDATION_LOSS.length);
    expect(byClass(root, 'point')).toHaveLength(36);
    expect(pointsBySeries(root)).toEqual(countByModel(FIGURE2_JFT_VALIDATION_LOSS));
    const [xTitle] = byClass(root, 'x-title');
    const [yTitle] = byClass(root, 'y-title');
    expect(xTitle && allText(xTitle)).toMatch(/TPU-v4 core hours/);
    expect(yTitle && allText(yTitle)).toMatch(/JFT-4B validation loss/);
    expect(byClass(root, 'x-axis')).toHaveLength(1);
    expect(byClass(root, 'y-axis')).toHaveLength(1);
    expect(byClass(root, 'x-tick').length).toBeGreaterThanOrEqual(3);
    expect(byClass(root, 'y-tick').length).toBeGreaterThanOrEqual(2);
    expect(byClass(root, 'frontier')).toHaveLength(1);
    // One entry per model, the fitted frontier and (with the laws' ensemble) the confidence band; no plan without ?budget=.
    expect(byClass(root, 'legend-entry')).toHaveLength(countByModel(FIGURE2_JFT_VALIDATION_LOSS).size + 2);
    expect(byClass(root, 'plan-marker')).toHaveLength(0);
    expectAllFinite(svg, root);
  });

  it('draws one point mark per Figure 1 run (25) for metric=imagenet_top1, with a top-1 axis in percent', async () => {
    const { svg, root } = await getChart('/v1/charts/frontier.svg?metric=imagenet_top1');
    expect(byClass(root, 'point')).toHaveLength(FIGURE1_NFNET_IMAGENET_ERROR.length);
    expect(byClass(root, 'point')).toHaveLength(25);
    expect(pointsBySeries(root)).toEqual(countByModel(FIGURE1_NFNET_IMAGENET_ERROR));
    const [yTitle] = byClass(root, 'y-title');
    expect(yTitle && allText(yTitle)).toMatch(/top-1.*%|%.*top-1/);
    expect(byClass(root, 'plan-marker')).toHaveLength(0);
    expectAllFinite(svg, root);
  });

  it.each([
    ['jft_loss', 'equal_rate'],
    ['jft_loss', 'fitted'],
    ['imagenet_top1', 'fitted'],
  ])(
    'marks the plan POST /v1/plans recommends for ?budget= (metric %s, strategy %s)',
    async (metric, strategy) => {
      const budget = 20_000;
      const { root } = await getChart(
        `/v1/charts/frontier.svg?metric=${metric}&budget=${budget}&strategy=${strategy}`,
      );
      const markers = byClass(root, 'plan-marker');
      expect(markers).toHaveLength(1);
      const planned = await app.inject({
        method: 'POST',
        url: '/v1/plans',
        payload: { budget: { amount: budget, unit: 'tpu_v4_core_hours' }, strategy, objective: metric },
      });
      const model = (planned.json() as { recommendation: { model: { name: string } } }).recommendation.model
        .name;
      const tooltip = allText(markers[0] as SvgNode);
      // The tooltip names the model; "F3" must not match "F3+", so the name ends at a non-name character.
      expect(tooltip).toMatch(new RegExp(`plan: ${model.replace('+', '\\+')}(?![+\\d])`));
      // The data points are unchanged by the marker.
      expect(byClass(root, 'point')).toHaveLength(metric === 'jft_loss' ? 36 : 25);
    },
  );

  it.each([1, 400, 5000, 1e6, 1e9])(
    'renders nothing non-finite for a plan at %f core hours, either metric',
    async (budget) => {
      for (const metric of ['jft_loss', 'imagenet_top1']) {
        const { svg, root } = await getChart(`/v1/charts/frontier.svg?metric=${metric}&budget=${budget}`);
        expect(byClass(root, 'plan-marker')).toHaveLength(1);
        expectAllFinite(svg, root);
      }
    },
  );

  it.each([
    ['budget=abc', 'budget'],
    ['budget=0', 'budget'],
    ['budget=2e9', 'budget'],
    ['metric=foo', 'metric'],
    ['strategy=greedy', 'strategy'],
    ['colour=red', 'colour'],
  ])('answers ?%s with a 400 problem naming %s', async (query, path) => {
    const problem = expectProblem(await app.inject({ url: `/v1/charts/frontier.svg?${query}` }), 400);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });
});

describe('GET /v1/charts/learning-rate.svg', () => {
  it('draws one point mark per Figure 3 optimum (18), a law line per model, titled axes and a legend', async () => {
    const { svg, root } = await getChart('/v1/charts/learning-rate.svg');
    expect(byClass(root, 'point')).toHaveLength(FIGURE3_OPTIMAL_LEARNING_RATE.length);
    expect(byClass(root, 'point')).toHaveLength(18);
    const models = countByModel(FIGURE3_OPTIMAL_LEARNING_RATE);
    expect(pointsBySeries(root)).toEqual(models);
    expect(byClass(root, 'law')).toHaveLength(models.size);
    const [xTitle] = byClass(root, 'x-title');
    const [yTitle] = byClass(root, 'y-title');
    expect(xTitle && allText(xTitle)).toMatch(/epochs/i);
    expect(yTitle && allText(yTitle)).toMatch(/learning rate/i);
    expect(byClass(root, 'x-tick').length).toBeGreaterThanOrEqual(3);
    expect(byClass(root, 'y-tick').length).toBeGreaterThanOrEqual(2);
    expect(byClass(root, 'legend-entry').length).toBeGreaterThanOrEqual(models.size);
    expect(byClass(root, 'plan-marker')).toHaveLength(0);
    expectAllFinite(svg, root);
  });

  it('takes no query parameters: an unknown one is a 400 naming it, as on /v1/dataset', async () => {
    const problem = expectProblem(await app.inject({ url: '/v1/charts/learning-rate.svg?budget=abc' }), 400);
    expect(problem.errors?.map((e) => e.path)).toContain('budget');
  });
});

describe('GET /v1/charts/frontier.svg with the laws ensemble', () => {
  it('shades the best plan’s confidence band and bars the marked plan’s interval (equal to POST /v1/plans’)', async () => {
    const response = await app.inject({ url: '/v1/charts/frontier.svg?budget=20000' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('class="band"');
    expect(response.body).toContain('class="plan-interval"');
    const plan = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' } },
    });
    const { lower, upper } = plan.json().recommendation.predicted.jftValidationLossConfidenceInterval;
    const title = response.body.match(/class="plan-interval"[^>]*><title>([^<]*)<\/title>/)?.[1] ?? '';
    expect(title).toContain(`validation loss ${lower.toFixed(3)}`);
    expect(title).toContain(`validation loss ${upper.toFixed(3)}`);
  });

  it('draws the band and the bar at ?intervalLevel=: narrower at 0.5, equal to POST /v1/plans at that level', async () => {
    const at = async (level: number) => {
      const response = await app.inject({
        url: `/v1/charts/frontier.svg?budget=20000&intervalLevel=${level}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.body;
    };
    const narrow = await at(0.5);
    const wide = await at(0.98);
    expect(narrow).toContain('50 % band, best plan');
    expect(wide).toContain('98 % band, best plan');
    const plan = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      payload: { budget: { amount: 20_000, unit: 'tpu_v4_core_hours' }, intervalLevel: 0.5 },
    });
    const { lower, upper } = plan.json().recommendation.predicted.jftValidationLossConfidenceInterval;
    const barTitle = (svg: string) =>
      svg.match(/class="plan-interval"[^>]*><title>([^<]*)<\/title>/)?.[1] ?? '';
    expect(barTitle(narrow)).toContain(`validation loss ${lower.toFixed(3)}`);
    expect(barTitle(narrow)).toContain(`validation loss ${upper.toFixed(3)}`);
    expect(barTitle(narrow)).toContain('(50 % confidence interval)');
    // The band's polygon spans less height at the lower level: its outline's y range.
    const bandHeight = (svg: string) => {
      const band = byClass(parseSvg(svg), 'band')[0];
      const ys = (band?.attrs.points ?? '').split(' ').map((pair) => Number(pair.split(',')[1]));
      return Math.max(...ys) - Math.min(...ys);
    };
    expect(bandHeight(narrow)).toBeLessThan(bandHeight(wide));
  });

  it('refuses an intervalLevel out of range with a 400 naming it', async () => {
    const problem = expectProblem(
      await app.inject({ url: '/v1/charts/frontier.svg?intervalLevel=0.999' }),
      400,
    );
    expect(problem.errors?.map((e) => e.path)).toContain('intervalLevel');
  });
});
