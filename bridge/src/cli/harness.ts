// Builds a top (or finds it in the cache) and runs its harness in the foreground, bound to an
// endpoint, for tests on another machine to attach to with SIM_ENDPOINT: one test file after
// another, each on a fresh model, until stopped (Ctrl-C); with --once, only the first.
// A tcp endpoint is served with CURVE: the harness's key pair (created on first use) and the
// allow-list of client keys default to the keys directory (~/.config/cellbench/). Waveforms go
// under the repository's waves/ unless --waves-dir says otherwise. README.md, "Running a harness
// on another machine", has the whole set-up.
//   npx tsx bridge/src/cli/harness.ts <top> [endpoint] [--once] [--peer-timeout-ms N] [--key FILE]
//     [--allow FILE] [--waves-dir DIR] [--insecure] [+plusargs...]
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildTop } from '../build.js';
import { BridgeError } from '../errors.js';
import { ensureAllowList, ensureKeyPair, keyFiles, quoteKey, readAllowList } from '../keys.js';
import { ROOT } from '../paths.js';
import { loadTops } from './tops.js';

const usage = `usage: harness.ts <top name> [endpoint: tcp://0.0.0.0:5555 for other machines; default tcp://127.0.0.1:5555, and a
  bare port or tcp://:PORT binds loopback too] [--once] [--peer-timeout-ms N] [--key FILE (default ${keyFiles.server()})]
  [--allow FILE (default ${keyFiles.allowList()})] [--waves-dir DIR (default ${path.join(ROOT, 'waves')})]
  [--insecure (plain tcp, loopback only)] [+plusargs...]`;
let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      once: { type: 'boolean' },
      'peer-timeout-ms': { type: 'string' },
      key: { type: 'string' },
      allow: { type: 'string' },
      'waves-dir': { type: 'string' },
      insecure: { type: 'boolean' },
    },
  });
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
const [name, ...rest] = parsed.positionals;
const endpoint = rest[0] && !rest[0].startsWith('+') ? rest.shift()! : 'tcp://127.0.0.1:5555';
const plusargs = rest;
const { once, insecure, key, allow } = parsed.values;
const timeout = parsed.values['peer-timeout-ms'];
if (!name || plusargs.some((a) => !a.startsWith('+')) || (timeout !== undefined && !/^\d+$/.test(timeout))) {
  console.error(usage);
  process.exit(2);
}
const tops = (await loadTops()).flatMap((f) => f.tops);
const top = tops.find((t) => t.name === name);
if (!top) {
  console.error(`no top '${name}'; known: ${tops.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const wavesDir = path.resolve(parsed.values['waves-dir'] ?? path.join(ROOT, 'waves'));
mkdirSync(wavesDir, { recursive: true });

// CURVE unless asked for plain: --insecure (which the harness allows on loopback only), or an
// ipc:// socket without --key/--allow, as private as its directory.
const curve = !insecure && (!endpoint.startsWith('ipc://') || key !== undefined || allow !== undefined);
const access: string[] = [];
if (curve) {
  const keyFile = path.resolve(key ?? keyFiles.server());
  const allowFile = path.resolve(allow ?? keyFiles.allowList());
  try {
    const { pair, created } = ensureKeyPair(keyFile, 'a harness', `npx tsx bridge/src/cli/keys.ts server${key ? ` --key ${keyFile}` : ''}`);
    ensureAllowList(allowFile);
    if (created) console.error(`harness: created this harness's key pair in ${keyFile}`);
    const clients = readAllowList(allowFile).size;
    console.error(`harness: test machines attach with SIM_SERVER_KEY=${quoteKey(pair.publicKey)} and SIM_ENDPOINT=tcp://${os.hostname()}:<port>`);
    console.error(`harness: ${clients} client key(s) admitted by ${allowFile}${clients ? '' : `: admit one with npx tsx bridge/src/cli/keys.ts allow '<its public key>'${allow ? ` --allow ${allowFile}` : ''} (a test machine's key: npx tsx bridge/src/cli/keys.ts client there)`}`);
  } catch (e) {
    if (!(e instanceof BridgeError)) throw e;
    console.error(`harness: ${e.message}`);
    process.exit(2);
  }
  access.push('--key', keyFile, '--allow', allowFile);
} else if (insecure) {
  access.push('--insecure');
}
const built = await buildTop(top);
const args = ['--bind', endpoint, ...access, '--waves-dir', wavesDir, '--die-with-parent', ...(once ? ['--once'] : []),
  ...(timeout !== undefined ? ['--peer-timeout-ms', timeout] : []), ...plusargs];
const child = spawn(built.harness, args, { stdio: 'inherit' });
// Stopping this process stops the harness (which closes its waveform and calls final()).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
