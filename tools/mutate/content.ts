// What a block's tests can see, hashed: the key of its baseline (and so of its mutants'
// outcomes), so that a change elsewhere in the repository (another block's tests, a README)
// does not make a mutation run measure everything again.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TopSpec } from '../../bridge/src/top.js';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.[^'"]+)['"]/g;

/** `file` (a .ts file, relative to `root`) and every .ts file it imports, transitively. */
async function closure(root: string, files: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const todo = [...files];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (seen.has(f) || !existsSync(path.join(root, f))) continue;
    seen.add(f);
    if (!f.endsWith('.ts')) continue;
    for (const m of (await fs.readFile(path.join(root, f), 'utf8')).matchAll(SPECIFIER)) {
      const target = path.normalize(path.join(path.dirname(f), m[1]!)).replace(/\.js$/, '.ts');
      todo.push(target);
    }
  }
  return seen;
}

/** Every file under `dir` (relative to `root`), but generated `gen/` folders. */
async function under(root: string, dir: string): Promise<string[]> {
  if (!existsSync(path.join(root, dir))) return [];
  return (await fs.readdir(path.join(root, dir), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((f) => !f.split(path.sep).includes('gen'));
}

/**
 * A hash of what the tests `tests` of a block with tops `tops` can see in the repository at
 * `root`: the test files and every TypeScript file they import (models, environments, the
 * bridge), the run's configuration and global setup, everything in the folders of the test files
 * and of the tops' sources (RTL, fixtures, the data a test reads), the harness every top is built
 * with, and the descriptions the generator writes code from.
 */
export async function contentKey(root: string, tests: readonly string[], tops: readonly TopSpec[]): Promise<string> {
  const roots = [...tests, 'vitest.config.ts', 'tools/vitest-setup.ts', 'bridge/src/vitest-global.ts', 'bridge/src/summary-reporter.ts', 'package-lock.json'];
  const files = await closure(root, roots);
  const dirs = new Set([...tests, ...tops.flatMap((t) => [...t.sources, ...(t.config ?? [])])].map((f) => path.dirname(f)));
  for (const d of [...dirs, 'bridge/harness', ...tops.flatMap((t) => t.includeDirs ?? [])]) for (const f of await under(root, d)) files.add(f);
  for (const d of ['rtl', 'tb']) for (const f of await under(root, d)) if (f.endsWith('_desc.json')) files.add(f);
  const h = createHash('sha256');
  for (const f of [...files].filter((f) => path.basename(f) !== 'mutants.json').sort()) {
    h.update(f);
    h.update(await fs.readFile(path.join(root, f)));
  }
  return h.digest('hex').slice(0, 16);
}
