/**
 * Requests being handled, from their first onRequest hook until their answer is sent (onSend, errors included) or
 * their response ends, as `app.inFlight`. A client that goes away does not end its request: Fastify runs the hooks and
 * the handler to the end regardless, so counting open sockets (or waiting for the server to close) misses it. Adapters
 * that requests use (the database) wait for `idle()` on close, after the server has stopped taking requests.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface InFlight {
  /** Requests between their first hook and their answer. */
  readonly count: number;
  /** Resolves once no request is in flight. */
  idle(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    inFlight: InFlight;
  }
}

const inFlightPlugin: FastifyPluginAsync = async (app) => {
  const handling = new WeakSet<FastifyRequest>();
  let count = 0;
  let waiters: (() => void)[] = [];
  const end = (request: FastifyRequest) => {
    if (!handling.delete(request)) return;
    count -= 1;
    if (count > 0) return;
    for (const resolve of waiters) resolve();
    waiters = [];
  };
  app.decorate('inFlight', {
    get count() {
      return count;
    },
    idle: () => (count === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  });
  // Callback style: async hooks cost a promise per request on every route.
  app.addHook('onRequest', (request, _reply, done) => {
    handling.add(request);
    count += 1;
    done();
  });
  app.addHook('onSend', (request, _reply, payload, done) => {
    end(request);
    done(null, payload);
  });
  app.addHook('onResponse', (request, _reply, done) => {
    end(request);
    done();
  });
};

export default fp(inFlightPlugin, { name: 'in-flight' });
