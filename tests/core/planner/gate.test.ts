/**
 * The planner's gate at the core's level: checkSettings, checkPlanRequest, customLossSurface and checkEvaluateRequest
 * accept every value at a documented limit and refuse the nearest value past it, name the field, and fill the
 * documented defaults. Oracles: the limits as the schemas and doc comments state them, typed here by hand (2^20 for a
 * batch, 1e-12 to 10,000 epochs, 1,000 to 1e12 images, 0.5 to 0.99 for a level, 1e300 and 5 for a law's coefficients
 * and exponents, 0.2 to 5 for its gamma, 4 to 32 model sizes and 0 to 1 for its ensemble), the paper's stated setup
 * (JFT-4B's 4e9 images, batch 4096), and a loss surface evaluated by hand. The HTTP tests check the same limits
 * through the schemas (tests/http/gateAgreement.test.ts); these check the core on its own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NFNET_VARIANTS } from '../../../src/core/architecture/variants.js';
import { PlannerInputError } from '../../../src/core/errors.js';
import { fitPaperLaws } from '../../../src/core/laws/paperLaws.js';
import { createPlannerContext, type PlannerContext } from '../../../src/core/planner/context.js';
import {
  customLossSurface,
  MAX_ENSEMBLE_MODEL_SIZES,
  MAX_HELD_OUT_LENGTH,
  MAX_LAW_COEFFICIENT,
  MAX_LAW_EXPONENT,
  MAX_LAW_GAMMA,
  MAX_LAW_ID_LENGTH,
  MAX_RESIDUAL_LOG_SD,
  MIN_ENSEMBLE_MODEL_SIZES,
  MIN_LAW_GAMMA,
} from '../../../src/core/planner/customLaw.js';
import { checkEvaluateRequest, evaluateConfiguration } from '../../../src/core/planner/evaluate.js';
import {
  type CustomLaw,
  checkLaw,
  checkPlanRequest,
  checkSettings,
  MAX_BATCH_SIZE,
  MAX_CORES,
  MAX_EPOCHS,
  MAX_PREVIOUS_LEARNING_RATE,
  MIN_DATASET_IMAGES,
  MIN_EPOCHS,
  type PlanSettings,
} from '../../../src/core/planner/request.js';
import { fitLawEnsemble } from '../../../src/core/uncertainty/lawEnsemble.js';

let context: PlannerContext;
/**
 * The same laws with their ensemble: plans and evaluations then carry intervals. Built only by the tests that use it
 * (tabulating the ensemble's grid takes a few hundred milliseconds, paid by every mutant run of this file otherwise).
 */
let withEnsemble: PlannerContext;
const buildWithEnsemble = () => {
  withEnsemble = createPlannerContext(context.laws, fitLawEnsemble(context.laws));
};
beforeAll(() => {
  context = createPlannerContext(fitPaperLaws());
});

/** The PlannerInputError `run` throws (the test fails if it throws nothing or something else). */
function refusal(run: () => unknown): PlannerInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PlannerInputError);
    return error as PlannerInputError;
  }
  throw new Error('expected a PlannerInputError, got none');
}

const settings = (request: unknown) => checkSettings(context, request as PlanSettings);
const refusedField = (request: unknown) => refusal(() => settings(request)).field;

describe('the limits, as the schemas and doc comments state them', () => {
  it('are the documented numbers', () => {
    expect(MAX_BATCH_SIZE).toBe(2 ** 20);
    expect(MAX_CORES).toBe(2 ** 20);
    expect(MAX_EPOCHS).toBe(10_000);
    expect(MIN_EPOCHS).toBe(1e-12);
    expect(MIN_DATASET_IMAGES).toBe(1_000);
    expect(MAX_PREVIOUS_LEARNING_RATE).toBe(100);
    expect(MAX_LAW_COEFFICIENT).toBe(1e300);
    expect(MAX_LAW_EXPONENT).toBe(5);
    expect([MIN_LAW_GAMMA, MAX_LAW_GAMMA]).toEqual([0.2, 5]);
    expect(MAX_LAW_ID_LENGTH).toBe(100);
    expect(MAX_HELD_OUT_LENGTH).toBe(100);
    expect([MIN_ENSEMBLE_MODEL_SIZES, MAX_ENSEMBLE_MODEL_SIZES]).toEqual([4, 32]);
    expect(MAX_RESIDUAL_LOG_SD).toBe(1);
  });
});

