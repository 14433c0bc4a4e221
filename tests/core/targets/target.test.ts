/**
 * parseTarget, meetsTarget and assertWithinAsymptote on hand-made targets, each limit at and just past it. Oracles: the
 * documented limits (a loss above 0 and at most 100; a top-1 above 0 and at most 100, above 100 a target no model
 * reaches), "at or below" / "at or above" as the doc comments state them, and hand-picked asymptotes E.
 */
import { describe, expect, it } from 'vitest';
import { InfeasibleError, PlannerInputError } from '../../../src/core/errors.js';
import {
  assertWithinAsymptote,
  MAX_TARGET_JFT_VALIDATION_LOSS,
  meetsTarget,
  parseTarget,
} from '../../../src/core/targets/target.js';

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, got none');
}
const inputError = (target: unknown) => {
  const error = thrown(() => parseTarget(target));
  expect(error).toBeInstanceOf(PlannerInputError);
  return error as PlannerInputError;
};

describe('parseTarget', () => {
  it.each([[null], [[]], ['loss 2'], [7]])(
    'a target %j that is not an object is refused on target',
    (target) => {
      const error = inputError(target);
      expect(error.field).toBe('target');
      expect(error.message).toBe('target must be an object with jftValidationLoss or imagenetTop1Percent');
    },
  );

  it('exactly one of the two: neither and both are refused, each named', () => {
    expect(inputError({}).message).toBe(
      'target must give exactly one of jftValidationLoss and imagenetTop1Percent; got neither',
    );
    const both = inputError({ jftValidationLoss: 2, imagenetTop1Percent: 80 });
    expect(both.field).toBe('target');
    expect(both.message).toBe(
      'target must give exactly one of jftValidationLoss and imagenetTop1Percent; got both',
    );
  });

  it('a loss above 0 and at most 100 is kept', () => {
    expect(MAX_TARGET_JFT_VALIDATION_LOSS).toBe(100);
    for (const jftValidationLoss of [1e-9, 2.5, 100])
      expect(parseTarget({ jftValidationLoss })).toEqual({ kind: 'jft_validation_loss', jftValidationLoss });
  });

  it.each([[0], [-1], [100.0001], [Number.NaN], [Number.POSITIVE_INFINITY], ['2'], [null]])(
    'a loss %j is refused on target.jftValidationLoss',
    (jftValidationLoss) => {
      const error = inputError({ jftValidationLoss });
      expect(error.field).toBe('target.jftValidationLoss');
      expect(error.message).toBe(
        `target.jftValidationLoss must be a number greater than zero and at most 100; got ${String(jftValidationLoss)}`,
      );
    },
  );

  it('a top-1 above 0 and at most 100 is kept', () => {
    for (const imagenetTop1Percent of [1e-9, 85, 100])
      expect(parseTarget({ imagenetTop1Percent })).toEqual({
        kind: 'imagenet_top1_percent',
        imagenetTop1Percent,
      });
  });

  it.each([[0], [-5], [Number.NaN], [Number.POSITIVE_INFINITY], ['85'], [null]])(
    'a top-1 %j is bad input on target.imagenetTop1Percent',
    (imagenetTop1Percent) => {
      const error = inputError({ imagenetTop1Percent });
      expect(error.field).toBe('target.imagenetTop1Percent');
      expect(error.message).toBe(
        `target.imagenetTop1Percent must be a number above 0 and at most 100; got ${String(imagenetTop1Percent)}`,
      );
    },
  );

  it('a top-1 above 100 is well formed but unreachable: an InfeasibleError with the limit', () => {
    const error = thrown(() => parseTarget({ imagenetTop1Percent: 100.5 }));
    expect(error).toBeInstanceOf(InfeasibleError);
    expect(error.message).toBe('an ImageNet top-1 accuracy of 100.5% is above 100%, so no budget reaches it');
    expect((error as InfeasibleError).detail).toEqual({
      target: { imagenetTop1Percent: 100.5 },
      reachableLimit: { imagenetTop1PercentBelow: 100 },
    });
  });
});

describe('meetsTarget: a loss at or below the target, a top-1 at or above it', () => {
  const loss = parseTarget({ jftValidationLoss: 2 });
  const top1 = parseTarget({ imagenetTop1Percent: 85 });
  it.each([
    [1.99, true],
    [2, true],
    [2.01, false],
  ])('a loss of %d meets a target of 2: %s', (jftValidationLoss, meets) => {
    expect(meetsTarget(loss, { jftValidationLoss, imagenetTop1Percent: 0 })).toBe(meets);
  });
  it.each([
    [85.01, true],
    [85, true],
    [84.99, false],
  ])('a top-1 of %d meets a target of 85: %s', (imagenetTop1Percent, meets) => {
    expect(meetsTarget(top1, { jftValidationLoss: 100, imagenetTop1Percent })).toBe(meets);
  });
});

describe('assertWithinAsymptote: the surfaces never pass E', () => {
  const jft = { E: 1.5 };
  const finetune = { E: 8 };

  it('a loss target above E passes; at or below E is infeasible, with E as the limit', () => {
    expect(() =>
      assertWithinAsymptote(parseTarget({ jftValidationLoss: 1.5001 }), jft, finetune),
    ).not.toThrow();
    for (const jftValidationLoss of [1.5, 1.2]) {
      const error = thrown(() => assertWithinAsymptote(parseTarget({ jftValidationLoss }), jft, finetune));
      expect(error).toBeInstanceOf(InfeasibleError);
      expect(error.message).toBe(
        `a JFT-4B validation loss of ${jftValidationLoss} is at or below the fitted irreducible loss E = 1.500, which no budget reaches`,
      );
      expect((error as InfeasibleError).detail).toEqual({
        target: { jftValidationLoss },
        reachableLimit: { jftValidationLossAbove: 1.5 },
      });
    }
  });

  it('a top-1 target below 100 - E passes; at or above it is infeasible, with 100 - E as the limit', () => {
    expect(() =>
      assertWithinAsymptote(parseTarget({ imagenetTop1Percent: 91.99 }), jft, finetune),
    ).not.toThrow();
    for (const imagenetTop1Percent of [92, 95]) {
      const error = thrown(() => assertWithinAsymptote(parseTarget({ imagenetTop1Percent }), jft, finetune));
      expect(error).toBeInstanceOf(InfeasibleError);
      expect(error.message).toBe(
        `an ImageNet top-1 of ${imagenetTop1Percent}% is at or above the fine-tuning law's limit of 92.00% (100 - its irreducible error E), which no budget reaches`,
      );
      expect((error as InfeasibleError).detail).toEqual({
        target: { imagenetTop1Percent },
        reachableLimit: { imagenetTop1PercentBelow: 92 },
      });
    }
  });

  it('each kind is checked against its own law only', () => {
    // A loss target of 5 is far above the JFT E; the fine-tuning E (8) must not be compared with it.
    expect(() => assertWithinAsymptote(parseTarget({ jftValidationLoss: 5 }), jft, finetune)).not.toThrow();
    // A top-1 of 1 % is far below 100 - 8; the JFT E (1.5) must not be compared with it.
    expect(() => assertWithinAsymptote(parseTarget({ imagenetTop1Percent: 1 }), jft, finetune)).not.toThrow();
  });
});
