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

export default fp(storagePlugin, { name: 'storage', dependencies: ['in-flight'] });
