// The core's tests alone, for mutation testing (stryker.config.mjs): the mutants are in src/core, and the HTTP, CLI
// and browser tests would only slow each mutant's run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/core/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
