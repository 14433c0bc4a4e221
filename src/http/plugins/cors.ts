/**
 * CORS (@fastify/cors), off unless CORS_ORIGINS lists origins: the API's callers are schedulers and tools, not
 * browsers on other sites, and Swagger UI is served from the same origin. When on, only the listed origins get
 * Access-Control-Allow-Origin, and preflight answers allow the methods and headers the API uses.
 */
import cors from '@fastify/cors';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { REQUEST_ID_HEADER } from '../requestId.js';

const corsPlugin: FastifyPluginAsync<{ origins: readonly string[] }> = async (app, options) => {
  if (options.origins.length === 0) return;
  await app.register(cors, {
    origin: options.origins.includes('*') ? '*' : [...options.origins],
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['content-type', REQUEST_ID_HEADER],
    exposedHeaders: [
      REQUEST_ID_HEADER,
      'retry-after',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
    ],
    maxAge: 600,
  });
};

export default fp(corsPlugin, { name: 'cors' });
