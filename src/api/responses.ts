/**
 * A JSON response in the per-content-type form, so that a named schema stays a $ref in the document while the
 * response keeps a description (a bare $ref would be documented as "Default Response"). The example is set on the
 * media type by src/api/document.ts.
 */
import type { z } from 'zod';

export function jsonResponse<Schema extends z.ZodType>(
  schema: Schema,
  description = schema.description ?? '',
) {
  return { description, content: { 'application/json': { schema } } };
}
