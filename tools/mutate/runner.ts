// One mutant in one scratch copy: the mutated file written, the design elaborated, then only
// the tests whose RTL line coverage touches the mutated line, cheapest test file first, until
// one fails.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Baseline, BaselineTest } from './baseline.js';
import { innerEnv, runVitest, startBuild } from './exec.js';
import { applyMutation, type Mutation } from './points.js';
import type { Slot } from './slots.js';

/** killed: a test failed; timeout: a test ran out of time (counted killed); not-elaborating: excluded. */
export type Outcome = 'killed' | 'timeout' | 'survived' | 'not-elaborating';

/** What running one mutant gave. */
export interface MutantRun {
  readonly outcome: Outcome;
  /** `file > test` that killed it. */
  readonly killedBy?: string;
  /** The killing test's first failure line, or why it does not elaborate. */
  readonly message?: string;
  /** Tests chosen by coverage, and how many of them ran before the verdict. */
  readonly selected: number;
  readonly ran: number;
  /** Sum of the run tests' own times. */
  readonly testSeconds: number;
  readonly wallSeconds: number;
  /** False when no test executes the mutated line: it survives without a run. */
  readonly covered: boolean;
}

/**
 * The tests that can see a change at `file`:`line`: those that execute the line where it is an
 * RTL coverage point; for a line that is none (a continuous assignment, a declaration), those
 * that execute any line of the file.
 */
export function selectTests(b: Baseline, file: string, line: number): BaselineTest[] {
  const isPoint = b.points[file]?.includes(line) ?? false;
  return b.tests.filter((t) => (isPoint ? t.lines[file]?.includes(line) : (t.lines[file]?.length ?? 0) > 0));
}

/** One vitest run: tests of one file. */
interface Group {
  readonly file: string;
  readonly tests: readonly BaselineTest[];
  readonly seconds: number;
}

const group = (file: string, tests: readonly BaselineTest[]): Group => ({ file, tests, seconds: tests.reduce((a, t) => a + t.seconds, 0) });

/**
 * The order the selected tests run in: the test that killed this mutant last time alone first
 * (it most likely kills it again, in one short run), then the rest by file, each file's tests in
 * its own order: the file with the least seconds per kill first, its seconds those of its chosen
 * tests and its kills those of other mutants (`kills`: file → count; ties: by name).
 */
export function runOrder(tests: readonly BaselineTest[], previousKiller?: string, kills: ReadonlyMap<string, number> = new Map()): Group[] {
  const first = tests.find((t) => `${t.file} > ${t.name}` === previousKiller);
  const groups = new Map<string, BaselineTest[]>();
  for (const t of tests) if (t !== first) groups.set(t.file, [...(groups.get(t.file) ?? []), t]);
  const cost = (g: Group): number => g.seconds / (1 + (kills.get(g.file) ?? 0));
  const rest = [...groups].map(([file, ts]) => group(file, ts)).sort((a, b) => cost(a) - cost(b) || a.file.localeCompare(b.file));
  return first ? [group(first.file, [first]), ...rest] : rest;
}

const TIMEOUT_TEXT = /SimTimeoutError|WallClockTimeoutError|Test timed out|simulated-time limit/;

/** Options of {@link runMutant}. */
export interface RunOptions {
  readonly baseline: Baseline;
  readonly seed: number;
  readonly env: Readonly<Record<string, string>>;
  /** A top that elaborates the mutated file, for the check of a mutant no test runs. */
  readonly elaborationTop: (file: string) => string | undefined;
  /** `file > test` that killed this mutant in an earlier run: tried first. */
  readonly previousKiller?: string;
  /** Kills so far per test file (this run's and earlier ones'): the files that kill most go first. */
  readonly kills?: ReadonlyMap<string, number>;
}

/** Runs `m` in `slot` and puts the file back. */
export async function runMutant(slot: Slot, m: Mutation, o: RunOptions): Promise<MutantRun> {
  const t0 = performance.now();
  const original = readFileSync(path.join(slot.root, m.file));
  // Unlinted builds (a legal mutant may be lint-dirty); no generator run, which would put a
  // generated file (a register block, a package) back as its description says; a failing
  // property stops at its first failing case (shrinking it would only cost time here).
  const env = innerEnv({ SEED: String(o.seed), CELLBENCH_LINT: '0', CELLBENCH_GENERATE: '0', CELLBENCH_SHRINK: '0', ...o.env });
  const reports = path.join(path.dirname(slot.root), 'reports-mutant');
  const selected = selectTests(o.baseline, m.file, m.line);
  const base = { selected: selected.length, covered: selected.length > 0 };
  let ran = 0;
  let testSeconds = 0;
  const done = (r: Omit<MutantRun, 'selected' | 'ran' | 'testSeconds' | 'wallSeconds' | 'covered'>): MutantRun =>
    ({ ...base, ...r, ran, testSeconds, wallSeconds: (performance.now() - t0) / 1000 });
  const mutated = applyMutation(original, m);
  await slot.write(m.file, mutated);
  const groups = runOrder(selected, o.previousKiller, o.kills);
  const topsOf = (tests: readonly BaselineTest[]): string[] => [...new Set(tests.flatMap((t) => (t.top ? [t.top] : [])))];
  // Every top the chosen tests need, built one after the other while the first ones' tests run;
  // with no test to run, only the check that the mutant elaborates.
  const check = groups.length ? undefined : o.elaborationTop(m.file);
  const build = startBuild(slot.root, check ? [check] : topsOf(selected), env, check !== undefined);
  try {
    if (check) {
      const why = await build.done(check);
      if (why) return done({ outcome: 'not-elaborating', message: why });
    }
    for (const g of groups) {
      for (const top of topsOf(g.tests)) {
        const why = await build.done(top);
        if (why) return done({ outcome: 'not-elaborating', message: `top ${top}: ${why}` });
      }
      const r = await runVitest(slot.root, {
        files: [g.file], names: g.tests.map((t) => t.name), bail: true, env, reports,
        timeoutMs: Math.max(120, 5 * g.seconds + 60) * 1000,
      });
      if (!readFileSync(path.join(slot.root, m.file)).equals(mutated)) {
        throw new Error(`the test run of ${g.file} rewrote ${m.file}: the mutant ${m.name} was not what it tested (a generator run?)`);
      }
      const run = r.tests.filter((t) => t.status === 'passed' || t.status === 'failed');
      ran += run.length;
      testSeconds += run.reduce((a, t) => a + t.seconds, 0);
      const failed = run.find((t) => t.status === 'failed');
      if (failed) {
        return done({ outcome: TIMEOUT_TEXT.test(failed.failure ?? '') ? 'timeout' : 'killed', killedBy: `${failed.file} > ${failed.name}`, message: failed.failure ?? '' });
      }
      if (r.timedOut) {
        testSeconds += r.wallSeconds;
        return done({ outcome: 'timeout', killedBy: `${g.file} (stopped after ${r.wallSeconds.toFixed(0)} s)`, message: 'the test file ran past its time limit' });
      }
      if (r.code !== 0) {
        const why = r.output.split('\n').find((l) => /Error|FAIL/.test(l))?.trim() ?? `vitest exited with code ${r.code}`;
        return done({ outcome: 'killed', killedBy: `${g.file} (outside any test)`, message: why });
      }
      if (run.length < g.tests.length) {
        throw new Error(`${g.file}: ${g.tests.length - run.length} of the tests chosen for ${m.name} did not run; test names changed since the baseline?`);
      }
    }
    return done({ outcome: 'survived' });
  } finally {
    await build.stop();
    await slot.write(m.file, original);
  }
}
