import { randomInt } from 'node:crypto';
import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test as base, type TestAPI } from 'vitest';
import { coverageOn } from './build.js';
import { coverageDelta, coverageSnapshot } from './coverage.js';
import { HarnessLostError, SimTimeoutError, WallClockTimeoutError } from './errors.js';
import { ROOT } from './paths.js';
import { randomizedCases } from './property.js';
import { saveTestCoverage } from './rtl-coverage.js';
import { Simulator, type SimStats } from './simulator.js';
import type { TopSpec } from './top.js';
import { Limit } from './triggers.js';
import type { TimeUnit } from './units.js';

/** Options of {@link simTest}, for every test of the file. */
export interface SimTestOptions {
  /** Fail a test whose simulated time passes this limit. @defaultValue the top's `simTimeout`, else none */
  readonly simTimeout?: readonly [number, TimeUnit];
  /** `+plusargs` for the simulation. */
  readonly plusargs?: readonly string[];
  /**
   * Trace every test to `waves/<file>/<test>.fst`. @defaultValue `WAVES=1`; under CI (`CI` set)
   * every test is traced and the waveform kept only when the test fails (a passing test leaves
   * no file or folder), except a test that has a retry ({@link REPLAY_FOR_WAVES}): it runs
   * untraced, and its waveform comes from the replay of a failure.
   */
  readonly waves?: boolean;
}

/** What a test of {@link simTest} receives. */
export interface SimFixtures<D> {
  /** The simulator, at time 0 with a fresh model. */
  readonly sim: Simulator<D>;
  /** Its signals (`sim.dut`). */
  readonly dut: D;
  /** The test's seed: `SEED=…` replays it; printed when the test fails. */
  readonly seed: number;
}

interface Slot {
  sim?: Simulator<unknown>;
  fresh: boolean;
}

/**
 * The simulators of this test file, one per top. Vitest shares a file-scoped fixture by name
 * among every `test` of the file, so the slots are keyed by top here, not by fixture.
 */
type Slots = Map<string, Slot>;

const slug = (s: string): string => s.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'test';

/** Where the waveform of a test goes: `waves/<test file>/<test name>.fst`. */
export function wavePath(testFile: string, testName: string, suffix = ''): string {
  const rel = path.relative(path.join(ROOT, 'tb'), testFile).replace(/\.test\.ts$/, '');
  return path.join(ROOT, 'waves', rel, `${slug(testName)}${suffix}.fst`);
}

/** vitest's `-t` takes a regular expression: `name` escaped and anchored matches it alone. */
export function exactNamePattern(name: string): string {
  return `^${name.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}$`;
}

