// Builds a top (or finds it in the cache) and runs its harness in the foreground, bound to an
// endpoint, for a test on another machine to attach to with SIM_ENDPOINT.
//   npx tsx bridge/src/cli/harness.ts <top> <endpoint> [+plusargs...]
import { spawn } from 'node:child_process';
import { buildTop } from '../build.js';
import { loadTops } from './tops.js';

const [name, endpoint, ...plusargs] = process.argv.slice(2);
if (!name || !endpoint) {
  console.error('usage: harness.ts <top name> <endpoint, e.g. tcp://0.0.0.0:5555> [+plusargs...]');
  process.exit(2);
}
const tops = (await loadTops()).flatMap((f) => f.tops);
const top = tops.find((t) => t.name === name);
if (!top) {
  console.error(`no top '${name}'; known: ${tops.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const built = await buildTop(top);
const child = spawn(built.harness, ['--bind', endpoint, ...plusargs], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
