/**
 * Fuzzing the query strings of every documented GET operation, with values generated from the operation's query
 * parameter schemas in the OpenAPI document (so from the zod schemas) and then mutated: wrong types, extreme numbers,
 * 100 kB values, unicode, duplicated, unknown and missing parameters, malformed percent-encoding and invalid UTF-8,
 * prototype-named keys, unencoded characters, and a thousand parameters.
 * Oracle: the document (./oracle.ts): only documented statuses, never a 5xx, 2xx bodies valid against the documented
 * response schema, 4xx as problem+json; no answer slower than 5 s; Object.prototype untouched. And the generator is not
 * vacuous: generated values validate against their parameter's schema, and more than 30% of unmutated queries are 2xx.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arbitraryFromSchema, type QueryCase, queryCaseArbitrary, validate } from './arbitraries.js';
import {
  expectDocumentedAnswer,
  expectPrototypeClean,
  type FuzzTarget,
  fuzzTarget,
  injectWithin,
  type Operation,
  Tally,
} from './oracle.js';

const QUERY_RUNS = 800;
const MIN_VALID_SUCCESS_SHARE = 0.3;

let target: FuzzTarget;
let getOperations: Operation[];

beforeAll(async () => {
  target = await fuzzTarget();
  getOperations = target.operations.filter((operation) => operation.method === 'GET');
});
afterAll(async () => target.app.close());

describe('schema-derived query strings', () => {
  it('the GET operations with query parameters are found in the document', () => {
    const withParameters = getOperations.filter((operation) => operation.parameters.length > 0);
    expect(withParameters.map((operation) => operation.operationId).length).toBeGreaterThanOrEqual(5);
    for (const operation of withParameters)
      for (const parameter of operation.parameters)
        fc.assert(
          fc.property(arbitraryFromSchema(parameter.schema, target.document), (value) => {
            expect(validate(value, parameter.schema, target.document)).toEqual([]);
          }),
          { numRuns: 50 },
        );
  });

  it(`${QUERY_RUNS} valid and mutated query strings get documented answers; unmutated ones mostly succeed`, async () => {
    const tally = new Tally();
    const cases: fc.Arbitrary<{ operationId: string; query: QueryCase }> = fc.oneof(
      ...getOperations.map((operation) =>
        queryCaseArbitrary(operation.parameters, target.document).map((query) => ({
          operationId: operation.operationId,
          query,
        })),
      ),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ operationId, query }) => {
        const operation = getOperations.find(
          (candidate) => candidate.operationId === operationId,
        ) as Operation;
        const request = {
          method: 'GET' as const,
          url: `${target.concretePath(operation.path)}${query.query === '' ? '' : `?${query.query}`}`,
          headers: target.headers,
        };
        const response = await injectWithin(target.app, request);
        expectDocumentedAnswer(target, operation, request, response);
        tally.add(query.kind, String(response.statusCode));
        tally.add(`${operationId} ${query.kind}`, String(response.statusCode));
      }),
      { numRuns: QUERY_RUNS },
    );
    expectPrototypeClean();

    const summary = tally.toString();
    expect(
      tally.count('valid', '200') / tally.count('valid'),
      `2xx share of valid queries\n${summary}`,
    ).toBeGreaterThan(MIN_VALID_SUCCESS_SHARE);
  });
});
