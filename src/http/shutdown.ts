/**
 * Graceful shutdown. On SIGTERM or SIGINT (or an uncaught error) the app closes: readiness turns 503 (preClose), the
 * listener stops accepting connections, idle keep-alive connections are dropped and in-flight requests finish. If they
 * take longer than the grace period the process exits with code 1 anyway.
 */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

export function installGracefulShutdown(app: FastifyInstance, graceMs: number): void {
  const graceful = closeWithGrace(
    { delay: graceMs, logger: { error: (message) => app.log.error(message) } },
    async ({ signal, err }) => {
      if (err) app.log.error({ err }, 'closing after an uncaught error');
      else app.log.info({ signal }, 'closing');
      await app.close();
    },
  );
  app.addHook('onClose', async () => graceful.uninstall());
}
