/**
 * Entry point (`npm start`, or `node dist/server.js` in the image): the only module that reads process.env, listens
 * and owns the process. Bad configuration prints the offending variable, and an unsupported Node (src/runtime.ts) says
 * so; both exit with code 1 before anything starts.
 */
import { ConfigError, loadConfig } from './config.js';
import { unsupportedNodeMessage } from './runtime.js';

const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported !== undefined) {
  process.stderr.write(`${unsupported}\n`);
  process.exit(1);
}
// Loaded only after the check: the app reaches node:sqlite, which an older Node cannot even import.
const [{ buildApp }, { listenMetrics }, { installGracefulShutdown }] = await Promise.all([
  import('./http/app.js'),
  import('./http/metricsServer.js'),
  import('./http/shutdown.js'),
]);

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
// npm (npm start, npx scaleplan serve) marks the processes it starts with npm_command; stopping npm stops the server.
installGracefulShutdown(app, config.shutdownGraceMs, {
  ...(process.env.npm_command !== undefined && { launcherPid: process.ppid }),
});
await app.listen({ port: config.port, host: config.host });
if (config.metricsPort !== undefined) await listenMetrics(app, config.metricsPort, config.host);
