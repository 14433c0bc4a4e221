/**
 * What the generated client types refuse at compile time (checked by tsc, which `npm test` runs over tests/): each
 * @ts-expect-error below must meet a type error, or tsc fails with "Unused '@ts-expect-error' directive". The runtime
 * assertions check the same values against the server's own schemas, so each refused value is one the API refuses too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  BatchItem,
  BatchRequest,
  Budget,
  Plan,
  PlanRequest,
  Problem,
  paths,
  Run,
  TargetRequest,
} from '../../packages/client/src/index.js';
import { BudgetSchema } from '../../src/api/common.js';
import { RunSchema } from '../../src/api/fits/schemas.js';
import { TargetRequestSchema } from '../../src/api/targets/schemas.js';

type EvaluateQuery = NonNullable<paths['/v1/evaluate']['get']['parameters']['query']>;

describe('the client types', () => {
  it('name the contract: a batch item is a plan request, an answer a plan or a problem', () => {
    expectTypeOf<BatchRequest['items'][number]>().toEqualTypeOf<PlanRequest>();
    expectTypeOf<BatchItem>().toEqualTypeOf<Plan | Problem>();
    expectTypeOf<Problem['status']>().toEqualTypeOf<number>();
  });

  it('refuse a target {}, a run {loss: 2} and an option of another budget unit, as the server does', () => {
    // @ts-expect-error a target is a loss target or a top-1 target: {} is neither
    const emptyTarget: TargetRequest['target'] = {};
    // @ts-expect-error a run gives its size (model or flopsPerImage) and its length (epochs or imagesSeen)
    const bareRun: Run = { loss: 2 };
    // @ts-expect-error accelerator belongs to gpu_hours budgets only
    const mixedBudget: Budget = { amount: 1000, unit: 'tpu_v4_core_hours', accelerator: 'h100' };
    // @ts-expect-error a batch item is a plan request, not any object
    const looseBatch: BatchRequest = { items: [{ anything: 1 }] };
    expect(TargetRequestSchema.safeParse({ target: emptyTarget }).success).toBe(false);
    expect(RunSchema.safeParse(bareRun).success).toBe(false);
    expect(BudgetSchema.safeParse(mixedBudget).success).toBe(false);
    expect(looseBatch.items).toHaveLength(1);
  });

  it("type evaluate's batchSize and cores as numbers, never strings (the document bounds them as integers >= 1)", () => {
    expectTypeOf<EvaluateQuery['batchSize']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<EvaluateQuery['cores']>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error a query number is a number, not its text
    const text: EvaluateQuery = { model: 'F3+', epochs: 2, batchSize: '4096' };
    expect(text.model).toBe('F3+');
    // TypeScript has no integer type; the document does, with the bounds the server enforces.
    const document = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'));
    const parameters: { name: string; schema: object }[] = document.paths['/v1/evaluate'].get.parameters;
    for (const name of ['batchSize', 'cores'])
      expect(parameters.find((p) => p.name === name)?.schema).toMatchObject({ type: 'integer', minimum: 1 });
  });
});
