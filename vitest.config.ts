import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // Servers the tests start (in process or as child processes, which inherit this) keep their database in memory
    // unless a test gives its own: nothing is written to ./data. An explicit DATA_DIR in the shell still wins.
    env: { DATA_DIR: process.env.DATA_DIR ?? ':memory:' },
  },
});
