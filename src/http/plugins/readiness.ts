/**
 * Readiness: /readyz answers 200 only once the app has booted and every start-up task registered with
 * `app.readiness.waitFor(name)` has called its done function, and 503 again from the moment the app starts closing.
 *
 * Once ready, it also asks the dependencies registered with `app.readiness.addCheck(name, check)` (the database, when
 * READINESS_NEEDS_DATABASE is set):
 * while one does not answer, /readyz says 503 naming it. Each check bounds and caches its own cost, since probes
 * come every few seconds from every orchestrator and proxy.
 *
 * While closing, responses carry "Connection: close" so keep-alive clients let the server finish closing.
 *
 * A later plugin that must finish work before traffic arrives (fitting the laws, say) does:
 *
 *   const lawsFitted = app.readiness.waitFor('laws');
 *   app.addHook('onReady', async () => { fitLaws(); lawsFitted(); });
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export type ReadinessState = 'starting' | 'ready' | 'closing';

/** Whether a dependency answers; never rejects. */
export type ReadinessCheck = () => Promise<boolean>;

export class Readiness {
  readonly #pending = new Set<string>(['boot']);
  readonly #checks = new Map<string, ReadinessCheck>();
  #closing = false;

  /** Registers a dependency asked on every readiness probe once start-up is done. */
  addCheck(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** The dependencies that do not answer now, in registration order. */
  async failingChecks(): Promise<string[]> {
    const names = [...this.#checks.keys()];
    const answers = await Promise.all([...this.#checks.values()].map((check) => check()));
    return names.filter((_name, i) => !answers[i]);
  }

  /** Registers a start-up task; the app is not ready until the returned function is called. */
  waitFor(task: string): () => void {
    this.#pending.add(task);
    return () => {
      this.#pending.delete(task);
    };
  }

  /** Marks the app as shutting down; it stays not ready for the rest of its life. */
  markClosing(): void {
    this.#closing = true;
  }

  get state(): ReadinessState {
    if (this.#closing) return 'closing';
    return this.#pending.size === 0 ? 'ready' : 'starting';
  }

  /** Start-up tasks still running, in registration order. */
  get pending(): string[] {
    return [...this.#pending];
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

const readinessPlugin: FastifyPluginAsync = async (app) => {
  const readiness = new Readiness();
  const booted = readiness.waitFor('boot');
  app.decorate('readiness', readiness);
  app.addHook('onReady', async () => booted());
  app.addHook('preClose', async () => readiness.markClosing());
  // close() waits for every open connection; a keep-alive socket left idle after an in-flight request would hold it
  // until the keep-alive timeout, so while closing each response tells the client to close instead.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (readiness.state === 'closing') reply.header('connection', 'close');
    done(null, payload);
  });
};

export default fp(readinessPlugin, { name: 'readiness' });
