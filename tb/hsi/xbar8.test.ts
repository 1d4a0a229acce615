// hsi_xbar end to end at 8 cells, once (its own file: the 8-port top's build is the slow one, and
// `make mutate`'s runs of xbar.test.ts then rebuild only the 4-port top for each mutant).
import path from 'node:path';
import { describe } from 'vitest';
import { simProperty } from '../../bridge/src/index.js';
import { simTest, wavePath } from '../../bridge/src/vitest.js';
import { hsiXbar8Tb } from './tops.js';
import { caseArb, runCase } from './xbar_random.js';

describe('hsi_xbar randomized end to end', () => {
  simTest(hsiXbar8Tb, { simTimeout: [40, 'ms'] })('8 cells: every frame exactly once, in order per (src, dst, vc), bit-exact, to its dst only; bad dst dropped and counted', async ({ sim, seed, task }) => {
    await simProperty(sim, caseArb(8, 12), (c) => runCase(sim, 8, seed, c), { seed, numRuns: 1, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });
});
