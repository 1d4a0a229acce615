// Every top the testbenches declare: the exports of each tb/**/tops.ts that are TopSpecs.
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../paths.js';
import type { TopSpec } from '../top.js';

function isTop(v: unknown): v is TopSpec {
  return typeof v === 'object' && v !== null && 'name' in v && 'sources' in v;
}

/** Each tops.ts under tb/ (absolute path) with the tops it exports, in declaration order. */
export async function loadTops(): Promise<{ file: string; tops: TopSpec[] }[]> {
  const files = (await fs.readdir(path.join(ROOT, 'tb'), { recursive: true }))
    .filter((f) => path.basename(f) === 'tops.ts')
    .map((f) => path.join(ROOT, 'tb', f))
    .sort();
  const out: { file: string; tops: TopSpec[] }[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    out.push({ file, tops: Object.values(mod).filter(isTop) });
  }
  return out;
}
