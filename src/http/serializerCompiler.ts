/**
 * Fastify's serializer compiler for the API scope: zod response schemas are compiled by the contract's serializer
 * (fast-json-stringify from the schema's JSON Schema); plain JSON schemas (plugin routes) compile as Fastify would.
 */
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';
import { compileResponseSerializer } from '../api/serializer.js';

export function createSerializerCompiler(options: {
  checkResponses: boolean;
}): FastifySerializerCompiler<unknown> {
  return ({ schema, method, url, httpStatus }) => {
    if (!(schema instanceof z.ZodType)) return fastJson(schema as object);
    return compileResponseSerializer(schema, { ...options, route: `${method} ${url} ${httpStatus}` });
  };
}
