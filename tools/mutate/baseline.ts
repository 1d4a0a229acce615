// The unmutated block: its testbench must pass, and gives what every mutant is measured
// against: each test's time, and (from a COVERAGE=1 run) the RTL lines each test executes. Kept
// in the build cache by what the tests can see (content.ts) and the seed, so a second run on the
// same design and tests starts at the mutants.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cacheDir, verilatorBin } from '../../bridge/src/paths.js';
import type { LinesByFile, PerTestCoverage } from '../../bridge/src/rtl-coverage.js';
import { innerEnv, runVitest, startBuild, type VitestRun } from './exec.js';
import { contentKey } from './content.js';
import type { Slot } from './slots.js';
import type { TopSpec } from '../../bridge/src/top.js';

/** One test of the block's testbench. */
export interface BaselineTest {
  readonly file: string;
  readonly name: string;
  readonly seconds: number;
  /** The top it simulated; absent for a test that simulates nothing. */
  readonly top?: string;
  /** The RTL lines it executed. */
  readonly lines: LinesByFile;
}

export interface Baseline {
  readonly key: string;
  readonly tests: readonly BaselineTest[];
  /** Every line that is an RTL coverage point (executed by some test or not). */
  readonly points: LinesByFile;
  /** Sum of the tests' own times: what running the whole testbench on a mutant costs. */
  readonly testSeconds: number;
  /** Wall time of the plain run (one file at a time). */
  readonly wallSeconds: number;
}

/** Bumped when what a baseline holds, or how it is taken, changes: older ones are not reused. */
const FORMAT = 1;

/** The block's testbench fails without any mutant: nothing can be measured against it. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

function failures(run: VitestRun, what: string): void {
  const failed = run.tests.filter((t) => t.status === 'failed');
  if (!failed.length && run.code === 0 && !run.timedOut) return;
  const lines = failed.map((t) => `  ${t.file} > ${t.name}: ${t.failure ?? ''}`);
  throw new BaselineError(`the block's testbench fails ${what}, without any mutant; fix it first:\n${lines.join('\n') || run.output.slice(-3000)}`);
}

/** Options of {@link baseline}. */
export interface BaselineOptions {
  readonly files: readonly string[];
  /** The block's tops (their sources are part of what the baseline is keyed by). */
  readonly tops: readonly TopSpec[];
  readonly seed: number;
  /** Extra environment of every test run (e.g. `CELLBENCH_FIXTURES`). */
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

/** Runs (or finds in the cache) the baseline of `o.files` in `slot`. */
export async function baseline(slot: Slot, o: BaselineOptions): Promise<Baseline> {
  const version = execFileSync(verilatorBin(), ['--version'], { encoding: 'utf8' }).trim();
  const key = createHash('sha256').update(JSON.stringify([FORMAT, await contentKey(slot.root, o.files, o.tops), o.seed, o.files, o.env, version])).digest('hex').slice(0, 16);
  const file = path.join(cacheDir(), 'mutate', `baseline-${key}.json`);
  if (existsSync(file)) {
    o.log(`baseline: found in the cache (${path.basename(file)})`);
    return JSON.parse(readFileSync(file, 'utf8')) as Baseline;
  }
  const env = { SEED: String(o.seed), ...o.env };
  // Coverage first: it names the tops the tests simulate, built before the plain run so that no
  // test's time includes a build.
  o.log(`baseline: ${o.files.length} test file(s), one at a time, SEED=${o.seed}, with COVERAGE=1 for the lines each test executes`);
  const covReports = path.join(path.dirname(slot.root), 'reports-coverage');
  const cov = await runVitest(slot.root, { files: o.files, env: innerEnv({ ...env, COVERAGE: '1' }), timeoutMs: 60 * 60_000, reports: covReports });
  failures(cov, 'with COVERAGE=1');
  const perTestFile = path.join(covReports, 'rtl-coverage', 'per-test.json');
  const perTest: PerTestCoverage = existsSync(perTestFile) ? (JSON.parse(readFileSync(perTestFile, 'utf8')) as PerTestCoverage) : { points: {}, tests: [] };
  const tops = [...new Set(perTest.tests.map((t) => t.top))];
  const build = startBuild(slot.root, tops, innerEnv(env));
  for (const top of tops) {
    const why = await build.done(top);
    if (why) throw new BaselineError(`top ${top} does not build without any mutant: ${why}`);
  }
  o.log(`baseline: ${cov.tests.filter((t) => t.status === 'passed').length} tests passed with coverage in ${cov.wallSeconds.toFixed(1)} s; now without, for their times`);
  const reports = path.join(path.dirname(slot.root), 'reports-baseline');
  const plain = await runVitest(slot.root, { files: o.files, env: innerEnv(env), timeoutMs: 60 * 60_000, reports });
  failures(plain, '');
  const byName = new Map(perTest.tests.map((t) => [`${t.file}\0${t.name}`, t]));
  const tests = plain.tests.filter((t) => t.status === 'passed').map((t): BaselineTest => {
    const c = byName.get(`${t.file}\0${t.name}`);
    return { file: t.file, name: t.name, seconds: t.seconds, ...(c ? { top: c.top } : {}), lines: c?.lines ?? {} };
  });
  const out: Baseline = {
    key,
    tests,
    points: perTest.points,
    testSeconds: tests.reduce((a, t) => a + t.seconds, 0),
    wallSeconds: plain.wallSeconds,
  };
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify(out));
  return out;
}
