/**
 * Long-running operations, after the Azure REST API guidelines: a heavy request answers 202 Accepted with an
 * Operation-Location header naming its status monitor (GET /v1/operations/{id}), which says NotStarted or Running
 * with Retry-After until the work ends Succeeded (with the result the synchronous call would have sent, byte for byte),
 * Failed (with its problem) or Canceled (DELETE). Which requests: those sent with `Prefer: respond-async` (RFC 7240)
 * and those whose estimated work exceeds the threshold, since, as Google's AIP-151 puts it, a method that takes
 * significant time should hand back an operation rather than hold the client's connection. Everything else answers
 * synchronously, as before.
 *
 * Routes call `app.operations.answer(request, reply, task, work)`. On close, unfinished operations are cancelled (the
 * in-memory store would lose them anyway) so the worker threads stop within the shutdown grace.
 */
import { randomUUID } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../../config.js';
import type { HeavyTask } from '../../workers/tasks.js';
import {
  FINISHED,
  InMemoryOperationStore,
  type OperationRecord,
  type OperationStore,
} from '../operationStore.js';
import { WorkRefusedError } from '../work.js';
import { problemFor } from './problemDetails.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const RESPOND_ASYNC = /(?:^|[\s,])respond-async(?:$|[\s,;])/i;
/** Answers at least this large are freed as soon as they are sent (release, below); smaller ones cost the collector little. */
const RELEASE_BYTES = 1024 * 1024;
/** A plan unit is about 10 us: the poll interval a client is told, from the work's estimate, within 1 to 10 s. */
const PLAN_UNITS_PER_SECOND = 100_000;

export interface Operations {
  answer(
    request: FastifyRequest,
    reply: FastifyReply,
    task: HeavyTask,
    work: number,
    options?: { inline?: boolean; resultBytes?: number; teamId?: string },
  ): Promise<FastifyReply>;
  /** The operation, if the request may see it: one a team owns only with a key of that team (else as if unknown). */
  get(id: string, request: FastifyRequest): Promise<OperationRecord | undefined>;
  /** Cancels an unfinished operation the request may see; returns it (unchanged when it had already finished). */
  cancel(id: string, request: FastifyRequest): Promise<OperationRecord | undefined>;
  /** The status monitor's JSON; the result is spliced in as stored, so it is the synchronous body exactly. */
  json(record: OperationRecord): string | Buffer;
  retryAfterSeconds(id: string): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly operations: Operations;
  }
}

export function operationJson(record: OperationRecord): string | Buffer {
  const head = `{"id":${JSON.stringify(record.id)},"status":"${record.status}","createdDateTime":"${record.createdDateTime}","lastUpdatedDateTime":"${record.lastUpdatedDateTime}"`;
  if (record.result !== undefined)
    return Buffer.concat([Buffer.from(`${head},"result":`), record.result, Buffer.from('}')]);
  if (record.error !== undefined) return `${head},"error":${JSON.stringify(record.error)}}`;
  return `${head}}`;
}

export interface OperationsOptions {
  asyncWorkThreshold: number;
  limits: AppConfig['operations'];
  store?: OperationStore;
}

