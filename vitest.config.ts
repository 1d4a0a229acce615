import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { reportsDir } from './bridge/src/paths.js';

// One simulator process per test file; files run in parallel workers (one per core).
export default defineConfig({
  test: {
    // The fixtures of tb/bridge/reports.test.ts fail on purpose, those of tb/mutate/mutate.test.ts
    // are testbenches of a mutation run: they run only inside those tests' own vitest runs, which
    // set CELLBENCH_FIXTURES.
    include: ['tb/**/*.test.ts', 'models/**/*.test.ts', ...(process.env.CELLBENCH_FIXTURES ? ['tb/bridge/fixtures/*.fixture.ts', 'tb/mutate/fixtures/*.fixture.ts'] : [])],
    pool: 'forks',
    // The project's generator first (the tests import what it writes), then the bridge's reports.
    globalSetup: ['tools/vitest-setup.ts', 'bridge/src/vitest-global.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,  // a first build of a top takes a while; later runs hit the cache
    reporters: ['default', './bridge/src/summary-reporter.ts', ...(process.env.CI ? [['junit', { outputFile: path.join(reportsDir(), 'junit.xml') }] as ['junit', { outputFile: string }]] : [])],
  },
});
