// The transactor and stream figures of this checkout against another revision's, measured in
// one run: each revision's own bench/transactors.ts (cocotb left out), the two taking turns, so
// both see the same machine. One figure per bench run is noisy on a VM (the harness's CPU time
// for identical work varies up to 2×); the medians over the pairs are what to quote.
//   npx tsx bench/side_by_side.ts 304cde3 [--pairs 8]   → bench/out/side_by_side.json
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cacheDir, ROOT } from '../bridge/src/paths.js';
import { median } from './native.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { pairs: { type: 'string', default: '8' } } });
const rev = positionals[0];
const pairs = Number(values.pairs);
if (!rev || positionals.length > 1 || !Number.isInteger(pairs) || pairs < 1) {
  console.error('usage: npx tsx bench/side_by_side.ts REV [--pairs N]   (REV: the revision to compare with, e.g. 304cde3)');
  process.exit(2);
}
const sha = execFileSync('git', ['-C', ROOT, 'rev-parse', '--verify', `${rev}^{commit}`], { encoding: 'utf8' }).trim();
const head = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const dirty = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';

// The other revision in a worktree of its own, outside the checkout (no tool here scans it), set up once.
const other = path.join(cacheDir(), 'side-by-side', sha.slice(0, 12));
if (!existsSync(other)) execFileSync('git', ['-C', ROOT, 'worktree', 'add', '--detach', other, sha], { stdio: 'inherit' });
if (!existsSync(path.join(other, 'node_modules'))) execFileSync('npm', ['ci', '--silent'], { cwd: other, stdio: 'inherit' });
execFileSync('make', ['--no-print-directory', 'types'], { cwd: other, stdio: 'inherit' });
mkdirSync(path.join(other, 'bench', 'out'), { recursive: true });  // older benches wrote into it without making it

interface Figures { transactor: number; stream: number }

/** One run of `tree`'s transactor bench: its figures, from the JSON it wrote (older trees wrote bridge.json). */
function once(tree: string): Figures {
  const started = Date.now();
  execFileSync('npx', ['tsx', 'bench/transactors.ts'], { cwd: tree, env: { ...process.env, BENCH_COCOTB: '0' }, stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 64 << 20 });
  const file = ['transactors.json', 'bridge.json'].map((f) => path.join(tree, 'bench', 'out', f)).find((f) => existsSync(f) && statSync(f).mtimeMs >= started);
  if (!file) throw new Error(`${tree}: bench/transactors.ts wrote neither bench/out/transactors.json nor bridge.json`);
  const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const t = j.transactor_cycles_per_s;
  const s = j.stream_cycles_per_s;
  if (typeof t !== 'number' || typeof s !== 'number') throw new Error(`${file}: no transactor_cycles_per_s / stream_cycles_per_s`);
  return { transactor: t, stream: s };
}

const runs: { old: Figures; now: Figures }[] = [];
for (let i = 0; i < pairs; i++) {
  // Alternate which goes first, so neither always runs on a machine the other just warmed.
  const [a, b] = i % 2 === 0 ? [other, ROOT] : [ROOT, other];
  const fa = once(a);
  const fb = once(b);
  const pair = a === other ? { old: fa, now: fb } : { old: fb, now: fa };
  runs.push(pair);
  console.log(`pair ${i + 1}/${pairs}: transactors ${(pair.now.transactor / pair.old.transactor).toFixed(3)}, streams ${(pair.now.stream / pair.old.stream).toFixed(3)} (this / ${rev})`);
}
const med = (k: keyof Figures, side: 'old' | 'now'): number => median(runs.map((r) => r[side][k]));
const out = {
  rev: sha,
  head: dirty ? `${head} with uncommitted changes` : head,
  pairs,
  [`${rev}_transactor_cycles_per_s`]: runs.map((r) => Math.round(r.old.transactor)),
  head_transactor_cycles_per_s: runs.map((r) => Math.round(r.now.transactor)),
  [`${rev}_stream_cycles_per_s`]: runs.map((r) => Math.round(r.old.stream)),
  head_stream_cycles_per_s: runs.map((r) => Math.round(r.now.stream)),
  // The ratio of the medians, and the median of the pairs' ratios: two views of one noisy figure.
  transactor_ratio: med('transactor', 'now') / med('transactor', 'old'),
  transactor_pair_ratio_median: median(runs.map((r) => r.now.transactor / r.old.transactor)),
  stream_ratio: med('stream', 'now') / med('stream', 'old'),
  stream_pair_ratio_median: median(runs.map((r) => r.now.stream / r.old.stream)),
  target: 'transactor_ratio and stream_ratio >= 0.9 (within 10 % of the older revision)',
};
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'out', 'side_by_side.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 2));
