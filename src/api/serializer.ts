/**
 * Response serialization for the zod-typed API, shared by the HTTP shell, the worker threads and the CLI's --json.
 * fastify-type-provider-zod's own serializer runs a zod encode on every response (about 14 us per request on this
 * stack, per the engineering notes); this instead converts each zod response schema to JSON Schema once, at start-up,
 * and compiles it with fast-json-stringify, the serializer Fastify itself uses for JSON Schema routes.
 *
 * fast-json-stringify trusts its input: it drops unknown keys, truncates a fractional integer and writes Infinity as
 * null. So tests build the app with `checkResponses: true`, which also parses every response with its zod schema and
 * turns a mismatch (NaN, Infinity, a missing field) into a 500 the test sees.
 */

import fastJson from 'fast-json-stringify';
import { z } from 'zod';

/** An empty metadata registry: ids and descriptions only matter to the OpenAPI document, so every schema is inlined. */
const INLINE = z.registry<{ id?: string }>();

/** The JSON Schema (draft-07, output side) that fast-json-stringify compiles for a zod response schema. */
export function responseJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target: 'draft-07',
    io: 'output',
    unrepresentable: 'any',
    metadata: INLINE,
  }) as Record<string, unknown>;
}

/** A handler returned something its response schema does not allow. Reaches the client only as a generic 500. */
export class ResponseConformanceError extends Error {
  override readonly name = 'ResponseConformanceError';
  constructor(
    readonly route: string,
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    super(`response of ${route} does not match its schema: ${z.prettifyError(new z.ZodError([...issues]))}`);
  }
}

/**
 * A response schema compiled once: the text the API sends for a value. With `checkResponses`, the value is first parsed
 * by the zod schema, and a mismatch throws a ResponseConformanceError naming `route`.
 */
export function compileResponseSerializer(
  schema: z.ZodType,
  options: { readonly checkResponses: boolean; readonly route: string },
): (value: unknown) => string {
  const stringify = fastJson(responseJsonSchema(schema)) as (value: unknown) => string;
  if (!options.checkResponses) return stringify;
  return (value) => {
    const checked = schema.safeParse(value);
    if (!checked.success) throw new ResponseConformanceError(options.route, checked.error.issues);
    return stringify(value);
  };
}
