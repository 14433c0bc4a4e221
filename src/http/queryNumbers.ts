/**
 * Numbers in a URL (query parameters, path parameters) are text that zod coerces with Number(), which also takes
 * "0x10" (16), " 2" (2) and "" (0). They are held to the decimal notation a JSON number uses instead (a sign, digits,
 * a fraction, an exponent): anything else reaches the field's schema as NaN, which it refuses naming the field.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The keys of an object schema whose value is a number (coerced from the URL's text), optional or not. */
function numberKeys(schema: unknown): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, field]) => {
      let inner: z.ZodType = field;
      while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault)
        inner = inner.unwrap() as z.ZodType;
      return inner instanceof z.ZodNumber;
    })
    .map(([key]) => key);
}

/** fastify-type-provider-zod's validator compiler, with URL numbers held to decimal notation. */
export const validatorCompilerWithDecimalUrlNumbers: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route);
  if (route.httpPart !== 'querystring' && route.httpPart !== 'params') return validate;
  const keys = numberKeys(route.schema);
  if (keys.length === 0) return validate;
  return (data: unknown) => {
    const values = data as Record<string, unknown>;
    const invalid = keys.filter((key) => typeof values[key] === 'string' && !DECIMAL.test(values[key]));
    if (invalid.length === 0) return validate(data);
    return validate({ ...values, ...Object.fromEntries(invalid.map((key) => [key, Number.NaN])) });
  };
};
