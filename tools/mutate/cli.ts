// `make mutate BLOCK=<block> [MAX=n] [SEED=s] [JOBS=k]`: mutation testing of a block's
// testbench. The mutation points come from Verilator's description of the block's tops; each
// mutant is built and tested in a scratch copy, on the tests whose RTL coverage touches it;
// the report goes to reports/mutation/<block>.json and .md. tools/mutate/README.md tells more.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadTops } from '../../bridge/src/cli/tops.js';
import { ROOT, cacheDir, verilatorBin } from '../../bridge/src/paths.js';
import { writeIfChanged } from '../../bridge/src/write-file.js';
import { baseline } from './baseline.js';
import { describeDesign } from './design.js';
import { mutationDiff, mutationPoints, Source, type Mutation } from './points.js';
import { loadWaivers, summarize, writeReport, type MutantEntry } from './report.js';
import { stopAll } from './exec.js';
import { runMutant, type MutantRun } from './runner.js';
import { sample } from './sample.js';
import { Slot } from './slots.js';

const USAGE = `usage: make mutate BLOCK=<block> [MAX=n] [SEED=s] [JOBS=k] [MINUTES=m]
   or: npx tsx tools/mutate/cli.ts --block <block> [--max n] [--seed s] [--jobs k] [--minutes m] [--only <text>]…
       [--rtl <dir>] [--tests <file,…>] [--tops <tops.ts>] [--waivers <file>] [--out <path>] [--fixtures] [--fresh]`;

/** Mutation runs stop with a message, never a stack, for what a person must fix. */
class UsageError extends Error {
  override name = 'UsageError';
}

