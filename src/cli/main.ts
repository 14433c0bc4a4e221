#!/usr/bin/env node
/**
 * The `scaleplan` executable (package.json "bin"): hands argv to runCli and sets the exit code. `scaleplan serve`
 * leaves the server running; src/server.ts then owns the process and its exit. An unsupported Node (src/runtime.ts) exits 1
 * with a message before anything is loaded.
 */
import { unsupportedNodeMessage } from '../runtime.js';

const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported !== undefined) {
  process.stderr.write(`${unsupported}\n`);
  process.exit(1);
}
// A reader that stops early (`scaleplan frontier --json | head -c 100`) closes the pipe: the rest of the output has
// nowhere to go, which is not a failure (as for head, grep and other Unix tools, exit quietly). A full disk is one:
// say so in a line, exit 1, no stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`scaleplan: cannot write the output: ${error.message}\n`);
  process.exit(1);
});

// Loaded only after the check: run.js reaches node:sqlite, which an older Node cannot even import.
const { runCli } = await import('./run.js');

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
