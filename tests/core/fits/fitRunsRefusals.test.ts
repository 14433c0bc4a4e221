/**
 * What POST /v1/fits refuses in the core, and what it accepts at the very edge: each limit stated in runs.ts and
 * fitRuns.ts checked on both sides, and each refusal's field and message checked word for word against the limit the
 * documentation states (the oracle: those constants, written out here by hand). Everything is built inside the tests.
 */
import { describe, expect, it } from 'vitest';
import { buildCostModel } from '../../../src/core/cost/costModel.js';
import { FACTS } from '../../../src/core/dataset/facts.js';
import { InfeasibleError, PlannerInputError } from '../../../src/core/errors.js';
import { type FitRunsRequest, fitRuns } from '../../../src/core/fits/fitRuns.js';
import { runsCostLaw } from '../../../src/core/fits/runCostLaw.js';
import { MAX_RUNS, type RunInput, resolveRuns } from '../../../src/core/fits/runs.js';
import { predictSurface, type SurfaceCoefficients } from '../../../src/core/laws/surface.js';
import { refusalOf, thrownBy } from '../thrown.js';

const TRUTH: SurfaceCoefficients = { E: 1.9, A: 4.0e4, B: 450, alpha: 0.48, beta: 0.33 };
const JFT_IMAGES = FACTS.jftImages.value;

/** Runs exactly on TRUTH, on the given sizes (FLOPs per image) and lengths (images seen). */
function runsOn(flops: readonly number[], images: readonly number[]): RunInput[] {
  return flops.flatMap((flopsPerImage) =>
    images.map((imagesSeen) => ({
      flopsPerImage,
      imagesSeen,
      loss: predictSurface(TRUTH, flopsPerImage, imagesSeen),
    })),
  );
}

function expectInputError(run: () => unknown, field: string, message: string): void {
  expect(refusalOf(run)).toEqual([field, message]);
}

