/**
 * The database behind profiles, keys, recorded plans and outcomes, as `app.store()`. The server opens and migrates it
 * before it listens (openAtStart), so a schema problem stops the process at once; apps built for tests open it on first
 * use, so the many that never touch a profile never create a file.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../../config.js';
import { openDatabase } from '../../storage/database.js';
import { Store } from '../../storage/store.js';
import { ProfileLaws } from '../profileLaws.js';

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
      onPoolError: (error) => app.log.error({ err: error }, 'idle database connection failed'),
    });
    try {
      const ran = await database.migrate();
      app.log.info(
        { database: database.location, dialect: database.dialect, migrations: ran },
        'database ready',
      );
      return new Store(database);
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
  if (options.openAtStart) app.addHook('onReady', async () => void (await app.store()));
  // Plugins' onClose hooks run before the HTTP server's own (hooks close in reverse order), so requests still in
  // flight at shutdown could find the connections gone: the database is closed once they have been answered (the
  // shutdown's grace period bounds the wait by cutting their connections).
  let inFlight = 0;
  app.addHook('onRequest', async (_request, reply) => {
    inFlight += 1;
    reply.raw.once('close', () => {
      inFlight -= 1;
    });
  });
  app.addHook('onClose', async () => {
    if (options.store !== undefined || opening === undefined) return;
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const store = await opening.catch(() => undefined);
    await store?.database.close();
  });
};

export default fp(storagePlugin, { name: 'storage' });
