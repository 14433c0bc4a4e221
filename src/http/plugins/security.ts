/**
 * Security headers (helmet). The API serves JSON, which browsers do not render, so the content security policy (which
 * would also have to allow Swagger UI's inline scripts) is left off; the rest costs a few header writes per request.
 */
import helmet from '@fastify/helmet';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const securityPlugin: FastifyPluginAsync = async (app) => {
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
};

export default fp(securityPlugin, { name: 'security' });
