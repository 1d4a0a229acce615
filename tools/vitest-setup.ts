// vitest globalSetup: generates the block descriptions before a run (what `make types` does
// first; cheap, and only what changed), so a bare `npx vitest run` works on a fresh clone.
import { generateAll } from './files.js';

export async function setup(): Promise<void> {
  await generateAll();
}
