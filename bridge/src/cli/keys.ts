// The CurveZMQ keys of remote harnesses and their test machines (README.md, "Running a harness
// on another machine"). Key files are Z85 text, mode 0600, in ~/.config/cellbench/ (0700) unless
// --key/--allow or $CELLBENCH_KEYS say otherwise.
//   npx tsx bridge/src/cli/keys.ts client [--key FILE] [--new]   this test machine's key pair (created when missing); prints its public key
//   npx tsx bridge/src/cli/keys.ts server [--key FILE] [--new]   this simulation machine's harness key pair; prints the SIM_SERVER_KEY to give tests
//   npx tsx bridge/src/cli/keys.ts allow KEY [--name NAME] [--allow FILE]   admits a client's public key to the harnesses here
//   npx tsx bridge/src/cli/keys.ts show                         the key files here and what they hold (public keys only)
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BridgeError } from '../errors.js';
import { allowKey, ensureKeyPair, keyFiles, quoteKey, readAllowList, readKeyPair, writeKeyPair } from '../keys.js';

const usage = `usage: keys.ts client [--key FILE] [--new]            this machine's client key pair (created when missing): its public key
       keys.ts server [--key FILE] [--new]            this machine's harness key pair (likewise): the SIM_SERVER_KEY of its harnesses
       keys.ts allow KEY [--name NAME] [--allow FILE]  admits a client's public key to the harnesses of this machine
       keys.ts show                                   the key files of this machine and their public keys
key files: ${path.dirname(keyFiles.client())}/ (\$CELLBENCH_KEYS)`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { key: { type: 'string' }, allow: { type: 'string' }, name: { type: 'string' }, new: { type: 'boolean' } },
  });
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
const [command, ...args] = parsed.positionals;
const { values } = parsed;

/** Prints the key pair in `file` (created first when missing, or anew with --new) and returns its public key. */
function pairIn(file: string, what: string, create: string): string {
  const { pair, created } = values.new ? { pair: writeKeyPair(file, what), created: true } : ensureKeyPair(file, what, create);
  console.log(`key pair of ${what}: ${file}${created ? ' (written now)' : ''}`);
  console.log(`public key: ${quoteKey(pair.publicKey)}`);
  return pair.publicKey;
}

try {
  if (command === 'client' && !args.length) {
    const file = path.resolve(values.key ?? keyFiles.client());
    const pub = pairIn(file, 'this test machine', `npx tsx bridge/src/cli/keys.ts client${values.key ? ` --key ${file}` : ''}`);
    console.log('On the simulation machine, admit it to the harness with:');
    console.log(`  npx tsx bridge/src/cli/keys.ts allow ${quoteKey(pub)} --name ${os.userInfo().username}@${os.hostname()}`);
    if (values.key) console.log(`Tests here find it with SIM_CLIENT_KEY=${file}`);
  } else if (command === 'server' && !args.length) {
    const file = path.resolve(values.key ?? keyFiles.server());
    const pub = pairIn(file, 'the harnesses of this machine', `npx tsx bridge/src/cli/keys.ts server${values.key ? ` --key ${file}` : ''}`);
    console.log('Tests on a test machine name it with:');
    console.log(`  export SIM_SERVER_KEY=${quoteKey(pub)}`);
    if (values.new) console.log('Harnesses already running keep the old key until restarted.');
  } else if (command === 'allow' && args.length === 1) {
    const file = path.resolve(values.allow ?? keyFiles.allowList());
    const added = allowKey(file, args[0]!, values.name ?? '');
    console.log(`${quoteKey(args[0]!)} ${added ? 'is now admitted by' : 'was already in'} ${file}: harnesses using it let that client in at its next attempt, no restart needed`);
  } else if (command === 'show' && !args.length) {
    for (const [what, file] of [['client', keyFiles.client()], ['server', keyFiles.server()]] as const) {
      const pair = existsSync(file) ? readKeyPair(file, `npx tsx bridge/src/cli/keys.ts ${what}`) : undefined;
      console.log(`${what} key pair: ${file}${pair ? `, public key ${quoteKey(pair.publicKey)}` : ' (none)'}`);
    }
    const allowed = readAllowList(keyFiles.allowList());
    console.log(`allow-list: ${keyFiles.allowList()}, ${allowed.size} key(s)`);
    for (const [k, n] of allowed) console.log(`  ${quoteKey(k)}${n ? ` ${n}` : ''}`);
  } else {
    console.error(usage);
    process.exit(2);
  }
} catch (e) {
  if (!(e instanceof BridgeError)) throw e;
  console.error(`keys.ts: ${e.message}`);
  process.exit(1);
}