const operationsPlugin: FastifyPluginAsync<OperationsOptions> = async (app, options) => {
  const store = options.store ?? new InMemoryOperationStore(options.limits);
  const controllers = new Map<string, AbortController>();
  const pollSeconds = new Map<string, number>();

  /** Aborts the task when the client goes away before its answer is written: nobody would read it. */
  const abortOnDisconnect = (reply: FastifyReply): AbortSignal => {
    const controller = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    return controller.signal;
  };

  const start = (record: OperationRecord, task: HeavyTask, request: FastifyRequest): void => {
    const controller = new AbortController();
    controllers.set(record.id, controller);
    const started = new MessageChannel();
    started.port1.once('message', () => {
      if (record.status === 'NotStarted') store.update(record.id, { status: 'Running' });
    });
    app.heavyWork
      .run({ ...task, started: started.port2 }, { signal: controller.signal, transferList: [started.port2] })
      .then(
        (result) => {
          store.update(record.id, { status: 'Succeeded', result });
        },
        (error: unknown) => {
          if (record.status === 'Canceled') return;
          const problem = { ...problemFor(error, request), instance: request.id };
          if (problem.status >= 500)
            request.log.error({ err: error, operation: record.id }, 'operation failed');
          store.update(record.id, { status: 'Failed', error: problem });
        },
      )
      .finally(() => {
        controllers.delete(record.id);
        pollSeconds.delete(record.id);
        started.port1.close();
      });
  };

  /**
   * Frees an answer's bytes once the socket has taken all of them ('finish': every write has completed). They came from
   * a worker as their own ArrayBuffer, memory outside the heap that the collector frees only on a full pass; a 10 MB
   * batch answer a request would otherwise bring one on every few batches, on the event loop and its helper threads.
   * Never on 'close' alone: a write still in progress may be reading them.
   */
  const release = (body: Buffer) => {
    const buffer = body.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
    if (body.byteLength < RELEASE_BYTES || buffer.byteLength !== body.byteLength) return;
    try {
      buffer.transfer?.(0);
    } catch {
      // Not detachable (a buffer Node owns): the collector frees it in time.
    }
  };

  /** A team's operation is seen only with a key of that team; without a key it is as unknown as any other id. */
  const visible = async (
    record: OperationRecord | undefined,
    request: FastifyRequest,
  ): Promise<OperationRecord | undefined> => {
    if (record?.teamId === undefined) return record;
    if (request.headers.authorization === undefined) return undefined;
    return (await app.authenticate(request, 'read')).teamId === record.teamId ? record : undefined;
  };
  const cancelled = (record: OperationRecord): OperationRecord => {
    store.update(record.id, { status: 'Canceled' });
    controllers.get(record.id)?.abort();
    return record;
  };

  const operations: Operations = {
    async answer(request, reply, task, work, answerOptions = {}) {
      const preferred = RESPOND_ASYNC.test(String(request.headers.prefer ?? ''));
      if (!preferred && work <= options.asyncWorkThreshold) {
        const body = await app.heavyWork.run(task, {
          signal: abortOnDisconnect(reply),
          ...(answerOptions.inline ? { inline: true } : {}),
        });
        reply.raw.once('finish', () => release(body));
        return reply.type(JSON_CONTENT_TYPE).send(body);
      }
      if (!app.heavyWork.hasRoom())
        throw new WorkRefusedError('The worker threads are busy and their queue is full.', 5);
      const now = new Date().toISOString();
      const record: OperationRecord = {
        id: randomUUID(),
        ...(answerOptions.teamId !== undefined && { teamId: answerOptions.teamId }),
        status: 'NotStarted',
        createdDateTime: now,
        lastUpdatedDateTime: now,
      };
      if (!store.create(record, answerOptions.resultBytes ?? 16 * 1024))
        throw new WorkRefusedError('The service holds as many operations as it can keep.', 60);
      const seconds = Math.min(10, Math.max(1, Math.ceil(work / PLAN_UNITS_PER_SECOND / 4)));
      pollSeconds.set(record.id, seconds);
      start(record, task, request);
      if (preferred) reply.header('preference-applied', 'respond-async');
      return reply
        .code(202)
        .header('operation-location', `${request.protocol}://${request.host}/v1/operations/${record.id}`)
        .header('retry-after', String(seconds))
        .type(JSON_CONTENT_TYPE)
        .send(operationJson(record));
    },
    get: (id, request) => visible(store.get(id), request),
    async cancel(id, request) {
      const record = await visible(store.get(id), request);
      if (record === undefined || FINISHED.has(record.status)) return record;
      return cancelled(record);
    },
    json: operationJson,
    retryAfterSeconds: (id) => pollSeconds.get(id) ?? 1,
  };
  app.decorate('operations', operations);
  app.addHook('preClose', async () => {
    for (const record of store.unfinished()) cancelled(record);
  });
};

export default fp(operationsPlugin, { name: 'operations', dependencies: ['worker-pool'] });
