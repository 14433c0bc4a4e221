/**
 * Debian's Chromium for the browser tests (never a downloaded browser), and the one rule for when they may skip: only
 * on a developer's machine without Chromium; under CI (.ci/run sets CI=1 and installs it) a missing browser is a
 * failure, not a skip.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debian's /usr/bin/chromium, else the first `chromium` on PATH, else undefined. */
export function findChromium(): string | undefined {
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (process.env.PATH ?? '').split(delimiter))
    if (dir !== '' && isExecutable(join(dir, 'chromium'))) return join(dir, 'chromium');
  return undefined;
}

/**
 * Flags for headless Chromium on these machines: as root it needs --no-sandbox, and without the background-networking
 * flags it keeps trying hosts this closed network refuses.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/**
 * The Chromium to test with, or undefined when the file's tests should skip (warning why). Throws under CI when
 * Chromium is missing.
 */
export function chromiumOrSkip(testFile: string): string | undefined {
  const chromium = findChromium();
  if (chromium !== undefined) return chromium;
  const reason = 'Chromium is not installed (no /usr/bin/chromium, no `chromium` on PATH)';
  if (process.env.CI) throw new Error(`CI is set but ${reason}; .ci/run installs Debian's chromium package`);
  console.warn(`${testFile} skipped: ${reason} and CI is not set`);
  return undefined;
}
