// Writes gen/<top>.d.ts beside every tops.ts under tb/ (make types): the typed `dut` of each top.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describeTop } from '../build.js';
import { dutTypes } from '../codegen.js';
import { ROOT } from '../paths.js';
import { generateRegMaps } from '../regmap/files.js';
import { writeIfChanged } from '../write-file.js';
import { loadTops } from './tops.js';

const typeName = (name: string): string =>
  `${name.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}Dut`;

// Register blocks first: tops may be built from the generated RTL.
const maps = await generateRegMaps();
let count = 0;
for (const { file, tops } of await loadTops()) {
  const genDir = path.join(path.dirname(file), 'gen');
  await fs.mkdir(genDir, { recursive: true });
  const written = new Set<string>();
  for (const spec of tops) {
    // Variants of one module (parameter overrides) share its type.
    const module = spec.module ?? spec.name;
    if (written.has(module)) continue;
    written.add(module);
    const table = await describeTop(spec);
    const bridge = path.relative(genDir, path.join(ROOT, 'bridge', 'src', 'index.js')).replaceAll(path.sep, '/');
    const out = path.join(genDir, `${module}.d.ts`);
    const text = dutTypes(table, typeName(module), bridge.startsWith('.') ? bridge : `./${bridge}`);
    await writeIfChanged(out, text);
    count++;
  }
}
console.log(`make types: ${maps.length} register map(s), ${count} top interface(s) under tb/*/gen/`);
