/**
 * The committed document through two third-party linters, as an integrator would run them: Redocly's recommended
 * ruleset (redocly.yaml) and Spectral's oas ruleset (.spectral.yaml), both pinned in package.json. Oracle: the
 * linters' own rules; the test asks for no error and no warning. Rules turned off, and occurrences excused, say why
 * in those files.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCUMENT = 'openapi/openapi.json';
const run = promisify(execFile);
/** No telemetry, no update check: the linters run offline, as in CI. */
const ENV = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  NO_UPDATE_NOTIFIER: '1',
};

/** Runs a linter's bin; a non-zero exit (findings) still yields its report on stdout. */
async function lint(bin: string, args: string[]): Promise<string> {
  try {
    return (await run(`${ROOT}node_modules/.bin/${bin}`, args, { cwd: ROOT, env: ENV, maxBuffer: 64 << 20 }))
      .stdout;
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout) return stdout;
    throw error;
  }
}

describe(`${DOCUMENT} under third-party linters`, () => {
  it("passes Redocly's recommended ruleset with no error and no warning", async () => {
    const report = JSON.parse(await lint('redocly', ['lint', DOCUMENT, '--format=json'])) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 120_000);

  it("passes Spectral's oas ruleset with no error and no warning", async () => {
    const results = JSON.parse(await lint('spectral', ['lint', DOCUMENT, '--format=json', '--quiet'])) as {
      code: string;
      message: string;
      severity: number;
    }[];
    // Severity 0 is an error, 1 a warning; 2 (info) and 3 (hint) are not asked about.
    expect(results.filter((r) => r.severity <= 1).map((r) => `${r.code}: ${r.message}`)).toEqual([]);
  }, 120_000);
});
