// Builds a top (or finds it in the cache) and runs its harness in the foreground, bound to an
// endpoint, for tests on another machine to attach to with SIM_ENDPOINT: one test file after
// another, each on a fresh model, until stopped (Ctrl-C); with --once, only the first.
//   npx tsx bridge/src/cli/harness.ts <top> <endpoint> [--once] [--peer-timeout-ms N] [+plusargs...]
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildTop } from '../build.js';
import { loadTops } from './tops.js';

const usage = 'usage: harness.ts <top name> <endpoint, e.g. tcp://0.0.0.0:5555> [--once] [--peer-timeout-ms N] [+plusargs...]';
let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { once: { type: 'boolean' }, 'peer-timeout-ms': { type: 'string' } },
  });
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
const [name, endpoint, ...plusargs] = parsed.positionals;
const timeout = parsed.values['peer-timeout-ms'];
if (!name || !endpoint || plusargs.some((a) => !a.startsWith('+')) || (timeout !== undefined && !/^\d+$/.test(timeout))) {
  console.error(usage);
  process.exit(2);
}
const tops = (await loadTops()).flatMap((f) => f.tops);
const top = tops.find((t) => t.name === name);
if (!top) {
  console.error(`no top '${name}'; known: ${tops.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const built = await buildTop(top);
const args = ['--bind', endpoint, '--die-with-parent', ...(parsed.values.once ? ['--once'] : []),
  ...(timeout !== undefined ? ['--peer-timeout-ms', timeout] : []), ...plusargs];
const child = spawn(built.harness, args, { stdio: 'inherit' });
// Stopping this process stops the harness (which closes its waveform and calls final()).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
