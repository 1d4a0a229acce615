// Where a description's outputs go, and writing them. A description of a block
// (rtl/<block>/<prefix>_desc.json) gives the package and register block beside it, the
// TypeScript in models/<block>/ (the folder's name) and the tables of rtl/<block>/README.md; a testbench fixture's
// (tb/<x>/hdl/<prefix>_desc.json) gives all of its code in tb/<x>/gen/ (git-ignored).
import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../bridge/src/paths.js';
import { writeIfChanged } from '../bridge/src/write-file.js';
import { DescError, prefixOf, validate, type Description } from './desc.js';
import { spliceReadme } from './docs.js';
import { svPackage, svRegTop } from './sv.js';
import { tsModule } from './ts.js';

/** The suffix that marks a description. */
export const DESC_SUFFIX = '_desc.json';

/** One output of a description: its path and text. */
export interface Output {
  readonly file: string;
  readonly text: string;
}

/** Every `*_desc.json` under rtl/ and tb/, sorted. */
export async function findDescriptions(): Promise<string[]> {
  const found: string[] = [];
  for (const top of ['rtl', 'tb']) {
    const base = path.join(ROOT, top);
    const files = await fs.readdir(base, { recursive: true }).catch(() => [] as string[]);
    for (const f of files.filter((x) => x.endsWith(DESC_SUFFIX))) found.push(path.join(base, f));
  }
  return found.sort();
}

/** Numbers may be written as hex strings (`"0x9F"`), as datasheets print opcodes and masks. */
function hexNumbers(key: string, v: unknown): unknown {
  return ['value', 'reset', 'offset'].includes(key) && typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v) ? Number(v) : v;
}

/** Reads and checks a description; a file that does not parse or validate throws, naming it. */
export async function readDescription(file: string): Promise<Description> {
  const rel = path.relative(ROOT, file);
  let d: Description;
  try {
    d = JSON.parse(await fs.readFile(file, 'utf8'), hexNumbers) as Description;
  } catch (e) {
    throw new DescError(`${rel}: ${(e as Error).message}`);
  }
  try {
    validate(d);
  } catch (e) {
    throw new DescError(`${rel}: ${(e as Error).message}`);
  }
  if (path.basename(file) !== `${prefixOf(d)}${DESC_SUFFIX}`) throw new DescError(`${rel}: a description of prefix '${prefixOf(d)}' is named ${prefixOf(d)}${DESC_SUFFIX}`);
  return d;
}

/** What `file`'s description gives, README included (read from disk as it is now). */
export async function outputsOf(file: string, d: Description): Promise<Output[]> {
  const source = path.basename(file);
  const inRtl = !path.relative(path.join(ROOT, 'rtl'), file).startsWith('..');
  const svDir = inRtl ? path.dirname(file) : path.join(path.dirname(file), '..', 'gen');
  // rtl/X/ mirrors models/X/: a folder with several descriptions (rtl/cell/) keeps them together.
  const tsFile = path.join(inRtl ? path.join(ROOT, 'models', path.relative(path.join(ROOT, 'rtl'), path.dirname(file))) : svDir, `${prefixOf(d)}_pkg.ts`);
  const common = path.relative(path.dirname(tsFile), path.join(ROOT, 'models', 'common')).replaceAll(path.sep, '/');
  const out: Output[] = [
    { file: path.join(svDir, `${prefixOf(d)}_pkg.sv`), text: svPackage(d, source) },
    { file: tsFile, text: tsModule(d, common.startsWith('.') ? common : `./${common}`, source) },
  ];
  if (d.registers?.length) out.push({ file: path.join(svDir, `${prefixOf(d)}_reg_top.sv`), text: svRegTop(d, source) });
  if (inRtl) {
    const readme = path.join(path.dirname(file), 'README.md');
    const old = await fs.readFile(readme, 'utf8').catch(() => {
      throw new DescError(`${path.relative(ROOT, file)}: the block has no README.md beside it for the generated tables`);
    });
    out.push({ file: readme, text: spliceReadme(old, d, path.relative(ROOT, readme), source) });
  }
  return out;
}

/** Generates every description; returns the descriptions done. */
export async function generateAll(): Promise<string[]> {
  const files = await findDescriptions();
  for (const file of files) {
    for (const o of await outputsOf(file, await readDescription(file))) await writeIfChanged(o.file, o.text);
  }
  return files;
}
