/**
 * Prometheus' GET /metrics on its own port (METRICS_PORT), so process figures and per-route counts are not public on
 * the API port: the operator exposes this port to the scraper only (in Kubernetes, a port the Service does not list).
 */
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';

export async function listenMetrics(app: FastifyInstance, port: number, host: string): Promise<Server> {
  const { register } = app.metrics.client;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    register.metrics().then(
      (text) => response.writeHead(200, { 'content-type': register.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  // Never what keeps the process alive: shutdown closes the API, and the process exits with it.
  server.unref();
  return server;
}
