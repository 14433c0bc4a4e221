/**
 * The document's examples. Request examples are written by hand, one per operation, in each resource's examples.ts.
 * Response examples are not: `npm run openapi:write` sends every example request to the app and stores each answer,
 * abbreviated, in generated/responseExamples.json, which the routes document as their 200 example. A test sends the
 * same requests again and compares (tests/http/examples.test.ts), so an example that no longer matches what the API
 * answers fails the suite instead of misleading an integrator.
 */
import type { z } from 'zod';
import storedResponseExamples from './generated/responseExamples.json' with { type: 'json' };

/** Significant digits a documented number keeps. */
export const EXAMPLE_SIGNIFICANT_DIGITS = 5;
/** Items a documented list keeps (the first ones): enough to show the shape, short enough to read. */
export const EXAMPLE_MAX_ITEMS = 4;

/**
 * A response as documented: every number but a safe integer to EXAMPLE_SIGNIFICANT_DIGITS significant digits, every list cut
 * to its first EXAMPLE_MAX_ITEMS items; strings, integers, booleans and keys as they are.
 */
export function abbreviateExample(value: unknown): unknown {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? value : Number(value.toPrecision(EXAMPLE_SIGNIFICANT_DIGITS));
  if (Array.isArray(value)) return value.slice(0, EXAMPLE_MAX_ITEMS).map(abbreviateExample);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, abbreviateExample(v)]));
  return value;
}

/** The stored answer to an operation's example request: [example], or [] before the first `npm run openapi:write`. */
export function responseExamples(operationId: string): unknown[] {
  const stored = (storedResponseExamples as Record<string, unknown>)[operationId];
  return stored === undefined ? [] : [stored];
}

/**
 * A query schema whose parameters carry the example request's values, so the document holds the whole example
 * request (Swagger UI fills them in; the examples test sends them).
 */
export function withQueryExample<Shape extends z.core.$ZodLooseShape>(
  schema: z.ZodObject<Shape>,
  example: { readonly [K in keyof Shape]?: unknown },
): z.ZodObject<Shape> {
  const shape = { ...schema.shape };
  for (const [key, value] of Object.entries(example)) {
    const field = shape[key] as z.ZodType | undefined;
    if (field === undefined)
      throw new Error(`no query parameter ${key} to give the example ${String(value)}`);
    (shape as Record<string, z.ZodType>)[key] = field.meta({ examples: [value] });
  }
  return schema.extend(shape) as unknown as z.ZodObject<Shape>;
}
