/**
 * The framework baseline for bench/http.ts: bare Fastify, a hello-world GET route with a response schema, no plugins,
 * no logging. Listens on PORT at 127.0.0.1.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get(
  '/hello',
  { schema: { response: { 200: { type: 'object', properties: { hello: { type: 'string' } } } } } },
  async () => ({ hello: 'world' }),
);
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