describe('resolveRuns: the shape of the runs (oracle: the limits runs.ts states)', () => {
  const run = { flopsPerImage: 1e10, imagesSeen: 1e9, loss: 3 };

  it('refuses what is not an array, and more than 10,000 runs, but takes exactly 10,000', () => {
    expectInputError(() => resolveRuns('x', JFT_IMAGES), 'runs', 'runs must be an array of training runs');
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        ...run,
        flopsPerImage: 1e10 * (1 + (i % 3)),
        imagesSeen: 1e9 * (1 + (i % 5)),
      }));
    expect(MAX_RUNS).toBe(10_000);
    expect(resolveRuns(many(10_000), JFT_IMAGES)).toHaveLength(10_000);
    expectInputError(
      () => resolveRuns(many(10_001), JFT_IMAGES),
      'runs',
      'at most 10000 runs are accepted; got 10001',
    );
  });

  it('names a run that is not an object, or gives neither or both of model and flopsPerImage', () => {
    for (const bad of [null, 3, [run]])
      expectInputError(
        () => resolveRuns([run, bad], JFT_IMAGES),
        'runs.1',
        'runs.1 must be an object with a loss, a model size and a length',
      );
    expectInputError(
      () => resolveRuns([run, { imagesSeen: 1e9, loss: 3 }], JFT_IMAGES),
      'runs.1.model',
      'runs.1 must give exactly one of model (an NFNet variant) and flopsPerImage; got neither',
    );
    expectInputError(
      () => resolveRuns([run, { ...run, model: 'F1' }], JFT_IMAGES),
      'runs.1.model',
      'runs.1 must give exactly one of model (an NFNet variant) and flopsPerImage; got both',
    );
  });

  it('names a run that gives neither or both of epochs and imagesSeen', () => {
    expectInputError(
      () => resolveRuns([{ flopsPerImage: 1e10, loss: 3 }], JFT_IMAGES),
      'runs.0.epochs',
      'runs.0 must give exactly one of epochs and imagesSeen; got neither',
    );
    expectInputError(
      () => resolveRuns([{ ...run, epochs: 1 }], JFT_IMAGES),
      'runs.0.epochs',
      'runs.0 must give exactly one of epochs and imagesSeen; got both',
    );
  });

  it('states the range a number must lie in and echoes what it got, a number as itself and anything else as JSON', () => {
    expectInputError(
      () => resolveRuns([{ ...run, flopsPerImage: 1e17 }], JFT_IMAGES),
      'runs.0.flopsPerImage',
      'runs.0.flopsPerImage must be a number from 1000000 to 10000000000000000; got 100000000000000000',
    );
    expectInputError(
      () => resolveRuns([{ ...run, loss: '3' }], JFT_IMAGES),
      'runs.0.loss',
      'runs.0.loss must be a number from 0.000001 to 1000; got "3"',
    );
    expectInputError(
      () => resolveRuns([{ ...run, costTpuV4CoreHours: 0 }], JFT_IMAGES),
      'runs.0.costTpuV4CoreHours',
      'runs.0.costTpuV4CoreHours must be a number from 0.000001 to 1000000000; got 0',
    );
  });

  it('takes a cost from 1e-6 to 1e9 TPU-v4 core hours, and nothing on either side', () => {
    const costs = [1e-6, 1e9, 1, 2, 3];
    const runs = costs.map((costTpuV4CoreHours, i) => ({
      flopsPerImage: 1e9 * (1 + (i % 2)),
      imagesSeen: 1e6 * (1 + (i % 3)),
      loss: 3,
      costTpuV4CoreHours,
    }));
    expect(resolveRuns(runs, JFT_IMAGES).map((r) => r.costTpuV4CoreHours)).toEqual(costs);
    for (const cost of [1e-6 * (1 - 1e-15), 1e9 * (1 + 1e-15), 1e-200])
      expect(() => resolveRuns([{ ...run, costTpuV4CoreHours: cost }], JFT_IMAGES)).toThrow(
        'runs.0.costTpuV4CoreHours must be a number from 0.000001 to 1000000000',
      );
  });

  it('takes each range at its ends: a loss of exactly 1e-6 and 1,000, F of exactly 1e6 and 1e16, one image seen', () => {
    const ends = [
      { flopsPerImage: 1e6, imagesSeen: 1, loss: 1e-6 },
      { flopsPerImage: 1e16, imagesSeen: 2, loss: 1_000 },
      { flopsPerImage: 1e10, imagesSeen: 3, loss: 3 },
      { flopsPerImage: 1e10, imagesSeen: 4, loss: 3 },
      { flopsPerImage: 1e10, imagesSeen: 5, loss: 3 },
    ];
    expect(resolveRuns(ends, JFT_IMAGES).map((r) => r.loss)).toEqual([1e-6, 1_000, 3, 3, 3]);
    for (const [field, value] of [
      ['loss', 1_000.0000001],
      ['flopsPerImage', 1e16 * (1 + 1e-15)],
    ] as const)
      expect(thrownBy(() => resolveRuns([{ ...run, [field]: value }], JFT_IMAGES))).toBeInstanceOf(
        PlannerInputError,
      );
  });

  it('takes epochs that see exactly one image of the dataset, and refuses fewer', () => {
    const ten = 10;
    const others = runsOn([1e10, 2e10], [2, 3]);
    const runs = (epochs: number) => [{ flopsPerImage: 1e10, epochs, loss: 3 }, ...others];
    expect(resolveRuns(runs(0.1), ten)[0]?.imagesSeen).toBe(1);
    expectInputError(
      () => resolveRuns(runs(0.05), ten),
      'runs.0.epochs',
      'runs.0.epochs x datasetImages must be at least 1 image; got 0.5',
    );
  });

  it('needs two model sizes and two lengths, saying how many the runs cover (oracle: counted by hand)', () => {
    const oneLength = runsOn([1e10, 2e10, 4e10, 8e10, 1.6e11], [1e9]);
    const error = thrownBy(() => resolveRuns(oneLength, JFT_IMAGES));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect(error.message).toContain('got 5 size(s) and 1 length(s)');
    expect((error as InfeasibleError).detail).toEqual({ modelSizes: 5, trainingLengths: 1 });
    const four = thrownBy(() => resolveRuns(runsOn([1e10, 2e10], [1e9, 2e9]), JFT_IMAGES));
    expect((four as InfeasibleError).detail).toEqual({ minRuns: 5, runs: 4 });
  });
});

describe('fitRuns: the request and its bootstrap (oracle: the limits fitRuns.ts states)', () => {
  const costModel = buildCostModel();
  const runs = runsOn([1.5e10, 3e10, 6e10], [1e9, 4e9, 1.6e10]);

  it('refuses a request that is not an object, naming runs', () => {
    expectInputError(
      () => fitRuns(null as never, costModel),
      'runs',
      'the request must be an object with runs',
    );
    expectInputError(
      () => fitRuns({ runs, bootstrap: [] as never }, costModel),
      'bootstrap',
      'bootstrap must be an object with optional samples and seed',
    );
    expectInputError(
      () => fitRuns({ runs, bootstrap: null as never }, costModel),
      'bootstrap',
      'bootstrap must be an object with optional samples and seed',
    );
  });

  it('takes 1 and 10,000 samples and the seeds 0 and 2^32 - 1, and says what it refused', () => {
    const bootstrapOf = (bootstrap: FitRunsRequest['bootstrap']) =>
      fitRuns({ runs, bootstrap }, costModel).bootstrap;
    expect(bootstrapOf({ samples: 1 })?.samples).toBe(1);
    expect(bootstrapOf({ samples: 10_000, seed: 2 ** 32 - 1 })).toMatchObject({
      samples: 10_000,
      seed: 4_294_967_295,
    });
    expectInputError(
      () => bootstrapOf({ samples: 10_001 }),
      'bootstrap.samples',
      'bootstrap.samples must be a whole number from 1 to 10000; got 10001',
    );
    expectInputError(
      () => bootstrapOf({ seed: 2 ** 32 }),
      'bootstrap.seed',
      'bootstrap.seed must be a whole number from 0 to 4294967295; got 4294967296',
    );
  }, 30_000);

  it('holds samples x runs to 1,000,000 and says how many samples these runs may have (1,000,000 / 101 = 9,900)', () => {
    const many = runsOn(
      [1e10, 2e10, 4e10, 8e10, 1.6e11, 3.2e11, 6.4e11, 1.28e12, 2.56e12, 5.12e12, 1.024e13],
      [1e9, 2e9, 4e9, 8e9, 1.6e10, 3.2e10, 6.4e10, 1.28e11, 2.56e11],
    ).concat(runsOn([1e10, 2e10], [5e8]));
    expect(many).toHaveLength(101);
    expectInputError(
      () => fitRuns({ runs: many, bootstrap: { samples: 10_000 } }, costModel),
      'bootstrap.samples',
      'bootstrap.samples x runs must be at most 1000000 to keep the request quick; with 101 runs use at most 9900 samples',
    );
  });
});

