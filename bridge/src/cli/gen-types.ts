// Writes gen/<top>.d.ts beside every tops.ts under tb/ (make types), or beside each tops file
// named on the command line: the typed `dut` of each top. A top that Verilator cannot read is
// reported with its tops.ts and Verilator's message, and the others are still written. (A
// project generating RTL runs its generator first: `make types` runs tools/gen.ts.)
import path from 'node:path';
import { describeTop } from '../build.js';
import { dutTypes } from '../codegen.js';
import { ROOT } from '../paths.js';
import { writeIfChanged } from '../write-file.js';
import { describeFailure, loadTops } from './tops.js';

const typeName = (name: string): string =>
  `${name.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}Dut`;

try {
  const files = process.argv.slice(2);
  let count = 0;
  const failures: string[] = [];
  for (const { file, tops } of await loadTops(files.length ? files : undefined)) {
    const genDir = path.join(path.dirname(file), 'gen');
    const written = new Set<string>();
    for (const spec of tops) {
      // Variants of one module (parameter overrides) share its type.
      const module = spec.module ?? spec.name;
      if (written.has(module)) continue;
      written.add(module);
      try {
        const table = await describeTop(spec);
        const bridge = path.relative(genDir, path.join(ROOT, 'bridge', 'src', 'index.js')).replaceAll(path.sep, '/');
        await writeIfChanged(path.join(genDir, `${module}.d.ts`), dutTypes(table, typeName(module), bridge.startsWith('.') ? bridge : `./${bridge}`));
        count++;
      } catch (e) {
        failures.push(describeFailure(file, spec, e));
      }
    }
  }
  for (const f of failures) console.error(`make types: ${f}\n`);
  console.log(`make types: ${count} top interface(s) under tb/*/gen/${failures.length ? `; ${failures.length} top(s) failed (above)` : ''}`);
  if (failures.length) process.exitCode = 1;
} catch (e) {
  console.error(`make types: ${(e as Error).message}`);
  process.exitCode = 1;
}