describe("checkSettings: defaults (the paper's setup: JFT-4B, batch 4096, 90 % intervals)", () => {
  it('an empty request gets every default and no optional field', () => {
    const s = settings({});
    expect(s.objective).toBe('jft_loss');
    expect(s.strategy).toBe('equal_rate');
    expect(s.minEpochs).toBe(0);
    expect(s.maxEpochs).toBe(Number.POSITIVE_INFINITY);
    expect(s.datasetImages).toBe(4e9);
    expect(s.batchSize).toBe(4096);
    expect(s.intervalLevel).toBe(0.9);
    expect(s.models.map((m) => m.name)).toEqual(context.models.map((m) => m.name));
    expect(s.models).toHaveLength(16);
    expect('hardware' in s).toBe(false);
    expect('previousOptimalLearningRate' in s).toBe(false);
  });

  it('empty constraints are the same as none', () => {
    expect(settings({ constraints: {} })).toEqual(settings({}));
  });

  it('given values are kept', () => {
    const s = settings({
      objective: 'imagenet_top1',
      strategy: 'fitted',
      constraints: { minEpochs: 2, maxEpochs: 3, datasetImages: 5e8 },
      batchSize: 1024,
      intervalLevel: 0.8,
      previousOptimalLearningRate: 0.4,
      hardware: { cores: 64 },
    });
    expect(s).toMatchObject({
      objective: 'imagenet_top1',
      strategy: 'fitted',
      minEpochs: 2,
      maxEpochs: 3,
      datasetImages: 5e8,
      batchSize: 1024,
      intervalLevel: 0.8,
      previousOptimalLearningRate: 0.4,
    });
    expect(s.hardware?.accelerator).toBe('tpu_v4_core');
    expect(s.hardware?.count).toBe(64);
  });
});

describe('checkSettings: the request and its constraints must be objects', () => {
  it.each([null, [], 'plan', 7])('a request %j is refused on body', (request) => {
    const error = refusal(() => settings(request));
    expect(error.field).toBe('body');
    expect(error.message).toBe('the request must be an object');
  });

  it.each([null, [], 'F3', 7])('constraints %j are refused on constraints', (constraints) => {
    const error = refusal(() => settings({ constraints }));
    expect(error.field).toBe('constraints');
    expect(error.message).toBe('constraints must be an object');
  });
});

/** Each numeric setting: values at its limits (accepted) and just past them or wrong in kind (refused). */
const NUMERIC_LIMITS: readonly {
  readonly field: string;
  readonly request: (value: unknown) => unknown;
  readonly read: (s: ReturnType<typeof settings>) => unknown;
  readonly accepted: readonly number[];
  readonly refused: readonly unknown[];
}[] = [
  {
    field: 'constraints.minEpochs',
    request: (v) => ({ constraints: { minEpochs: v } }),
    read: (s) => s.minEpochs,
    accepted: [0, 1e-300, 8, 10_000],
    refused: [-1e-9, -1, 10_000.000001, 1e5, Number.NaN, Number.POSITIVE_INFINITY, '2', null, true],
  },
  {
    field: 'constraints.maxEpochs',
    request: (v) => ({ constraints: { maxEpochs: v } }),
    read: (s) => s.maxEpochs,
    accepted: [1e-12, 1.5, 10_000],
    refused: [0, 9.99e-13, -1, 10_000.5, Number.NaN, Number.POSITIVE_INFINITY, '8', null],
  },
  {
    field: 'constraints.datasetImages',
    request: (v) => ({ constraints: { datasetImages: v } }),
    read: (s) => s.datasetImages,
    accepted: [1_000, 1_000.5, 1e9, 1e12],
    refused: [999.999, 0, -1, 1.000001e12, Number.NaN, Number.POSITIVE_INFINITY, '1e9'],
  },
  {
    field: 'batchSize',
    request: (v) => ({ batchSize: v }),
    read: (s) => s.batchSize,
    accepted: [1, 256, 1_048_576],
    refused: [0, -4096, 0.5, 12.5, 1_048_577, 2 ** 21, Number.NaN, Number.POSITIVE_INFINITY, '4096'],
  },
  {
    field: 'intervalLevel',
    request: (v) => ({ intervalLevel: v }),
    read: (s) => s.intervalLevel,
    accepted: [0.5, 0.75, 0.99],
    refused: [0.49999, 0, 0.99001, 1, Number.NaN, '0.9'],
  },
  {
    field: 'previousOptimalLearningRate',
    request: (v) => ({ previousOptimalLearningRate: v }),
    read: (s) => s.previousOptimalLearningRate,
    accepted: [1e-9, 1.6, 100],
    refused: [0, -0.1, 100.0001, Number.NaN, Number.POSITIVE_INFINITY, '1.6'],
  },
];

