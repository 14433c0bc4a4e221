/**
 * The framework baseline for bench/http-baseline.ts: bare Fastify, one GET route with a response schema, no plugins,
 * no logging. Listens on PORT at 127.0.0.1.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get(
  '/healthz',
  { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
  async () => ({ status: 'ok' }),
);
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
