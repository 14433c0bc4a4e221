/**
 * Admission of heavy work (routes whose config names `work`: fits, targets, batches): what each request costs, in
 * plan units (src/http/work.ts), decides whether it is let in.
 *
 * - Pressure: while the pod is past the "heavy" step (plugins/underPressure.ts), heavy requests get 503 with
 *   Retry-After before their body is read; cheap ones are still served.
 * - Work-weighted rate limit: each client (request.ip, as the request-count limit) may spend workMax units per
 *   window, so a 1,000-item batch counts as 1,000 plans and a fit as runs x (bootstrap samples + 20). Over it: 429.
 * - Response bytes: the JSON of heavy responses still being written is counted until the socket has taken it all;
 *   past responseBytesLimit new heavy requests get 503, and a response not written within sendTimeoutMs (a client
 *   that does not read) is cut, so clients that never read cannot pin unbounded buffers.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { WorkRefusedError } from '../work.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The request's work in plan units, from its validated body; marks the route as heavy. */
    work?: (request: FastifyRequest) => number;
  }
  interface FastifyInstance {
    /**
     * Charges work a handler learns of only as it runs (a refit of stored runs) to the client's work-weighted rate
     * limit; throws the 429 (with Retry-After set) when the client has no room for it.
     */
    chargeWork(request: FastifyRequest, reply: FastifyReply, work: number): void;
  }
}

export interface AdmissionOptions {
  rateLimit: { enabled: boolean; windowMs: number };
  workMax: number;
  responseBytesLimit: number;
  sendTimeoutMs: number;
  retryAfterSeconds: number;
}

/** More distinct clients than this in one window are forgotten all at once (the window restarts): memory stays bounded. */
const MAX_TRACKED_CLIENTS = 100_000;

class RateLimitExceeded extends Error {
  readonly statusCode = 429;
}

const admissionPlugin: FastifyPluginAsync<AdmissionOptions> = async (app, options) => {
  let windowEndsAtMs = 0;
  const spent = new Map<string, number>();
  let responseBytesInFlight = 0;

  const charge = (
    key: string,
    work: number,
  ): { ok: true } | { ok: false; retryAfterSeconds: number; left: number } => {
    const now = Date.now();
    if (now >= windowEndsAtMs || spent.size >= MAX_TRACKED_CLIENTS) {
      spent.clear();
      windowEndsAtMs = now + options.rateLimit.windowMs;
    }
    const used = spent.get(key) ?? 0;
    // A request heavier than the whole window (possible when RATE_LIMIT_WORK_MAX is set below the largest valid
    // request) would be refused in every window: it is let in when the client has spent nothing, and uses it all.
    if (used + work > options.workMax && !(used === 0 && work > options.workMax))
      return {
        ok: false,
        retryAfterSeconds: Math.ceil((windowEndsAtMs - now) / 1000),
        left: options.workMax - used,
      };
    spent.set(key, used + work);
    return { ok: true };
  };

  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config.work === undefined) return done();
    const level = app.pressureLevel();
    if (level !== 'ok')
      return done(
        new WorkRefusedError(
          'The service is under pressure and refuses heavy work first.',
          options.retryAfterSeconds,
        ),
      );
    if (responseBytesInFlight > options.responseBytesLimit)
      return done(
        new WorkRefusedError(
          'Too many large responses are still being sent to their clients.',
          options.retryAfterSeconds,
        ),
      );
    done();
  });

  /** Charges the work; undefined when let in, else the 429 to answer (Retry-After set on the reply). */
  const refusal = (request: FastifyRequest, reply: FastifyReply, work: number): Error | undefined => {
    if (!options.rateLimit.enabled) return undefined;
    const charged = charge(request.ip, work);
    if (charged.ok) return undefined;
    reply.header('retry-after', String(charged.retryAfterSeconds));
    return new RateLimitExceeded(
      `This request weighs ${work.toLocaleString('en-US')} work units (1 per plan, a batch 1 per item, a target 350, a fit or refit runs x (bootstrap samples + 20 + model sizes)); ${Math.max(0, charged.left).toLocaleString('en-US')} of ${options.workMax.toLocaleString('en-US')} are left in this ${options.rateLimit.windowMs / 1000} s window; retry after ${charged.retryAfterSeconds} s.`,
    );
  };

  app.decorate('chargeWork', (request: FastifyRequest, reply: FastifyReply, work: number) => {
    const refused = refusal(request, reply, work);
    if (refused !== undefined) throw refused;
  });

  app.addHook('preHandler', (request, reply, done) => {
    const weigh = request.routeOptions.config.work;
    if (weigh === undefined) return done();
    done(refusal(request, reply, weigh(request)));
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.routeOptions.config.work === undefined) return done(null, payload);
    // Heavy work answers with the bytes its thread wrote, which the socket holds until the client has read them; a
    // string (an error) would also be copied into a buffer for the socket. A compressed stream is bounded by its
    // own buffers.
    const bytes =
      typeof payload === 'string' ? 2 * payload.length : Buffer.isBuffer(payload) ? payload.byteLength : 0;
    if (bytes === 0) return done(null, payload);
    responseBytesInFlight += bytes;
    const cut = setTimeout(() => reply.raw.destroy(), options.sendTimeoutMs);
    cut.unref();
    reply.raw.once('close', () => {
      clearTimeout(cut);
      responseBytesInFlight -= bytes;
    });
    done(null, payload);
  });
};

export default fp(admissionPlugin, { name: 'admission', dependencies: ['under-pressure'] });
