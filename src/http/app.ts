/**
 * The HTTP application: Fastify with one plugin per concern and the zod-typed API scope. Builds the app without
 * listening, so tests drive it through app.inject and src/server.ts alone owns the socket and the process.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppConfig } from '../config.js';
import type { PlannerContext } from '../core/planner/context.js';
import type { Store } from '../storage/store.js';
import { clientErrorHandler, frameworkErrorHandler } from './clientErrors.js';
import { SummaryLogController } from './logging.js';
import admission from './plugins/admission.js';
import auth from './plugins/auth.js';
import cors from './plugins/cors.js';
import docs from './plugins/docs.js';
import inFlight from './plugins/inFlight.js';
import jsonBody from './plugins/jsonBody.js';
import metrics from './plugins/metrics.js';
import operations from './plugins/operations.js';
import planner from './plugins/planner.js';
import problemDetails from './plugins/problemDetails.js';
import rateLimit from './plugins/rateLimit.js';
import readiness from './plugins/readiness.js';
import requestId from './plugins/requestId.js';
import security, { HELMET_OPTIONS, helmetHeaders } from './plugins/security.js';
import storage from './plugins/storage.js';
import underPressure from './plugins/underPressure.js';
import workerPool from './plugins/workerPool.js';
import { requestIdFor } from './requestId.js';
import { apiRoutes } from './routes/index.js';

export interface BuildAppOptions {
  config: AppConfig;
  /** Where the JSON log lines go; stdout by default. */
  logDestination?: { write(line: string): void };
  /**
   * Parse every response with its zod schema before sending it (a mismatch becomes a 500). For tests: it costs a zod
   * parse per response, which production skips.
   */
  checkResponses?: boolean;
  /** Fitted laws to serve with; fitted at start-up when absent. Tests pass one context to many apps. */
  planner?: PlannerContext;
  /** The repositories to use instead of the configured database (tests); the caller closes it. */
  store?: Store;
  /** Open and migrate the database before listening (the server); otherwise on first use. */
  openStorageAtStart?: boolean;
}

/** Fastify's trustProxy for the configured hops or addresses; hop i of the X-Forwarded-For chain counts from the socket. */
function trustProxyOption(
  trust: AppConfig['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const securityHeaders = helmetHeaders(HELMET_OPTIONS);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Never log an API key, should a header ever be logged.
      redact: ['req.headers.authorization', 'headers.authorization'],
      ...(options.logDestination ? { stream: options.logDestination } : {}),
    },
    logController: new SummaryLogController(),
    requestIdHeader: false,
    genReqId: requestIdFor,
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    // Node checks the headers and request timeouts only every connectionsCheckingInterval (30 s by default), so a
    // slow-loris client could hold a socket for up to 30 s past them; every second keeps them within a second.
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    clientErrorHandler: clientErrorHandler(securityHeaders),
    frameworkErrors: frameworkErrorHandler(securityHeaders),
    keepAliveTimeout: config.keepAliveTimeoutMs,
    trustProxy: trustProxyOption(config.trustProxy),
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
  });

  // Order matters: plugins that watch routes through onRoute (route index, rate limit, metrics, docs) come first.
  await app.register(readiness);
  await app.register(planner, options.planner ? { planner: options.planner } : {});
  // Before every plugin whose onRequest hooks use the database (auth), so their requests count as in flight.
  await app.register(inFlight);
  await app.register(requestId);
  // Before problem details, whose onRequest hook answers 404s: every response, errors included, gets the headers.
  await app.register(security);
  await app.register(problemDetails);
  await app.register(jsonBody);
  await app.register(cors, { origins: config.corsOrigins });
  await app.register(underPressure, {
    underPressure: config.underPressure,
    memoryLimitBytes: config.memoryLimitBytes,
  });
  await app.register(rateLimit, { rateLimit: config.rateLimit });
  await app.register(storage, {
    storage: config.storage,
    openAtStart: options.openStorageAtStart ?? false,
    ...(options.store ? { store: options.store } : {}),
  });
  // After the rate limit, so guessing keys is rate limited too.
  await app.register(auth, { requireApiKey: config.storage.requireApiKey });
  await app.register(admission, {
    rateLimit: config.rateLimit,
    workMax: config.rateLimitWorkMax,
    // A thirty-second of the memory budget for heavy responses still being written: one full batch at a time (10 MB
    // of JSON, counted twice: the text and its socket buffer).
    responseBytesLimit: Math.floor(config.memoryLimitBytes / 32),
    sendTimeoutMs: config.sendTimeoutMs,
    retryAfterSeconds: config.underPressure.retryAfterSeconds,
  });
  await app.register(metrics);
  await app.register(workerPool, {
    workers: config.workers,
    checkResponses: options.checkResponses ?? false,
  });
  await app.register(operations, {
    asyncWorkThreshold: config.asyncWorkThreshold,
    limits: config.operations,
  });
  await app.register(docs, { serveDocs: config.docsEnabled });
  await app.register(apiRoutes, {
    checkResponses: options.checkResponses ?? false,
    benchmarkRoutes: config.benchmarkRoutes,
  });
  return app;
}
