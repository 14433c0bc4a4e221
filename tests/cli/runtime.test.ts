/**
 * The entries refuse an unsupported Node with a message instead of failing on node:sqlite's import. Oracle: Node's
 * changelog for node:sqlite ("SQLite is unflagged" in v22.13.0 and v23.4.0; built in without a flag in every later
 * line). The process tests run the entries on the machine's system Node when it is older (20 on these machines).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unsupportedNodeMessage } from '../../src/runtime.js';

describe('unsupportedNodeMessage', () => {
  it.each(['22.13.0', '22.20.1', '23.4.0', '23.11.1', '24.0.0', '24.21.0', '26.1.0'])(
    'accepts Node %s',
    (v) => {
      expect(unsupportedNodeMessage(v)).toBeUndefined();
    },
  );

  it.each(['18.20.8', '20.20.2', '21.7.3', '22.0.0', '22.12.0', '23.0.0', '23.3.0'])(
    'refuses Node %s, saying what to do',
    (v) => {
      const message = unsupportedNodeMessage(v);
      expect(message).toContain(`this is Node ${v}`);
      expect(message).toContain('Node 22.13 or newer');
      expect(message).toContain('npx scaleplan');
    },
  );
});

const ROOT = resolve(import.meta.dirname, '../..');
const SYSTEM_NODE = process.env.SYSTEM_NODE ?? '/usr/bin/node';
const systemVersion = existsSync(SYSTEM_NODE)
  ? execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
  : undefined;
const oldNode = systemVersion !== undefined && unsupportedNodeMessage(systemVersion) !== undefined;
if (!oldNode)
  console.warn(
    `runtime.test.ts: no Node older than 22.13 at ${SYSTEM_NODE} (${systemVersion ?? 'none'}); the process tests are skipped`,
  );

describe.skipIf(!oldNode)(`the entries on the system Node (${systemVersion})`, () => {
  it.each(['src/cli/main.ts', 'src/server.ts'])(
    '%s exits 1 with the message and loads nothing else',
    (entry) => {
      const run = spawnSync(SYSTEM_NODE, ['--import', 'tsx', entry, '--help'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, PORT: '0' },
        timeout: 20_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`this is Node ${systemVersion}`);
      expect(run.stderr).not.toContain('ERR_UNKNOWN_BUILTIN_MODULE');
      expect(run.stdout).toBe('');
    },
  );
});

describe('the bin', () => {
  // npx runs package.json's bin directly (`sh -c scaleplan`): without the executable bit it is "Permission denied",
  // which tsc's output lacks until the build script sets it (a link npx made earlier does not set it again).
  it.skipIf(!existsSync(resolve(ROOT, 'dist/cli/main.js')))('is executable after the build', () => {
    expect(statSync(resolve(ROOT, 'dist/cli/main.js')).mode & 0o111).toBe(0o111);
  });
});
