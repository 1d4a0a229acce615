import fs from 'node:fs/promises';
import path from 'node:path';
import type { RegisterMap } from '../../../models/common/regmap.js';
import { ROOT } from '../paths.js';
import { writeIfChanged } from '../write-file.js';
import { svRegTop, tsRegs, validate } from './generate.js';

/**
 * Generates every `<block>_regs.json` under rtl/ and tb/. For rtl/<block>/ the SystemVerilog
 * lands beside the JSON and the TypeScript in models/<block>/regs.ts; for a testbench fixture
 * (tb/<x>/hdl/) both land in tb/<x>/gen/. Returns the JSON files done.
 */
export async function generateRegMaps(): Promise<string[]> {
  const found: string[] = [];
  for (const top of ['rtl', 'tb']) {
    const base = path.join(ROOT, top);
    const files = await fs.readdir(base, { recursive: true }).catch(() => [] as string[]);
    for (const f of files.filter((x) => x.endsWith('_regs.json'))) found.push(path.join(base, f));
  }
  for (const json of found) {
    const map = JSON.parse(await fs.readFile(json, 'utf8')) as RegisterMap;
    validate(map);
    const inRtl = path.relative(ROOT, json).startsWith('rtl');
    const svDir = inRtl ? path.dirname(json) : path.join(path.dirname(json), '..', 'gen');
    const tsFile = inRtl ? path.join(ROOT, 'models', map.block, 'regs.ts') : path.join(svDir, `${map.block}_regs.ts`);
    const runtime = path.relative(path.dirname(tsFile), path.join(ROOT, 'models', 'common', 'regmap.js')).replaceAll(path.sep, '/');
    const source = path.basename(json);
    await writeIfChanged(path.join(svDir, `${map.block}_reg_top.sv`), svRegTop(map, source));
    await writeIfChanged(tsFile, tsRegs(map, runtime.startsWith('.') ? runtime : `./${runtime}`, source));
  }
  return found;
}
