// Simulator-free tests get simTest's seed contract: `SEED=…` replays a test, its seed is printed
// when it fails and recorded for the run summary. Pass it to `fc.assert(…, { seed })`.
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { test as base } from 'vitest';
import { ROOT } from '../../bridge/src/paths.js';

/** A vitest `test` whose tests receive `seed`: `$SEED`, else a random one. */
export const seededTest = base.extend<{ seed: number }>({
  seed: async ({ onTestFailed, task }, use) => {
    const seed = process.env.SEED ? Number(process.env.SEED) : randomInt(2 ** 31);
    (task.meta as Record<string, unknown>).seed = seed;
    onTestFailed(() => {
      const file = path.relative(ROOT, task.file.filepath);
      console.error(`seed ${seed}: replay with SEED=${seed} npx vitest run ${file} -t ${JSON.stringify(task.name)}`);
    });
    await use(seed);
  },
});