describe('fitRuns: a law without an ensemble says why (oracle: the documented conditions)', () => {
  const costModel = buildCostModel();

  it('with runs on 4 sizes but only 5 runs: the residual scatter needs more runs than 5 coefficients', () => {
    const five = [
      ...runsOn([1e10], [1e9, 4e9]),
      ...runsOn([2e10], [2e9]),
      ...runsOn([4e10], [1e9]),
      ...runsOn([8e10], [4e9]),
    ];
    const fit = fitRuns({ runs: five }, costModel);
    expect(fit.law.ensemble).toBeUndefined();
    expect(fit.warnings.find((w) => w.code === 'law_without_ensemble')?.message).toBe(
      "Plans made with this law carry point predictions only: the residual scatter needs more runs than the surface's 5 coefficients.",
    );
  });

  it('with 6 runs on 4 sizes it has one: one refit without each size', () => {
    const six = [
      ...runsOn([1e10], [1e9, 4e9]),
      ...runsOn([2e10], [2e9, 8e9]),
      ...runsOn([4e10], [1e9]),
      ...runsOn([8e10], [4e9]),
    ];
    const ensemble = fitRuns({ runs: six }, costModel).law.ensemble;
    expect(ensemble?.leaveOneModelOut.map((f) => f.heldOut)).toEqual([
      '10000000000',
      '20000000000',
      '40000000000',
      '80000000000',
    ]);
  });
});

describe('runsCostLaw: whose cost law the allocation uses (oracle: the paper cost model, and costs made by hand)', () => {
  const costModel = buildCostModel();
  /** Two runs per size (one and two epochs), each costing `cost` per epoch, or no cost when undefined. */
  const resolved = (costs: readonly (number | undefined)[]) =>
    resolveRuns(
      costs.flatMap((cost, i) =>
        [1, 2].map((epochs) => ({
          flopsPerImage: 1e10 * 2 ** i,
          epochs,
          loss: 3 - 0.1 * i - 0.05 * epochs,
          ...(cost === undefined ? {} : { costTpuV4CoreHours: cost * epochs }),
        })),
      ),
      JFT_IMAGES,
    );

  it("keeps the paper's law with costs on one size only, and says so", () => {
    const law = runsCostLaw(resolved([100, undefined, undefined]), costModel);
    expect(law.source).toBe('paper_cost_model');
    expect(law.exponent).toBe(costModel.flopsPowerLaw.exponent);
    expect(law.description).toMatch(
      /; the runs report costs for only one model size, too few to fit their own$/,
    );
    expect(runsCostLaw(resolved([undefined, undefined, undefined]), costModel).description).not.toContain(
      ';',
    );
  });

  it('fits two sizes: cost doubling with F is exponent 1, and says over how many sizes', () => {
    const law = runsCostLaw(resolved([100, 200, undefined]), costModel);
    expect(law.source).toBe('runs');
    expect(law.exponent).toBeCloseTo(1, 12);
    expect(law.modelSizes).toBe(2);
    expect(law.description).toBe(
      "fitted to the runs' costTpuV4CoreHours over 2 model sizes (cost per JFT-4B epoch ~ F^1.000)",
    );
  });

  it('refuses costs that stay flat with model size (exponent 0), giving the exponent', () => {
    const error = thrownBy(() => runsCostLaw(resolved([100, 100, 100]), costModel));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect((error as InfeasibleError).detail).toEqual({ costExponent: expect.closeTo(0, 12) });
  });
});

describe('fitRuns: runs whose loss does not fall with model size (oracle: a surface without that term)', () => {
  const costModel = buildCostModel();
  const sizes = [1e10, 2e10, 4e10, 8e10];
  const lengths = [1e9, 4e9, 1.6e10];

  it('refuses runs whose loss does not depend on model size, saying alpha was fitted to 0', () => {
    const runs = sizes.flatMap((flopsPerImage) =>
      lengths.map((imagesSeen) => ({ flopsPerImage, imagesSeen, loss: 2 + 450 / imagesSeen ** 0.33 })),
    );
    const error = thrownBy(() => fitRuns({ runs }, costModel));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect(error.message).toMatch(
      /^in these runs the loss does not fall with model size \(fitted alpha = 0\)/,
    );
    expect((error as InfeasibleError).detail).toEqual({
      coefficients: expect.objectContaining({ alpha: 0 }),
    });
  });
});
