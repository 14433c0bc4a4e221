/**
 * --json output: the bytes the HTTP API sends for the same request. The API serializes each response through its zod
 * schema compiled by fast-json-stringify (src/api/serializer.ts), which keeps only the schema's keys; compiling the
 * same schemas the same way here makes the CLI's JSON equal to the API's body by construction.
 */
import type { z } from 'zod';
import { compileResponseSerializer } from '../api/serializer.js';

/** A serializer for one response schema, compiled on first use (compiling costs milliseconds; a run needs one). */
export function apiJson(schema: z.ZodType): (value: unknown) => string {
  let stringify: ((value: unknown) => string) | undefined;
  return (value) => {
    stringify ??= compileResponseSerializer(schema, { checkResponses: false, route: 'cli --json' });
    return stringify(value);
  };
}
