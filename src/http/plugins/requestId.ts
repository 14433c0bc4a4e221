/**
 * Echoes the request id (see ../requestId.ts) in the x-request-id response header of every reply, errors and 404s
 * included, so a client can quote it; problem bodies carry it too, as `instance`.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { REQUEST_ID_HEADER } from '../requestId.js';

const requestIdPlugin: FastifyPluginAsync = async (app) => {
  // Callback style: an async hook costs a promise per request on every route for a one-line body.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
};

export default fp(requestIdPlugin, { name: 'request-id' });
