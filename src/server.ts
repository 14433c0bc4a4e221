/**
 * Entry point (`npm start`, or `node dist/server.js` in the image): the only module that reads process.env, listens
 * and owns the process. Bad configuration prints the offending variable and exits with code 1 before anything starts.
 */
import { ConfigError, loadConfig } from './config.js';
import { buildApp } from './http/app.js';
import { listenMetrics } from './http/metricsServer.js';
import { installGracefulShutdown } from './http/shutdown.js';

function configOrExit() {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`scaleplan: invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
}

const config = configOrExit();
const app = await buildApp({ config, openStorageAtStart: true });
installGracefulShutdown(app, config.shutdownGraceMs);
await app.listen({ port: config.port, host: config.host });
if (config.metricsPort !== undefined) await listenMetrics(app, config.metricsPort, config.host);
