/**
 * Graceful shutdown. On SIGTERM or SIGINT (or an uncaught error) the app closes: readiness turns 503 (preClose),
 * unfinished operations are cancelled, the listener stops accepting connections, idle keep-alive connections are
 * dropped, responses in flight carry Connection: close and their requests finish. Connections still open at 90 % of
 * the grace period (a client that does not read its answer) are cut, so the process exits within the grace; past it,
 * close-with-grace exits with code 1 anyway. A server started through npm also closes when npm's process is gone.
 */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

/** Share of the grace period in-flight requests get before their connections are cut. */
const DRAIN_SHARE = 0.9;

/** How often the launcher's presence is checked: a stop it missed takes at most this long to notice. */
const LAUNCHER_CHECK_MS = 200;

/**
 * `launcherPid`: the process that started this one, when stopping it is meant to stop the server too. npm forwards
 * SIGTERM to the shell it runs a command in, and for `npx scaleplan serve` that shell (sh -c) exits without passing
 * it on, leaving the server an orphan; an orphan's parent pid changes, so the server closes as on SIGTERM then.
 */
export function installGracefulShutdown(
  app: FastifyInstance,
  graceMs: number,
  options: { launcherPid?: number } = {},
): void {
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
  const { launcherPid } = options;
  const launcherWatch =
    launcherPid === undefined
      ? undefined
      : setInterval(() => {
          if (process.ppid === launcherPid) return;
          clearInterval(launcherWatch);
          app.log.info({ launcherPid }, 'closing: the process that started the server has exited');
          graceful.close();
        }, LAUNCHER_CHECK_MS).unref();
  app.addHook('onClose', async () => {
    clearInterval(launcherWatch);
    graceful.uninstall();
  });
}
