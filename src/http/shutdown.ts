/**
 * Graceful shutdown. On SIGTERM or SIGINT (or an uncaught error) the app closes: readiness turns 503 (preClose),
 * unfinished operations are cancelled, the listener stops accepting connections, idle keep-alive connections are
 * dropped, responses in flight carry Connection: close and their requests finish. Connections still open at 90 % of
 * the grace period (a client that does not read its answer) are cut, so the process exits within the grace; past it,
 * close-with-grace exits with code 1 anyway.
 */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

/** Share of the grace period in-flight requests get before their connections are cut. */
const DRAIN_SHARE = 0.9;

export function installGracefulShutdown(app: FastifyInstance, graceMs: number): void {
  const graceful = closeWithGrace(
    { delay: graceMs, logger: { error: (message) => app.log.error(message) } },
    async ({ signal, err }) => {
      if (err) app.log.error({ err }, 'closing after an uncaught error');
      else app.log.info({ signal }, 'closing');
      const cut = setTimeout(() => app.server.closeAllConnections(), graceMs * DRAIN_SHARE);
      cut.unref();
      await app.close();
      clearTimeout(cut);
    },
  );
  app.addHook('onClose', async () => graceful.uninstall());
}