function intOption(v: string | undefined, what: string, min: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${what}=${v}: expected a whole number ≥ ${min}\n${USAGE}`);
  return n;
}

/** A hash of this tool's own code: an earlier run's outcomes count only for the same tool. */
async function toolHash(): Promise<string> {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const h = createHash('sha256');
  for (const f of (await fs.readdir(dir)).filter((f) => f.endsWith('.ts')).sort()) h.update(f).update(await fs.readFile(path.join(dir, f)));
  return h.digest('hex');
}

async function testFiles(dir: string): Promise<string[]> {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) throw new UsageError(`${dir}: no such folder: give the block's tests with --tests`);
  return (await fs.readdir(abs, { recursive: true })).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f)).sort();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      block: { type: 'string' }, max: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' },
      only: { type: 'string', multiple: true }, rtl: { type: 'string' }, tests: { type: 'string' }, tops: { type: 'string' },
      waivers: { type: 'string' }, out: { type: 'string' }, fixtures: { type: 'boolean' }, target: { type: 'string' },
      fresh: { type: 'boolean' }, minutes: { type: 'string' },
    },
  });
  const block = values.block;
  if (!block) throw new UsageError(`BLOCK is missing\n${USAGE}`);
  const max = intOption(values.max, 'MAX', 1);
  const seed = intOption(values.seed, 'SEED', 0) ?? 1;
  const jobs = intOption(values.jobs, 'JOBS', 1) ?? 1;
  const minutes = intOption(values.minutes, 'MINUTES', 1);
  const target = values.target ? Number(values.target) : 0.95;
  const rtl = values.rtl ?? `rtl/${block}`;
  const topsFile = values.tops ?? `tb/${block}/tops.ts`;
  const waiverFile = values.waivers ?? `${rtl}/mutants.json`;
  const out = path.resolve(ROOT, values.out ?? `reports/mutation/${block}`);
  const files = values.tests ? values.tests.split(',').map((f) => f.trim()).filter(Boolean) : await testFiles(`tb/${block}`);
  const env: Record<string, string> = values.fixtures ? { CELLBENCH_FIXTURES: '1' } : {};
  if (!existsSync(path.join(ROOT, topsFile))) throw new UsageError(`${topsFile}: no such file: the block's tops are declared there (or give --tops)`);
  for (const f of files) if (!existsSync(path.join(ROOT, f))) throw new UsageError(`${f}: no such test file`);
  const t0 = performance.now();
  const log = (s: string): void => console.log(`mutate ${block} [${((performance.now() - t0) / 1000).toFixed(0)} s]: ${s}`);

  const tops = (await loadTops([topsFile])).flatMap((f) => f.tops);
  const rtlFiles = [...new Set(tops.flatMap((t) => t.sources).filter((f) => f.startsWith(`${rtl}/`)))].sort();
  if (!rtlFiles.length) throw new UsageError(`no top of ${topsFile} has a source under ${rtl}/`);
  const sources = new Map(rtlFiles.map((f) => [f, new Source(f, readFileSync(path.join(ROOT, f)))]));
  const points = new Map<string, Mutation>();
  for (const top of tops) for (const m of mutationPoints(await describeDesign(top), sources)) if (!points.has(m.name)) points.set(m.name, m);
  const all = [...points.values()].sort((a, b) => (a.file === b.file ? a.start - b.start : a.file.localeCompare(b.file)));
  const waivers = loadWaivers(path.join(ROOT, waiverFile));
  // --only narrows the points (e.g. to one module's file); --max then samples among those.
  const pool = values.only?.length ? all.filter((m) => values.only!.some((o) => m.name.includes(o))) : all;
  if (!pool.length) throw new UsageError(`no mutation point matches ${values.only?.join(', ')}`);
  const chosen = max !== undefined && max < pool.length ? sample(pool, max, seed) : pool;
  const how = [values.only ? '--only' : '', chosen.length < pool.length ? `a sample, SEED=${seed}` : ''].filter(Boolean).join(', ');
  log(`${all.length} mutation points in ${rtlFiles.join(', ')}; running ${chosen.length}${how ? ` (${how})` : ''}, ${jobs} job(s)`);

  const slots: Slot[] = [];
  try {
    for (let i = 0; i < jobs; i++) slots.push(await Slot.acquire(slots));
    log(`scratch copies: ${slots.map((s) => s.root).join(', ')}`);
    const b = await baseline(slots[0]!, { files, tops, seed, env, log });
    log(`baseline: ${b.tests.length} tests, ${b.testSeconds.toFixed(1)} test-seconds`);
    const elaborationTop = (file: string): string | undefined => tops.find((t) => t.sources.includes(file))?.name;
    // Which test killed each mutant last time: tried first (--fresh: not).
    const historyFile = path.join(cacheDir(), 'mutate', `killers-${block}.json`);
    const killers: Record<string, string> = !values.fresh && existsSync(historyFile) ? (JSON.parse(readFileSync(historyFile, 'utf8')) as Record<string, string>) : {};
    const history = values.fresh ? {} : { ...killers };
    const kills = new Map<string, number>();
    const countKill = (killer: string): void => {
      const file = killer.split(' > ')[0]!;
      kills.set(file, (kills.get(file) ?? 0) + 1);
    };
    for (const k of Object.values(history)) countKill(k);
    // Outcomes of this content and seed already measured (an earlier run, maybe cut short by
    // MINUTES): taken as they are.
    // --fresh: neither these nor the killers' history.
    const resultsFile = path.join(cacheDir(), 'mutate', `results-${createHash('sha256').update(b.key).update(await toolHash()).digest('hex').slice(0, 16)}.json`);
    const results: Record<string, MutantRun> = !values.fresh && existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, MutantRun>) : {};
    const deadline = minutes === undefined ? Infinity : t0 + minutes * 60_000;
    const entries: (MutantEntry | undefined)[] = new Array<MutantEntry | undefined>(chosen.length);
    let next = 0;
    let finished = 0;
    await Promise.all(slots.map(async (slot) => {
      for (let i = next++; i < chosen.length; i = next++) {
        const m = chosen[i]!;
        const key = `${m.name}\0${m.start}\0${m.end}`;
        const cached = results[key];
        if (!cached && performance.now() > deadline) continue;
        const r = cached ?? await runMutant(slot, m, { baseline: b, seed, env, elaborationTop, kills, ...(history[m.name] ? { previousKiller: history[m.name] } : {}) });
        if (!cached && r.killedBy && (r.outcome === 'killed' || r.outcome === 'timeout')) countKill(r.killedBy);
        if (!cached) {
          results[key] = r;
          await writeIfChanged(resultsFile, JSON.stringify(results));
        }
        if (r.killedBy && (r.outcome === 'killed' || r.outcome === 'timeout') && !values.fresh) {
          killers[m.name] = r.killedBy;
          // Through a rename: another run of the block may be reading it as it starts.
          await writeIfChanged(historyFile, `${JSON.stringify(killers, null, 1)}\n`);
        }
        entries[i] = { name: m.name, kind: m.kind, file: m.file, line: m.line, col: m.col, from: m.from, to: m.to, diff: mutationDiff(sources.get(m.file)!, m), ...r, ...(cached ? { cached: true } : {}) };
        const verdict = r.outcome === 'killed' || r.outcome === 'timeout' ? `${r.outcome} by ${r.killedBy}` : r.outcome === 'survived' && !r.covered ? 'survived (no test executes the line)' : r.outcome;
        log(`[${++finished}/${chosen.length}] ${m.name}: ${verdict} (${r.ran} of ${r.selected} tests, ${r.testSeconds.toFixed(1)} test-s, ${r.wallSeconds.toFixed(1)} s${cached ? ', from an earlier run' : ''})`);
      }
    }));
    const report = summarize({
      block, verilator: execFileSync(verilatorBin(), ['--version'], { encoding: 'utf8' }).trim(), seed, jobs,
      ...(max !== undefined ? { max } : {}), target, wallSeconds: (performance.now() - t0) / 1000,
      allPoints: all.map((m) => m.name), mutants: entries.filter((e): e is MutantEntry => e !== undefined),
      notRun: chosen.filter((_, i) => !entries[i]).map((m) => m.name), waivers, waiverFile, testbenchTestSeconds: b.testSeconds, testbenchTests: b.tests.length,
    });
    await writeReport(out, report);
    const c = report.counts;
    log(`score ${report.score === null ? 'n/a' : `${(report.score * 100).toFixed(1)} %`} (target ${target * 100} %): ${c.killed} killed, ${c.timeout} timed out, ${c.survived} survived, ${c.waived} waived, ${c.notElaborating} not elaborating`);
    log(`speed: ${report.speed.meanTestSecondsPerMutant.toFixed(2)} test-seconds per mutant against ${report.speed.testbenchTestSeconds.toFixed(1)} for the whole testbench (${report.speed.factor?.toFixed(1) ?? 'n/a'}x); ${(report.wallSeconds / 60).toFixed(1)} min in all`);
    for (const s of report.waivers.stale) log(`stale waiver in ${waiverFile}: ${s}`);
    for (const s of report.waivers.killed) log(`waiver of a killed mutant in ${waiverFile}: ${s}`);
    if (report.notRun.length) log(`${report.notRun.length} mutant(s) not run: MINUTES=${minutes} passed; run again to go on (what is done is kept)`);
    log(`wrote ${path.relative(ROOT, out)}.json and .md`);
  } finally {
    for (const s of slots) await s.release();
  }
}

// Ctrl-C: the children first (vitest runs, builds, and their harnesses), then the slots' locks
// go with the process.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopAll();
    console.error(`make mutate: stopped (${signal}); no report written`);
    process.exit(130);
  });
}

main().catch((e: unknown) => {
  const err = e as Error;
  console.error(`make mutate: ${err.name === 'Error' || err.name === 'TypeError' ? (err.stack ?? err.message) : err.message}`);
  process.exitCode = 1;
});
