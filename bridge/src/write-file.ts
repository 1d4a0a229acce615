import fs from 'node:fs/promises';
import path from 'node:path';

let counter = 0;

/**
 * Writes `text` to `file` unless it already holds it, through a temporary file and a rename, so
 * a reader (a test run importing generated code, a concurrent `make types`, a build hashing its
 * sources) never sees it empty or half-written. Returns whether it wrote.
 */
export async function writeIfChanged(file: string, text: string): Promise<boolean> {
  const old = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (old === text) return false;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${++counter}.tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
  return true;
}
