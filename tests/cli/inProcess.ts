/**
 * The CLI run in this process through runCli (no spawn): what it printed on each stream and its exit code. For the
 * commands that never start a server; standard input is the test runner's, so commands given files only.
 */
import { runCli } from '../../src/cli/run.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runInProcess(
  argv: readonly string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      serve: async () => {
        throw new Error(`scaleplan ${argv[0]} does not start a server`);
      },
    },
    env,
  );
  return { code, stdout, stderr };
}
