// The tops the testbenches declare: the exports of each tb/**/tops.ts that are TopSpecs.
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BuildError } from '../build.js';
import { ROOT } from '../paths.js';
import type { TopSpec } from '../top.js';

function isTop(v: unknown): v is TopSpec {
  return typeof v === 'object' && v !== null && 'name' in v && 'sources' in v;
}

/**
 * Each tops.ts under tb/ (or each of `files`, relative to the repository or absolute) with the
 * tops it exports, in declaration order. A file that cannot be loaded throws, naming it.
 */
export async function loadTops(files?: readonly string[]): Promise<{ file: string; tops: TopSpec[] }[]> {
  const list = files?.map((f) => path.resolve(ROOT, f)) ?? (await fs.readdir(path.join(ROOT, 'tb'), { recursive: true }))
    .filter((f) => path.basename(f) === 'tops.ts')
    .map((f) => path.join(ROOT, 'tb', f))
    .sort();
  const out: { file: string; tops: TopSpec[] }[] = [];
  for (const file of list) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${path.relative(ROOT, file)} cannot be loaded: ${(e as Error).message}`, { cause: e });
    }
    out.push({ file, tops: Object.values(mod).filter(isTop) });
  }
  return out;
}

/**
 * What went wrong with `top` of `file`, for a person: where it is declared, then the build's
 * message (Verilator's own, for a BuildError), or the stack of anything else (a bug).
 */
export function describeFailure(file: string, top: TopSpec, e: unknown): string {
  const why = e instanceof BuildError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
  return `${path.relative(ROOT, file)}, top '${top.name}': ${why}`;
}
