// Builds a top (or finds it in the cache) and runs its harness in the foreground, bound to an
// endpoint, for a test on another machine to attach to with SIM_ENDPOINT.
//   npx tsx bridge/src/cli/harness.ts <top> <endpoint> [+plusargs...]
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildTop } from '../build.js';
import { ROOT } from '../paths.js';
import type { TopSpec } from '../top.js';

const [name, endpoint, ...plusargs] = process.argv.slice(2);
if (!name || !endpoint) {
  console.error('usage: harness.ts <top name> <endpoint, e.g. tcp://0.0.0.0:5555> [+plusargs...]');
  process.exit(2);
}
const files = (await fs.readdir(path.join(ROOT, 'tb'), { recursive: true })).filter((f) => path.basename(f) === 'tops.ts');
const tops: TopSpec[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(ROOT, 'tb', f)).href)) as Record<string, unknown>;
  for (const v of Object.values(mod)) {
    if (typeof v === 'object' && v !== null && 'name' in v && 'sources' in v) tops.push(v as TopSpec);
  }
}
const top = tops.find((t) => t.name === name);
if (!top) {
  console.error(`no top '${name}'; known: ${tops.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const built = await buildTop(top);
const child = spawn(built.harness, ['--bind', endpoint, ...plusargs], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
