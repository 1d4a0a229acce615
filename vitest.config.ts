import { defineConfig } from 'vitest/config';

// One simulator process per test file; files run in parallel workers (one per core).
export default defineConfig({
  test: {
    include: ['tb/**/*.test.ts', 'models/**/*.test.ts'],
    pool: 'forks',
    globalSetup: ['bridge/src/vitest-global.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,  // a first build of a top takes a while; later runs hit the cache
    reporters: ['default', './bridge/src/summary-reporter.ts', ...(process.env.CI ? [['junit', { outputFile: 'reports/junit.xml' }] as ['junit', { outputFile: string }]] : [])],
  },
});