/** `s` as one POSIX shell word. */
const shellWord = (s: string): string => (/^[\w./=:@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

interface NamedTask {
  readonly name: string;
  readonly suite?: NamedTask;
}

/** The name `-t` is matched against: the describe blocks' names and the test's, joined by spaces. */
const testFullName = (t: NamedTask): string => (t.suite ? `${testFullName(t.suite)} ` : '') + t.name;

/** The command that replays one test with its seed. */
export function replayCommand(file: string, task: NamedTask, seed: number): string {
  return `SEED=${seed} npx vitest run ${shellWord(path.relative(ROOT, file))} -t ${shellWord(exactNamePattern(testFullName(task)))}`;
}

/** Removes a passing test's waveform (and an unfinished one's .hier) and the folders it leaves empty, up to `waves/`. */
function dropWave(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.hier`, { force: true });
  const waves = path.join(ROOT, 'waves');
  for (let dir = path.dirname(file); dir.startsWith(`${waves}${path.sep}`); dir = path.dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return;  // not empty: another test's waveform (or another file's folder) is in it
    }
  }
}

/** The attempt of a test vitest is running: 0, then 1 for the replay of a failure (a test with a retry). */
function attempt(task: { result?: { retryCount?: number } }): number {
  return task.result?.retryCount ?? 0;
}

/**
 * `describe(name, REPLAY_FOR_WAVES, …)`: under CI, tests whose tracing costs several times their
 * run (the system tops) run untraced; a test that fails runs once more with the same seed,
 * traced, and its waveform is kept. A run is a pure function of its seed, so the replay is the
 * failure itself; a replay that passes fails too ({@link ReplayPassedError}), so a retry never
 * turns a failure green. Outside CI (or with `WAVES=1`, which traces every run) no retry. Only
 * for {@link simTest}'s tests: its fixture makes that check, so a plain test must not sit in such
 * a describe (vitest would retry it and count a pass).
 */
export const REPLAY_FOR_WAVES: { readonly retry: number } = { retry: process.env.CI && process.env.WAVES !== '1' ? 1 : 0 };

/** The replay of a failed test passed: the first run's failure was not a function of its seed (or was the wall clock's). */
export class ReplayPassedError extends Error {
  override readonly name = 'ReplayPassedError';
}

/** The `seed` fixture: `$SEED`, else a random one (the first attempt's on a replay); a failing test prints how to replay it. */
async function seedFixture({ onTestFailed, task }: { onTestFailed: (fn: () => void) => void; task: NamedTask & { meta: object; file: { filepath: string }; result?: { retryCount?: number } } }, use: (seed: number) => Promise<void>): Promise<void> {
  const first = (task.meta as Record<string, unknown>).seed;
  const seed = process.env.SEED ? Number(process.env.SEED) : attempt(task) > 0 && typeof first === 'number' ? first : randomInt(2 ** 31);
  (task.meta as Record<string, unknown>).seed = seed;
  onTestFailed(() => {
    console.error(`seed ${seed}: replay with ${replayCommand(task.file.filepath, task, seed)}`);
  });
  await use(seed);
}

/**
 * A vitest `test` whose tests receive `seed` for their randomized parts: `$SEED`, else a random
 * one; a failing test prints how to replay it, and the seed goes to the run summary. `simTest`
 * has the same fixture; simulator-free property tests use this (`fc.assert(…, { seed })`).
 */
export const seededTest = base.extend<{ seed: number }>({ seed: seedFixture });

/**
 * A vitest `test` whose tests each get a simulator of `top`: one harness process per test file,
 * brought back to time 0 (`restart()`) before every test; a harness that died is respawned.
 * The test fails when any task fails, when the simulated-time limit passes, or when the harness
 * dies, with the simulated time in the message.
 */
export function simTest<D>(top: TopSpec<D>, options: SimTestOptions = {}): TestAPI<SimFixtures<D>> {
  // From `base`, not `seededTest`: tests extended from one shared parent set up the fixtures of
  // every sibling in the file (vitest 3), so each test would start every top of its file.
  return base.extend<{ simSlots: Slots; seed: number; sim: Simulator<D>; dut: D }>({
    seed: seedFixture,
    simSlots: [
      async ({}, use) => {
        const slots: Slots = new Map();
        await use(slots);
        for (const slot of slots.values()) await slot.sim?.close();
      },
      { scope: 'file' },
    ],
    sim: async ({ simSlots, task }, use) => {
      const began = performance.now();
      const key = `${top.name}\0${(options.plusargs ?? []).join(' ')}`;
      let slot = simSlots.get(key);
      if (!slot) {
        slot = { fresh: true };
        simSlots.set(key, slot);
      }
      if (slot.sim && !slot.fresh) {
        await slot.sim.restart().catch(async (e: unknown) => {
          if (!(e instanceof HarnessLostError)) throw e;
          await slot?.sim?.close();
          if (slot) slot.sim = undefined;
        });
      }
      slot.sim ??= (await Simulator.start(top, { plusargs: options.plusargs ?? [] })) as Simulator<unknown>;
      slot.fresh = false;
      const sim = (slot.sim as Simulator<D>).activate();
      const waves = options.waves ?? process.env.WAVES === '1';
      const replay = attempt(task) > 0;
      // A test with a retry takes its waveform from the replay of a failure (REPLAY_FOR_WAVES).
      const failuresOnly = !waves && !!process.env.CI && (replay || !(task.retry ?? 0));
      const wave = waves || failuresOnly ? wavePath(task.file.filepath, task.name) : undefined;
      if (wave) {
        mkdirSync(path.dirname(wave), { recursive: true });
        await sim.trace(wave);
      }
      // The limit is a watchdog per run of the model: a property's restart() re-arms it, so
      // each case gets the whole limit and a hung case fails with the time it reached.
      let limit: number | undefined;
      const simTimeout = options.simTimeout ?? top.simTimeout;
      const armLimit = (): void => {
        if (!simTimeout) return;
        const [time, unit] = simTimeout;
        const { id, promise } = sim.arm(Limit(sim as Simulator<unknown>, time, unit), { background: true });
        limit = id;
        promise.then(
          () => sim.fail(new SimTimeoutError(`the test's simulated-time limit of ${time} ${unit} passed (at ${sim.describeTime()})`)),
          () => undefined,
        );
      };
      armLimit();
      const dropHook = sim.afterRestart(armLimit);
      const covBefore = coverageSnapshot();
      const datsBefore = new Set(sim.coverageFiles());
      const casesBefore = randomizedCases();
      sim.resetTotals();
      sim.resetDigest();
      // Just before vitest's own timeout: fail this test with what it waited on, and stop a
      // harness stuck in a step, so the next test of the file gets a fresh one.
      const budget = task.timeout > 0 && Number.isFinite(task.timeout) ? task.timeout - (performance.now() - began) - Math.min(1000, task.timeout / 10) : Infinity;
      const wall = Number.isFinite(budget) ? setTimeout(() => {
        const stuck = sim.inRequest;
        const err = new WallClockTimeoutError(`the test ran out of its wall-clock time (vitest's testTimeout of ${task.timeout} ms) at ${sim.describeTime()} of simulated time${stuck ? ' (the last time known: the harness was still running, and has been stopped; the next test gets a fresh one)' : ''}: ${sim.describeWaits() || 'no flow waited on the simulator'}. A simulated-time limit (simTest(top, { simTimeout }) or the top's simTimeout) fails such a wait at a definite time.`);
        sim.abandon(err);
        if (!stuck) console.error(err.message);  // a flow held in a non-simulator await never sees the rejection
      }, Math.max(0, budget)) : undefined;
      try {
        await use(sim);
      } finally {
        clearTimeout(wall);
      }
      (task.meta as Record<string, unknown>).coverage = coverageDelta(covBefore, coverageSnapshot());
      (task.meta as Record<string, unknown>).cases = randomizedCases() - casesBefore;
      dropHook();
      if (limit !== undefined) sim.cancelTrigger(limit);
      sim.cancelAll();
      const stats: SimStats = sim.totals();
      (task.meta as Record<string, unknown>).sim = stats;
      const digest = sim.digest();
      if (digest) {
        (task.meta as Record<string, unknown>).digest = digest;
        console.log(`digest ${digest} ${task.name}`);
      }
      if (process.env.SIM_STATS === '1') {
        console.log(`${task.name}: ${stats.cycles} cycles (${stats.simNs} ns), ${stats.roundTrips} round trips, ${stats.evals} evals, harness ${stats.harnessMs.toFixed(1)} ms, wait ${stats.waitMs.toFixed(1)} ms of ${stats.wallMs.toFixed(1)} ms`);
      }
      const failure = sim.failed;
      if (wave && failuresOnly && !failure && task.result?.state !== 'fail') {
        // (A replay that passed leaves none either: it is not the failure.)
        // Closed first: while open, the FST writer keeps a .hier file beside the waveform. A
        // harness that died (a test may kill one on purpose) closed nothing: its .hier stays.
        await sim.trace(undefined).catch(() => undefined);
        dropWave(wave);
      }
      if (coverageOn()) {
        // A run's RTL coverage is written when the run ends: end this test's last run now (the
        // model is then fresh for the next test), so the files written since the test began
        // are its own, for the per-test line coverage (bridge/src/rtl-coverage.ts).
        try {
          await sim.restart();
          slot.fresh = true;
        } catch {
          await sim.close().catch(() => undefined);
          slot.sim = undefined;
        }
        const dats = sim.coverageFiles().filter((f) => !datsBefore.has(f));
        saveTestCoverage({ file: path.relative(ROOT, task.file.filepath), name: testFullName(task), top: sim.top, dats });
      }
      // A failure the test already threw (its awaited trigger rejected with it) is reported once.
      if (failure && !task.result?.errors?.some((e) => e.message === failure.message)) throw failure;
      if (replay && !failure && task.result?.state !== 'fail') {
        throw new ReplayPassedError(`the first run of this test failed (above), and its replay with the same seed passed: a run must be a pure function of its seed, so either the failure was the wall clock's (a vitest timeout under load) or something the test sees depends on timing; the test fails`);
      }
    },
    dut: async ({ sim }: { sim: Simulator<D> }, use: (d: D) => Promise<void>) => {
      await use(sim.dut);
    },
  }) as unknown as TestAPI<SimFixtures<D>>;
}