describe('checkSettings: every numeric limit, at and just past it', () => {
  for (const limit of NUMERIC_LIMITS) {
    it.each(limit.accepted.map((v) => [v]))(`${limit.field} = %d is accepted and kept`, (value) => {
      expect(limit.read(settings(limit.request(value)))).toBe(value);
    });
    it.each(limit.refused.map((v) => [v]))(`${limit.field} = %j is refused on that field`, (value) => {
      expect(refusedField(limit.request(value))).toBe(limit.field);
    });
  }

  it('a refusal states the range and the value (a number within bounds)', () => {
    expect(refusal(() => settings({ constraints: { minEpochs: -1 } })).message).toBe(
      'constraints.minEpochs must be a number from 0 to 10000; got -1',
    );
    expect(refusal(() => settings({ intervalLevel: 1 })).message).toBe(
      'intervalLevel must be a number from 0.5 to 0.99; got 1',
    );
    expect(refusal(() => settings({ constraints: { datasetImages: 'many' } })).message).toBe(
      'constraints.datasetImages must be a number from 1000 to 1000000000000; got many',
    );
  });

  it('a refusal states the range and the value (a positive number, whole or not)', () => {
    expect(refusal(() => settings({ batchSize: 12.5 })).message).toBe(
      'batchSize must be a whole number greater than 0 and at most 1048576; got 12.5',
    );
    expect(refusal(() => settings({ previousOptimalLearningRate: 0 })).message).toBe(
      'previousOptimalLearningRate must be a number greater than 0 and at most 100; got 0',
    );
  });

  it('minEpochs may equal maxEpochs but not exceed it, and the refusal names both', () => {
    const s = settings({ constraints: { minEpochs: 3, maxEpochs: 3 } });
    expect([s.minEpochs, s.maxEpochs]).toEqual([3, 3]);
    const error = refusal(() => settings({ constraints: { minEpochs: 3.0000001, maxEpochs: 3 } }));
    expect(error.field).toBe('constraints.minEpochs');
    expect(error.message).toBe('constraints.minEpochs (3.0000001) must not exceed constraints.maxEpochs (3)');
  });

  it('a minEpochs alone is checked against no upper epoch bound but its own limit', () => {
    expect(settings({ constraints: { minEpochs: 10_000 } }).maxEpochs).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('checkSettings: models', () => {
  it('keeps the allowed variants in the context order (smallest forward FLOPs first), each once', () => {
    const s = settings({ constraints: { models: ['F7+', 'F0', 'F3', 'F0'] } });
    expect(s.models.map((m) => m.name)).toEqual(['F0', 'F3', 'F7+']);
    for (let i = 1; i < s.models.length; i++)
      expect(s.models[i]?.flopsPerImage).toBeGreaterThan(s.models[i - 1]?.flopsPerImage as number);
  });

  it('all 16 variants may be listed; a 17th entry is refused even if it repeats one', () => {
    expect(settings({ constraints: { models: [...NFNET_VARIANTS] } }).models).toHaveLength(16);
    const error = refusal(() => settings({ constraints: { models: [...NFNET_VARIANTS, 'F0'] } }));
    expect(error.field).toBe('constraints.models');
    expect(error.message).toBe('constraints.models lists at most the 16 variants; got 17');
  });

  it.each([[[]], ['F3'], [{ 0: 'F3' }], [null]])('models %j are refused on constraints.models', (models) => {
    const error = refusal(() => settings({ constraints: { models } }));
    expect(error.field).toBe('constraints.models');
    expect(error.message).toBe('constraints.models must list at least one NFNet variant');
  });

  it.each([
    [['F3', 'f3'], 1],
    [['F3 '], 0],
    [['F0', 'F1', 'nfnet-f2'], 2],
    [['F0', 3], 1],
    [['F8'], 0],
  ])('%j: the first name that is not a variant, exactly, is refused by its index (%d)', (models, index) => {
    const error = refusal(() => settings({ constraints: { models } }));
    expect(error.field).toBe(`constraints.models.${index}`);
    expect(error.message).toMatch(new RegExp(`^constraints\\.models\\.${index} must be one of F0, F1, `));
    expect(error.message).toContain(`got ${JSON.stringify(models[index])}`);
  });
});

describe('checkSettings: the choices', () => {
  it.each([
    ['objective', 'accuracy'],
    ['objective', 5],
    ['objective', 'JFT_LOSS'],
    ['strategy', 'greedy'],
    ['strategy', null],
    ['strategy', 'Fitted'],
  ])('%s = %j is refused on that field, listing the choices', (field, value) => {
    const error = refusal(() => settings({ [field]: value }));
    expect(error.field).toBe(field);
    const choices = field === 'objective' ? 'jft_loss, imagenet_top1' : 'equal_rate, fitted';
    expect(error.message).toBe(`${field} must be one of ${choices}; got ${JSON.stringify(value)}`);
  });

  it('hardware is checked by the hardware resolver and named there', () => {
    expect(refusedField({ hardware: { cores: 0 } })).toBe('hardware.cores');
    expect(refusedField({ hardware: 'tpu' })).toBe('hardware');
    expect(refusedField({ hardware: { cores: 2 ** 20 + 1 } })).toBe('hardware.cores');
    expect(settings({ hardware: { cores: 2 ** 20 } }).hardware?.count).toBe(2 ** 20);
  });
});

describe('checkPlanRequest and checkLaw', () => {
  it("without a law it plans with the paper's surface; the budget is converted", () => {
    const checked = checkPlanRequest(context, { budget: { amount: 5_000, unit: 'tpu_v4_core_hours' } });
    expect(checked.customLaw).toBe(false);
    expect(checked.surface).toBe(context.paperLossSurface);
    expect(checked.budget.tpuV4CoreHours).toBe(5_000);
    expect(checked.batchSize).toBe(4096);
  });

  it("with a law it plans with the caller's coefficients", () => {
    const law = { id: 'mine', coefficients: { E: 1.9, A: 5e4, B: 400, alpha: 0.5, beta: 0.3 } };
    const checked = checkPlanRequest(context, { budget: { amount: 5_000, unit: 'tpu_v4_core_hours' }, law });
    expect(checked.customLaw).toBe(true);
    expect(checked.surface.id).toBe('mine');
    expect(checked.surface.coefficients).toEqual(law.coefficients);
    expect(checkLaw(context, undefined)).toEqual({ surface: context.paperLossSurface, customLaw: false });
  });

  it('the settings are checked before the budget and the law', () => {
    const error = refusal(() =>
      checkPlanRequest(context, {
        budget: { amount: -1, unit: 'tpu_v4_core_hours' },
        batchSize: 0,
        law: { coefficients: { E: 0, A: 1, B: 1, alpha: 1, beta: 1 } },
      }),
    );
    expect(error.field).toBe('batchSize');
    expect(
      refusal(() =>
        checkPlanRequest(context, {
          budget: { amount: -1, unit: 'tpu_v4_core_hours' },
          law: { coefficients: { E: 0, A: 1, B: 1, alpha: 1, beta: 1 } },
        }),
      ).field,
    ).toBe('budget.amount');
  });
});

const GOOD = { E: 1.9, A: 5e4, B: 400, alpha: 0.5, beta: 0.3 } as const;
const surfaceOf = (law: unknown) => customLossSurface(law as CustomLaw);
const lawRefusal = (law: unknown) => refusal(() => surfaceOf(law));

describe("customLossSurface: a caller's law", () => {
  it.each([null, [], 'law', 3])('a law %j is refused on law', (law) => {
    const error = lawRefusal(law);
    expect(error.field).toBe('law');
    expect(error.message).toBe('law must be an object with coefficients (and optionally an id)');
  });

  it('an id of 1 to 100 characters is echoed; none becomes custom_loss_surface', () => {
    expect(surfaceOf({ id: 'x', coefficients: GOOD }).id).toBe('x');
    expect(surfaceOf({ id: 'y'.repeat(100), coefficients: GOOD }).id).toBe('y'.repeat(100));
    expect(surfaceOf({ coefficients: GOOD }).id).toBe('custom_loss_surface');
  });

  it.each([[''], ['z'.repeat(101)], [42], [null]])('an id %j is refused on law.id', (id) => {
    const error = lawRefusal({ id, coefficients: GOOD });
    expect(error.field).toBe('law.id');
    expect(error.message).toBe(
      `law.id must be a string of 1 to 100 characters when given; got ${JSON.stringify(id)}`,
    );
  });

  it('coefficients at their limits are accepted and kept, with no gamma when none was given', () => {
    const edge = { E: 1e300, A: 5e-324, B: 1e300, alpha: 5, beta: 5 };
    const surface = surfaceOf({ coefficients: edge });
    expect(surface.coefficients).toEqual(edge);
    expect('gamma' in surface.coefficients).toBe(false);
    expect('ensemble' in surface).toBe(false);
    expect(surface.provenance).toBe(
      'caller-supplied loss surface L(F, D) = E + A / F^alpha + B / D^beta (for example from POST /v1/fits)',
    );
  });

  it("E, A and B may exceed the exponents' limit of 5; alpha and beta may not", () => {
    expect(surfaceOf({ coefficients: { ...GOOD, E: 6, A: 1e10, B: 1e10 } }).coefficients.E).toBe(6);
    expect(lawRefusal({ coefficients: { ...GOOD, alpha: 5.000001 } }).field).toBe('law.coefficients.alpha');
    expect(lawRefusal({ coefficients: { ...GOOD, beta: 6 } }).field).toBe('law.coefficients.beta');
  });

  it.each(['E', 'A', 'B', 'alpha', 'beta'])(
    '%s missing, zero, negative, too large, NaN or text is refused',
    (key) => {
      const max = key === 'alpha' || key === 'beta' ? 5 : 1e300;
      for (const value of [undefined, 0, -1, max * 1.0001, Number.NaN, Number.POSITIVE_INFINITY, '1']) {
        const error = lawRefusal({ coefficients: { ...GOOD, [key]: value } });
        expect(error.field).toBe(`law.coefficients.${key}`);
        expect(error.message).toBe(
          `law.coefficients.${key} must be a number greater than 0 and at most ${max}; got ${String(value)}`,
        );
      }
    },
  );

  it.each([[undefined], [null], [[1, 2, 3, 4, 5]], ['E=1']])(
    'coefficients %j are refused on law.coefficients',
    (c) => {
      const error = lawRefusal({ coefficients: c });
      expect(error.field).toBe('law.coefficients');
      expect(error.message).toBe('law.coefficients must be an object with E, A, B, alpha and beta');
    },
  );

  it('gamma from 0.2 to 5 is kept (the joint form) and named in the provenance', () => {
    for (const gamma of [0.2, 1, 5]) {
      const surface = surfaceOf({ coefficients: { ...GOOD, gamma } });
      expect(surface.coefficients.gamma).toBe(gamma);
      expect(surface.provenance).toBe(
        'caller-supplied loss surface L(F, D) = E + (A / F^alpha + B / D^beta)^gamma',
      );
    }
  });

  it.each([[0.19999], [5.00001], [0], [Number.NaN], ['1'], [null]])(
    'gamma %j is refused on law.coefficients.gamma',
    (gamma) => {
      const error = lawRefusal({ coefficients: { ...GOOD, gamma } });
      expect(error.field).toBe('law.coefficients.gamma');
      expect(error.message).toBe(
        `law.coefficients.gamma must be a number from 0.2 to 5 when given; got ${String(gamma)}`,
      );
    },
  );
});

/** An ensemble of `sizes` jackknife fits around GOOD, each a little off it. */
function ensembleOf(sizes: number, residualLogSd = 0.05, spread = 0.01) {
  return {
    leaveOneModelOut: Array.from({ length: sizes }, (_, i) => ({
      heldOut: `m${i}`,
      coefficients: { ...GOOD, A: GOOD.A * (1 + spread * (i - sizes / 2)) },
    })),
    residualLogSd,
  };
}

describe("customLossSurface: a caller's law's ensemble", () => {
  it("4 and 32 model sizes are accepted; the members use the paper ensemble's seed and member count", () => {
    for (const sizes of [4, 32]) {
      const surface = surfaceOf({ coefficients: GOOD, ensemble: ensembleOf(sizes) });
      const ensemble = surface.ensemble;
      expect(ensemble).toBeDefined();
      expect(ensemble?.seed).toBe(20_231_025);
      expect(ensemble?.memberCount).toBe(200);
      expect(ensemble?.models).toEqual(Array.from({ length: sizes }, (_, i) => `m${i}`));
      expect(ensemble?.weights).toHaveLength(200 * sizes);
      expect(ensemble?.fits.point).toEqual(GOOD);
      expect(ensemble?.fits.leaveOneOut.map((f) => f.model)).toEqual(ensemble?.models);
      expect(ensemble?.fits.leaveOneOut[1]?.law.A).toBeCloseTo(GOOD.A * (1 + 0.01 * (1 - sizes / 2)), 9);
      expect(ensemble?.residualLogSd).toBe(0.05);
      expect(ensemble?.resampling).toMatch(/^cluster jackknife over your runs' model sizes/);
    }
  });

  it('the weights are standard normal draws (mean near 0, variance near 1 over 200 x 32)', () => {
    const w = surfaceOf({ coefficients: GOOD, ensemble: ensembleOf(32) }).ensemble?.weights as Float64Array;
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / (w.length - 1);
    // 6,400 draws: the mean's standard error is 1 / 80, the variance's about sqrt(2 / 6400) = 0.018.
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
  });

  it.each([[null], [[]], ['jackknife'], [7]])('an ensemble %j is refused on law.ensemble', (ensemble) => {
    const error = lawRefusal({ coefficients: GOOD, ensemble });
    expect(error.field).toBe('law.ensemble');
    expect(error.message).toBe('law.ensemble must be an object with leaveOneModelOut and residualLogSd');
  });

  it.each([[3], [33]])('%d model sizes are refused on law.ensemble.leaveOneModelOut', (sizes) => {
    const error = lawRefusal({ coefficients: GOOD, ensemble: ensembleOf(sizes) });
    expect(error.field).toBe('law.ensemble.leaveOneModelOut');
    expect(error.message).toBe(
      'law.ensemble.leaveOneModelOut must list the fits without each of 4 to 32 model sizes',
    );
  });

  it('a leaveOneModelOut that is not a list is refused on its field', () => {
    const bad = { ...ensembleOf(4), leaveOneModelOut: { 0: 'a', 1: 'b', 2: 'c', 3: 'd', length: 4 } };
    expect(lawRefusal({ coefficients: GOOD, ensemble: bad }).field).toBe('law.ensemble.leaveOneModelOut');
  });

  it.each([[null], ['F3'], [7]])('an entry %j that is not an object is refused by its index', (entry) => {
    const bad = ensembleOf(5) as { leaveOneModelOut: unknown[]; residualLogSd: number };
    bad.leaveOneModelOut[3] = entry;
    const error = lawRefusal({ coefficients: GOOD, ensemble: bad });
    expect(error.field).toBe('law.ensemble.leaveOneModelOut.3');
    expect(error.message).toBe(
      'law.ensemble.leaveOneModelOut.3 must be an object with heldOut and coefficients',
    );
  });

  it('heldOut names of 1 and 100 characters are accepted', () => {
    const ok = ensembleOf(4);
    (ok.leaveOneModelOut[0] as { heldOut: string }).heldOut = 'a';
    (ok.leaveOneModelOut[1] as { heldOut: string }).heldOut = 'b'.repeat(100);
    expect(surfaceOf({ coefficients: GOOD, ensemble: ok }).ensemble?.models.slice(0, 2)).toEqual([
      'a',
      'b'.repeat(100),
    ]);
  });

  it.each([[''], ['c'.repeat(101)], ['m0'], [12], [undefined]])(
    'a heldOut %j (empty, too long, named before, not text) is refused',
    (heldOut) => {
      const bad = ensembleOf(4);
      (bad.leaveOneModelOut[2] as { heldOut: unknown }).heldOut = heldOut;
      const error = lawRefusal({ coefficients: GOOD, ensemble: bad });
      expect(error.field).toBe('law.ensemble.leaveOneModelOut.2.heldOut');
      expect(error.message).toBe(
        'law.ensemble.leaveOneModelOut.2.heldOut must name a model size not named before, in 1 to 100 characters',
      );
    },
  );

  it("an entry's coefficients are checked as the law's are, under the entry's field", () => {
    const bad = ensembleOf(4);
    (bad.leaveOneModelOut[1] as { coefficients: object }).coefficients = { ...GOOD, beta: 0 };
    expect(lawRefusal({ coefficients: GOOD, ensemble: bad }).field).toBe(
      'law.ensemble.leaveOneModelOut.1.coefficients.beta',
    );
  });

  it('residualLogSd of 0 and 1 is accepted', () => {
    for (const sd of [0, 1])
      expect(surfaceOf({ coefficients: GOOD, ensemble: ensembleOf(4, sd) }).ensemble?.residualLogSd).toBe(sd);
  });

  it.each([[-1e-9], [1.000001], [Number.NaN], [Number.POSITIVE_INFINITY], ['0.1'], [undefined]])(
    'residualLogSd %j is refused on its field',
    (sd) => {
      const ensemble = { leaveOneModelOut: ensembleOf(4).leaveOneModelOut, residualLogSd: sd };
      const error = lawRefusal({ coefficients: GOOD, ensemble });
      expect(error.field).toBe('law.ensemble.residualLogSd');
      expect(error.message).toBe(
        `law.ensemble.residualLogSd must be a number from 0 to 1; got ${String(sd)}`,
      );
    },
  );
});

describe('checkEvaluateRequest: the flat fields of an evaluation', () => {
  const evaluate = (request: unknown) =>
    checkEvaluateRequest(context, request as Parameters<typeof checkEvaluateRequest>[1]);

  it.each([[null], ['F3'], [undefined]])('a request %j is refused on body', (request) => {
    const error = refusal(() => evaluate(request));
    expect(error.field).toBe('body');
    expect(error.message).toBe('the request must be an object with a model and epochs');
  });

  it('epochs from 1e-12 to 10,000 are accepted and kept; the model name is normalised', () => {
    for (const epochs of [1e-12, 2, 10_000]) {
      const checked = evaluate({ model: 'nfnet-f3+', epochs });
      expect(checked.epochs).toBe(epochs);
      expect(checked.variant).toBe('F3+');
    }
  });

  it.each([
    [9.99e-13],
    [0],
    [-2],
    [10_000.001],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    ['2'],
    [undefined],
  ])('epochs %j are refused on epochs', (epochs) => {
    const error = refusal(() => evaluate({ model: 'F3', epochs }));
    expect(error.field).toBe('epochs');
    expect(error.message).toBe(`epochs must be a number from 1e-12 to 10000; got ${String(epochs)}`);
  });

  it('the model is checked first', () => {
    expect(refusal(() => evaluate({ model: 'F9', epochs: -1 })).field).toBe('model');
  });

  it("no settings: the paper's defaults", () => {
    const { settings: s } = evaluate({ model: 'F1', epochs: 1 });
    expect(s).toEqual(checkSettings(context, {}));
  });

  it('each setting is passed on and kept', () => {
    const { settings: s } = evaluate({
      model: 'F1',
      epochs: 1,
      datasetImages: 2e9,
      batchSize: 512,
      cores: 128,
      previousOptimalLearningRate: 0.8,
      intervalLevel: 0.6,
    });
    expect(s.datasetImages).toBe(2e9);
    expect(s.batchSize).toBe(512);
    expect(s.hardware?.count).toBe(128);
    expect(s.previousOptimalLearningRate).toBe(0.8);
    expect(s.intervalLevel).toBe(0.6);
  });

  it('a refused datasetImages or cores is named as the caller sent it, in the field and the message', () => {
    const images = refusal(() => evaluate({ model: 'F1', epochs: 1, datasetImages: 999 }));
    expect(images.field).toBe('datasetImages');
    expect(images.message).toBe('datasetImages must be a number from 1000 to 1000000000000; got 999');
    const cores = refusal(() => evaluate({ model: 'F1', epochs: 1, cores: 0 }));
    expect(cores.field).toBe('cores');
    expect(cores.message).not.toContain('hardware.');
    expect(cores.message).toMatch(/^cores /);
  });

  it.each([
    ['batchSize', 0],
    ['intervalLevel', 0.3],
    ['previousOptimalLearningRate', 101],
  ])('a refused %s keeps its name', (field, value) => {
    const error = refusal(() => evaluate({ model: 'F1', epochs: 1, [field]: value }));
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field} must be`)).toBe(true);
  });
});

describe('evaluateConfiguration: predictions and intervals', () => {
  beforeAll(buildWithEnsemble);

  it("with a caller's law: the loss by hand, the law's id in the provenance, no intervals without its ensemble", () => {
    const e = evaluateConfiguration(withEnsemble, {
      model: 'F3',
      epochs: 2,
      datasetImages: 1e9,
      law: { id: 'mine', coefficients: GOOD },
    });
    const F = withEnsemble.byName.F3.flopsPerImage;
    const byHand = 1.9 + 5e4 / F ** 0.5 + 400 / (2 * 1e9) ** 0.3;
    expect(e.predicted.jftValidationLoss).toBeCloseTo(byHand, 12);
    expect(e.imagesSeen).toBe(2e9);
    // Cost: 2 epochs of a quarter of JFT-4B at F3's cost per JFT-4B epoch.
    expect(e.costTpuV4CoreHours).toBeCloseTo((2 * withEnsemble.byName.F3.costPerEpochTpuV4CoreHours) / 4, 9);
    expect(e.provenance.lossLawId).toBe('mine');
    expect(e.uncertainty).toBeUndefined();
    expect(e.predicted.jftValidationLossConfidenceInterval).toBeUndefined();
  });

  it("with a caller's law and its ensemble: intervals at the requested level, made with its own members", () => {
    const e = evaluateConfiguration(withEnsemble, {
      model: 'F3',
      epochs: 2,
      intervalLevel: 0.8,
      law: { coefficients: GOOD, ensemble: ensembleOf(4) },
    });
    expect(e.uncertainty?.level).toBe(0.8);
    expect(e.uncertainty?.members).toBe(200);
    expect(e.uncertainty?.resampling).toMatch(/^JFT loss: cluster jackknife/);
    const confidence = e.predicted.jftValidationLossConfidenceInterval;
    const prediction = e.predicted.jftValidationLossPredictionInterval;
    expect(confidence?.lower).toBeLessThan(e.predicted.jftValidationLoss);
    expect(confidence?.upper).toBeGreaterThan(e.predicted.jftValidationLoss);
    expect(prediction?.lower).toBeLessThan(confidence?.lower as number);
    expect(prediction?.upper).toBeGreaterThan(confidence?.upper as number);
  });

  it('known answer: jackknife fits equal to the law and no scatter give intervals that are the point itself', () => {
    const e = evaluateConfiguration(withEnsemble, {
      model: 'F5',
      epochs: 3,
      law: { coefficients: GOOD, ensemble: ensembleOf(4, 0, 0) },
    });
    const loss = e.predicted.jftValidationLoss;
    for (const interval of [
      e.predicted.jftValidationLossConfidenceInterval,
      e.predicted.jftValidationLossPredictionInterval,
    ]) {
      expect(interval?.lower).toBeCloseTo(loss, 12);
      expect(interval?.upper).toBeCloseTo(loss, 12);
    }
  });

  it("with the paper's laws: intervals when the context has their ensemble, none when it has not", () => {
    const request = { model: 'F3', epochs: 2 };
    const withIntervals = evaluateConfiguration(withEnsemble, request);
    expect(withIntervals.uncertainty?.level).toBe(0.9);
    expect(withIntervals.uncertainty?.resampling).not.toMatch(/^JFT loss:/);
    expect(withIntervals.predicted.jftValidationLossConfidenceInterval).toBeDefined();
    expect(withIntervals.predicted.imagenetTop1PercentPredictionInterval).toBeDefined();
    const points = evaluateConfiguration(context, request);
    expect(points.uncertainty).toBeUndefined();
    expect(points.predicted.jftValidationLossConfidenceInterval).toBeUndefined();
    expect(points.predicted.jftValidationLoss).toBe(withIntervals.predicted.jftValidationLoss);
    expect(points.provenance.lossLawId).toBe(context.laws.jftLoss.id);
  });

  it("warnings are collected for the configuration: 20 epochs of JFT-4B is past the paper's 8; 2 is not", () => {
    const codes = (epochs: number) =>
      evaluateConfiguration(context, { model: 'F3', epochs }).warnings.map((w) => w.code);
    expect(codes(20)).toContain('epochs_above_paper_range');
    expect(codes(2)).not.toContain('epochs_above_paper_range');
  });
});
