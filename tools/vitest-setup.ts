// vitest globalSetup: generates the block descriptions before a run (what `make types` does
// first; cheap, and only what changed), so a bare `npx vitest run` works on a fresh clone.
import { generateAll } from './files.js';

export async function setup(): Promise<void> {
  // CELLBENCH_GENERATE=0: the files as they are. The mutation runner (tools/mutate/) tests a
  // fault it planted in a generated file (a register block, a package), which this would undo.
  if (process.env.CELLBENCH_GENERATE === '0') return;
  await generateAll();
}
