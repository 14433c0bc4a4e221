/**
 * The CLI's output going nowhere. Oracle: how Unix tools behave in a pipeline: a reader that stops early (head) ends
 * the writer quietly, exit 0 and nothing on stderr; a full disk (/dev/full) is a failure, said in one line, exit 1.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ENTRY = ['--import', 'tsx', 'src/cli/main.ts'];

describe('when the output cannot be written', () => {
  it('stops quietly, exit 0, when the reader closes the pipe early', async () => {
    // 200 budgets as JSON is about 300 kB, far more than a pipe holds.
    const child = spawn(process.execPath, [...ENTRY, 'frontier', '--points', '200', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = await once(child, 'exit');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it.skipIf(!existsSync('/dev/full'))(
    'says so in one line, exit 1, on a full disk',
    async () => {
      const child = spawn(process.execPath, [...ENTRY, 'plan', '5000'], {
        stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      expect(stderr).toMatch(/^scaleplan: cannot write the output: ENOSPC[^\n]*\n$/);
    },
    60_000,
  );
});
