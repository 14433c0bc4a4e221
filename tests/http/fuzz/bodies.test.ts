/**
 * Fuzzing request bodies of every documented operation that takes one, with instances generated from the operation's
 * requestBody schema in the OpenAPI document (so from the zod schemas), half of them crossed with the documented
 * example, and then mutated: wrong types, extreme and out-of-range numbers, 100 kB strings and keys, 10,000-level
 * nesting, duplicate, unknown, missing and prototype-poisoning keys, invalid UTF-8, wrong or missing content types,
 * truncation and empty bodies.
 * Oracle: the document (./oracle.ts): only documented statuses, never a 5xx, 2xx bodies valid against the documented
 * response schema, 4xx as problem+json; no answer slower than 5 s; Object.prototype untouched. And the generator is not
 * vacuous: its instances validate against the schema they came from, and more than 30% of unmutated ones are 2xx.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_CREATE_EXAMPLE } from '../../../src/api/profiles.js';
import {
  type BodyCase,
  bodyCaseArbitrary,
  type JsonSchema,
  patchSchema,
  resolveRef,
  validate,
  validInstanceArbitrary,
} from './arbitraries.js';
import {
  expectDocumentedAnswer,
  expectPrototypeClean,
  type FuzzTarget,
  fuzzTarget,
  injectWithin,
  type Operation,
  Tally,
} from './oracle.js';

/** Body cases run in total; the issue asks for at least 1,000. */
const BODY_RUNS = 1_200;
/** Share of unmutated, schema-valid bodies that must be answered 2xx. */
const MIN_VALID_SUCCESS_SHARE = 0.3;
/**
 * A bootstrap of up to 10,000 resamples is valid and legitimately takes seconds (MAX_BOOTSTRAP_RUN_SAMPLES bounds it);
 * capped here so the time buys more cases rather than longer ones.
 */
const FUZZ_MAX_BOOTSTRAP_SAMPLES = 300;

interface BodyOperation extends Operation {
  requestBody: JsonSchema;
}

/**
 * A random profile name or plan id names nothing (a 404 or 422 every time), and a random model no variant: valid
 * instances name the profile and the recorded plan that exist, and real variants, so they reach the planner and the
 * database. Mutated bodies still send anything.
 */
function towardExistingResources(operation: BodyOperation): JsonSchema {
  const properties = operation.requestBody.properties ?? {};
  let schema = operation.requestBody;
  if ('profile' in properties) schema = patchSchema(schema, ['profile'], { enum: ['fuzz', 'fuzz@1'] });
  if (operation.operationId === 'recordOutcome') {
    // The documented example's id stays valid (it names no plan here: a 422).
    schema = patchSchema(schema, ['planId'], { enum: [target.ids.plan, OUTCOME_CREATE_EXAMPLE.planId] });
    schema = patchSchema(schema, ['model'], { enum: ['F0', 'F1', 'F3', 'F3+'] });
  }
  return schema;
}

let target: FuzzTarget;
let bodyOperations: BodyOperation[];

beforeAll(async () => {
  target = await fuzzTarget();
  bodyOperations = target.operations
    .filter((operation): operation is BodyOperation => operation.requestBody !== undefined)
    .map((operation) => ({ ...operation, requestBody: towardExistingResources(operation) }))
    .map((operation) =>
      ['fitRuns', 'createProfile', 'updateProfile'].includes(operation.operationId)
        ? {
            ...operation,
            requestBody: patchSchema(
              resolveRef(operation.requestBody, target.document),
              ['bootstrap', 'samples'],
              {
                maximum: FUZZ_MAX_BOOTSTRAP_SAMPLES,
              },
            ),
          }
        : operation,
    );
});
afterAll(async () => target.app.close());

function operationNamed(operationId: string): BodyOperation {
  return bodyOperations.find((operation) => operation.operationId === operationId) as BodyOperation;
}

describe('schema-derived request bodies', () => {
  it('the operations with bodies are found in the document', () => {
    expect(bodyOperations.map((operation) => operation.operationId).sort()).toEqual(
      [
        'budgetForTarget',
        'createPlan',
        'createPlans',
        'fitRuns',
        'createProfile',
        'updateProfile',
        'recordOutcome',
      ].sort(),
    );
  });

  it('documented examples, and instances generated from the schema or crossed with the examples, are valid', () => {
    for (const operation of bodyOperations) {
      expect(operation.requestExamples.length, operation.operationId).toBeGreaterThan(0);
      for (const example of operation.requestExamples)
        expect(validate(example, operation.requestBody, target.document)).toEqual([]);
      fc.assert(
        fc.property(
          validInstanceArbitrary(operation.requestBody, target.document, operation.requestExamples),
          (value) => {
            expect(validate(value, operation.requestBody, target.document)).toEqual([]);
          },
        ),
        { numRuns: 100 },
      );
    }
  });

  it(`${BODY_RUNS} valid and mutated bodies get documented answers; unmutated ones mostly succeed`, async () => {
    const tally = new Tally();
    // Cases name their operation by id, so a counterexample prints the body, not the whole operation.
    const cases: fc.Arbitrary<{ operationId: string; body: BodyCase }> = fc.oneof(
      ...bodyOperations.map((operation) =>
        bodyCaseArbitrary(operation.requestBody, target.document, operation.requestExamples).map((body) => ({
          operationId: operation.operationId,
          body,
        })),
      ),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ operationId, body }) => {
        const operation = operationNamed(operationId);
        const request = {
          method: operation.method as 'POST',
          url: target.concretePath(operation.path),
          ...(body.payload === undefined ? {} : { payload: body.payload }),
          headers: {
            ...target.headers,
            ...(body.contentType === undefined ? {} : { 'content-type': body.contentType }),
          },
        };
        const response = await injectWithin(target.app, request);
        expectDocumentedAnswer(target, operation, request, response);
        tally.add(body.kind, String(response.statusCode));
        tally.add(`${operationId} ${body.kind}`, String(response.statusCode));
      }),
      { numRuns: BODY_RUNS },
    );
    expectPrototypeClean();

    const summary = tally.toString();
    expect(tally.total() / 2, summary).toBe(BODY_RUNS);
    expect(
      (tally.count('valid', '200') + tally.count('valid', '201')) / tally.count('valid'),
      `2xx share of valid bodies\n${summary}`,
    ).toBeGreaterThan(MIN_VALID_SUCCESS_SHARE);
    // A schema-valid body is never refused for its encoding or size, and each operation answers some with a plan or a
    // documented refusal (422: valid but infeasible), so no operation is fuzzed only through its 400s.
    for (const status of ['413', '415']) expect(tally.count('valid', status), summary).toBe(0);
    for (const operation of bodyOperations) {
      const kind = `${operation.operationId} valid`;
      expect(
        tally.count(kind, '200') + tally.count(kind, '201') + tally.count(kind, '422'),
        `${kind}\n${summary}`,
      ).toBeGreaterThan(0);
    }
    // About 10 s alone; the whole suite's parallel files can double that.
  }, 60_000);
});
