/**
 * Response compression (@fastify/compress): br or gzip as the client's Accept-Encoding prefers, for bodies of
 * COMPRESSION_THRESHOLD_BYTES and more (a full batch's 5 MB of JSON is mostly repeated keys). Brotli at quality 4,
 * the plugin's default, compresses about as well as gzip's default at a similar cost; zlib runs on libuv's thread
 * pool, off the event loop. Registered per scope (routes/index.ts) after any ETag hook, so validators hash the JSON.
 */
import compress from '@fastify/compress';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Below this a compressed body saves less than the headers and the CPU cost. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;
/** The codings offered, in order of preference. */
export const CODINGS = ['br', 'gzip'] as const;

const compressionPlugin: FastifyPluginAsync = async (app) => {
  await app.register(compress, {
    global: true,
    threshold: COMPRESSION_THRESHOLD_BYTES,
    encodings: [...CODINGS],
    // Request bodies stay uncompressed JSON (the body limit counts what arrives).
    globalDecompression: false,
  });
};

export default fp(compressionPlugin, { name: 'compression' });
