// The core's tests alone, for mutation testing (stryker.config.mjs): the mutants are in src/core, and the HTTP, CLI
// and browser tests would only slow each mutant's run.
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Quickest files first, by the duration vitest last recorded for each (unknown, that is new, files first). Vitest's
 * default runs the longest first; under Stryker each mutant stops at its first failing test (bail), so a mutant a
 * quick file kills no longer waits for the property tests of the slow ones. Survivors still run every covering test.
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const duration = (spec: TestSpecification) =>
      this.ctx.cache.getFileTestResults(
        `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`,
      )?.duration ?? 0;
    return [...files].sort((a, b) => duration(a) - duration(b));
  }
}

/**
 * CORE_TESTS (comma-separated globs) narrows the run to some folders' tests, e.g. a folder's own when its mutants
 * would otherwise wait on the slowest property tests of the whole core (README, Mutation testing).
 */
const include = process.env.CORE_TESTS?.split(',').filter((glob) => glob !== '') ?? [
  'tests/core/**/*.test.ts',
];

export default defineConfig({
  test: {
    include,
    environment: 'node',
    testTimeout: 20_000,
    sequence: { sequencer: QuickestFirst },
  },
});
