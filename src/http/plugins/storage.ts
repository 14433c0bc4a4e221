/**
 * The database behind profiles, keys, recorded plans and outcomes, as `app.store()`. The server opens and migrates it
 * before it listens (openAtStart), so a schema problem stops the process at once; apps built for tests open it on first
 * use, so the many that never touch a profile never create a file.
 *
 * An unreachable database does not stop the server: planning on the paper laws needs none, so the server starts and
 * serves it, /readyz names the database while it does not answer (a SELECT 1 within a second, at most once a second),
 * requests that need it get 503 with Retry-After (plugins/problemDetails.ts), and the next request that needs it
 * opens and migrates it again.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../../config.js';
import { isStorageUnavailable } from '../../storage/availability.js';
import { openDatabase } from '../../storage/database.js';
import { Store } from '../../storage/store.js';
import { cachedCheck } from '../cachedCheck.js';
import { ProfileLaws } from '../profileLaws.js';

/** A readiness probe's database check: how long it may take, and how long its answer serves later probes. */
const DATABASE_CHECK_TIMEOUT_MS = 1_000;
const DATABASE_CHECK_TTL_MS = 1_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** The repositories, once the database is open and migrated. */
    store(): Promise<Store>;
  }
}

export interface StorageOptions {
  storage: AppConfig['storage'];
  /** A store to use instead of opening one from the configuration (tests); the caller closes it. */
  store?: Store;
  openAtStart: boolean;
}

const storagePlugin: FastifyPluginAsync<StorageOptions> = async (app, options) => {
  let opening: Promise<Store> | undefined = options.store && Promise.resolve(options.store);
  const open = async (): Promise<Store> => {
    const database = openDatabase({
      databaseUrl: options.storage.databaseUrl,
      dataDir: options.storage.dataDir,
      statementTimeoutMs: options.storage.statementTimeoutMs,
      onPoolError: (error) => app.log.error({ err: error }, 'idle database connection failed'),
    });
    try {
      const ran = await database.migrate();
      app.log.info(
        { database: database.location, dialect: database.dialect, migrations: ran },
        'database ready',
      );
      return new Store(database, {
        idempotencyRetentionHours: options.storage.idempotencyRetentionHours,
      });
    } catch (error) {
      await database.close().catch(() => {});
      throw error;
    }
  };
  app.decorate('store', () => {
    if (opening === undefined) {
      opening = open();
      // A failed open (the database unreachable) is retried by the next request rather than remembered.
      opening.catch(() => {
        opening = undefined;
      });
    }
    return opening;
  });
  app.decorate('profileLaws', new ProfileLaws(app));
  if (options.openAtStart)
    app.addHook('onReady', async () => {
      try {
        await app.store();
      } catch (error) {
        if (!isStorageUnavailable(error)) throw error;
        app.log.warn({ err: error }, 'database unavailable at start; serving without it until it answers');
      }
    });
  let answered = true;
  const databaseAnswers = cachedCheck(async () => (await app.store()).database.ping(), {
    ttlMs: DATABASE_CHECK_TTL_MS,
    timeoutMs: DATABASE_CHECK_TIMEOUT_MS,
  });
  // Logged either way; a readiness check only when configured (a shared database's outage would unready every pod).
  const databaseCheck = async () => {
    const answers = await databaseAnswers();
    if (answers !== answered) {
      if (answers) app.log.info('database answers again');
      else app.log.warn('database does not answer');
      answered = answers;
    }
    return answers;
  };
  if (options.storage.readinessNeedsDatabase) app.readiness.addCheck('database', databaseCheck);
  // onClose hooks run in reverse order of registration, and Fastify registers the one that closes the HTTP server last,
  // so this runs once the server takes no more requests; those still being handled (their client may have gone away)
  // are awaited, so none finds the connections gone. The shutdown's grace period bounds the wait.
  app.addHook('onClose', async () => {
    if (options.store !== undefined) return;
    // A request still in flight may be the first to open the database.
    await app.inFlight.idle();
    if (opening === undefined) return;
    const store = await opening.catch(() => undefined);
    await store?.database.close();
  });
};

export default fp(storagePlugin, { name: 'storage', dependencies: ['in-flight', 'readiness'] });
