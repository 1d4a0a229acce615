import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { SignalHandle } from './handle.js';
import type { Simulator } from './simulator.js';

/** Options of {@link simProperty}. */
export interface SimPropertyOptions {
  /** fast-check seed: the fixture's `seed`, so `SEED=…` replays. */
  readonly seed: number;
  /** @defaultValue 100 */
  readonly numRuns?: number;
  /**
   * Cases shrinking may run after the first failure. Once spent, every further candidate counts
   * as passing without running, so shrinking ends at the smallest failure found so far (reported
   * as possibly not minimal) instead of running into the test's timeout, where the failure would
   * be lost. A count, not a time, so the reported case is the same at any load.
   * @defaultValue 500
   */
  readonly maxShrinkRuns?: number;
  /** Replays a known failure: the `path` printed with it. */
  readonly path?: string;
  /** Where the failing case's waveform goes, without extension: `<dir>/<seed>` gets `.fst` and `.gtkw`. */
  readonly wavesDir: string;
  /** Signals the `.gtkw` save file shows first. @defaultValue every port */
  readonly signals?: readonly (SignalHandle<number> | SignalHandle<bigint>)[];
}

/** The GTKWave save file for `fst`, listing `signals` (Verilator names them TOP.<top>.<name>). */
function gtkw(fst: string, top: string, signals: readonly (SignalHandle<number> | SignalHandle<bigint>)[]): string {
  const lines = [`[dumpfile] "${fst}"`, `[savefile] "${fst.replace(/\.fst$/, '.gtkw')}"`];
  for (const s of signals) {
    lines.push(s.width === 1 ? '@28' : '@22', `TOP.${top}.${s.name}${s.width === 1 ? '' : `[${s.width - 1}:0]`}`);
  }
  return `${lines.join('\n')}\n`;
}

let casesRun = 0;

/** Cases every {@link simProperty} of this process has run, shrinking included (for reports). */
export function randomizedCases(): number {
  return casesRun;
}

/**
 * Runs a fast-check property against the DUT: each case starts from `restart()` (time 0, same
 * process), failures shrink, and the shrunk case is then replayed once with FST tracing into
 * `<wavesDir>/<seed>.fst` beside a `.gtkw` save file, so every failure leaves a waveform while
 * passing runs pay nothing for tracing. Throws fast-check's report (seed, path, counterexample)
 * with the waveform's path. `CELLBENCH_SHRINK=0` stops at the first failing case, unshrunk and
 * without a waveform: the mutation runner (tools/mutate/) needs only whether a test fails.
 */
export async function simProperty<T>(
  sim: Simulator<unknown>,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
  options: SimPropertyOptions,
): Promise<void> {
  const budget = options.maxShrinkRuns ?? 500;
  let failed = false;
  let shrinkRuns = 0;
  const run = async (value: T): Promise<void> => {
    if (failed && ++shrinkRuns > budget) return;
    casesRun++;
    try {
      await sim.restart();
      await check(value);
      const f = sim.takeFailure();
      if (f) throw f;
    } catch (e) {
      failed = true;
      throw e;
    }
  };
  const shrink = process.env.CELLBENCH_SHRINK !== '0';
  const result = await fc.check(fc.asyncProperty(arbitrary, run), {
    seed: options.seed,
    numRuns: options.numRuns ?? 100,
    endOnFailure: !shrink,
    ...(options.path ? { path: options.path } : {}),
  });
  if (!result.failed) return;
  const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  const cut = shrinkRuns > budget ? `\nshrinking stopped after ${budget} runs (maxShrinkRuns): this case may not be minimal` : '';
  const report = `${fc.defaultReportMessage(result) ?? `property failed (seed ${result.seed})`}\nfailure: ${cause}${cut}`;
  if (!shrink) throw new Error(`${report}\nnot shrunk, no waveform (CELLBENCH_SHRINK=0)`);
  mkdirSync(options.wavesDir, { recursive: true });
  const fst = path.join(options.wavesDir, `${result.seed}.fst`);
  await sim.restart();
  await sim.trace(fst);
  await check(result.counterexample![0]).catch(() => undefined);
  sim.takeFailure();
  await sim.trace(undefined);
  const ports = sim.handles.filter((h): h is SignalHandle<number> | SignalHandle<bigint> => !h.info.depth && h.info.dir !== 0);
  writeFileSync(fst.replace(/\.fst$/, '.gtkw'), gtkw(fst, sim.top, options.signals ?? ports));
  const err = new Error(`${report}\nwaveform of the shrunk case: ${fst} (gtkwave ${fst.replace(/\.fst$/, '.gtkw')})\nreplay: SEED=${result.seed}, path ${result.counterexamplePath}`);
  Object.assign(err, { seed: result.seed, path: result.counterexamplePath, counterexample: result.counterexample?.[0], wave: fst });
  throw err;
}
