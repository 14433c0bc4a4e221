// Mutation testing of the core with StrykerJS and its vitest runner: `npm run mutate` (all of src/core) or
// `npm run mutate:planner` (one folder). Not part of `npm test` or CI: on two cores one folder takes tens of minutes.
// Mutants run against the core's own tests (tests/core), each against the tests that cover it (perTest coverage).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.core.config.ts', related: true },
  mutate: ['src/core/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
