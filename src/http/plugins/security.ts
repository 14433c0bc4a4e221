/**
 * Security headers (helmet). Every response carries a content security policy that allows nothing to load, since the
 * API answers JSON and self-contained SVG (presentation attributes, no scripts or style sheets). Swagger UI's pages
 * replace it with DOCS_CSP (plugins/docs.ts passes it as @fastify/swagger-ui's staticCSP): same-origin scripts,
 * styles, images and fetches, so "Try it out" can call this API and nothing else.
 */
import helmet from '@fastify/helmet';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** For Swagger UI 5: its bundle, initializer and styles are same-origin files; React sets inline style attributes. */
export const DOCS_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

const API_CSP: Record<string, string[]> = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'self'"],
};

const securityPlugin: FastifyPluginAsync = async (app) => {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    crossOriginEmbedderPolicy: false,
  });
};

export default fp(securityPlugin, { name: 'security' });
