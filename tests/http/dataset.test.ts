/**
 * GET /v1/dataset. Oracles: the paper's design (6 models x 6 epoch budgets in Figure 2, 3 models x 6 in Figure 3),
 * values read from data/paper/*.csv by hand (F1 at 4 epochs is the one mostly occluded Figure 2 marker; F7+ at 8
 * epochs took 106,800 core hours), numbers stated in the text (90.3 % top-1), and the response schema.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetResponseSchema } from '../../src/api/dataset/schemas.js';
import { buildTestApp, expectProblem } from './helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => app.close());

describe('GET /v1/dataset', () => {
  it('returns the figures and facts, conforming to the schema', async () => {
    const response = await app.inject({ url: '/v1/dataset' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = DatasetResponseSchema.parse(response.json());
    expect(body.figure2.points).toHaveLength(36);
    expect(body.figure3.points).toHaveLength(18);
    expect(body.figure1.points).toHaveLength(25);
    expect(body.figure1ReferencePoints.points.map((point) => point.model)).toEqual([
      'F7+ with RA',
      'ViT-g/14',
      'ViT-G/14',
      'SoViT-400m/14',
    ]);
  });

  it('keeps provenance: figures digitized, facts stated or vendor, occlusion flags intact', async () => {
    const body = DatasetResponseSchema.parse((await app.inject({ url: '/v1/dataset' })).json());
    for (const figure of [body.figure1, body.figure1ReferencePoints, body.figure2, body.figure3]) {
      expect(figure.provenance).toBe('digitized');
    }
    expect(body.figure2.points.find((p) => p.model === 'F1' && p.epochs === 4)?.occlusion).toBe(
      'mostly_occluded',
    );
    expect(body.figure2.points.filter((p) => p.occlusion === 'mostly_occluded')).toHaveLength(1);
    expect(body.figure2.points.find((p) => p.model === 'F7+' && p.epochs === 8)?.tpuV4CoreHours).toBe(106800);
    const best = body.facts.find((fact) => fact.id === 'bestImagenetTop1Percent');
    expect(best).toMatchObject({ value: 90.3, unit: '%', provenance: 'stated' });
    expect(body.facts.find((fact) => fact.id === 'tpuV4PeakTflopsPerChip')?.provenance).toBe('vendor');
    expect(body.facts.every((fact) => fact.source.length > 0)).toBe(true);
  });

  it('rejects an unknown query parameter, naming it', async () => {
    const problem = expectProblem(await app.inject({ url: '/v1/dataset?figure=2' }), 400);
    expect(problem.errors).toEqual([{ path: 'figure', message: 'Unknown property' }]);
  });
});
