#!/usr/bin/env node
/**
 * The `scaleplan` executable (package.json "bin"): hands argv to runCli and sets the exit code. `scaleplan serve`
 * leaves the server running; src/server.ts then owns the process and its exit.
 */
import { runCli } from './run.js';

process.exitCode = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    // src/server.ts owns configuration, listening and graceful shutdown, and runs them when imported.
    serve: () => import('../server.js'),
  },
  process.env,
);
