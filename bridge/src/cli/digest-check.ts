// Runs test files twice with one seed and two transport settings (SIM_TRANSPORT) and compares
// the digest of what each test saw (SIM_TRACE_DIGEST): chunking and credits must change nothing.
// Usage: tsx bridge/src/cli/digest-check.ts <test file>...   (SEED= fixes the seed)
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../paths.js';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: digest-check <test file>...');
  process.exit(2);
}
const seed = process.env.SEED ?? String(randomInt(2 ** 31));
// Small chunks with few credits against large ones. Not chunk=3,credits=2: with a credit round trip
// per three records, a flash test's SPI stream took over a minute on a loaded machine (it waits,
// it does not hang); tb/bridge/determinism.test.ts covers the extreme (chunk=7, credits=1).
const settings = ['chunk=61,credits=2', 'chunk=4093,credits=64'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'cellbench-digests-'));
const runs: Record<string, string>[] = [];
try {
  for (const [i, transport] of settings.entries()) {
    const file = path.join(dir, `${i}.json`);
    const r = spawnSync('npx', ['--no-install', 'vitest', 'run', ...files], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, SEED: seed, SIM_TRANSPORT: transport, SIM_TRACE_DIGEST: '1', SIM_TRACE_DIGEST_FILE: file },
    });
    if (r.status !== 0) {
      console.error(`digest-check: the tests failed with SEED=${seed} SIM_TRANSPORT=${transport}: run them so to see why`);
      process.exit(1);
    }
    runs.push(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const [a, b] = runs as [Record<string, string>, Record<string, string>];
const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
const differ = names.filter((n) => a[n] !== b[n]);
if (!names.length) {
  console.error('digest-check: no test reported a digest (do these files use simTest?)');
  process.exit(1);
}
if (differ.length) {
  console.error(`digest-check: ${differ.length} of ${names.length} tests saw different runs with SEED=${seed} under ${settings.join(' and ')}:`);
  for (const n of differ) console.error(`  ${n}: ${a[n] ?? '(none)'} vs ${b[n] ?? '(none)'}`);
  process.exit(1);
}
console.log(`digest-check: ${names.length} tests, SEED=${seed}: the same digest under ${settings.join(' and ')}`);
