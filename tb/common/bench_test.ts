// The vitest fixture of a Bench (bench.ts): a block's tests get `bench` beside `sim` and `dut`.
import type { TopSpec } from '../../bridge/src/index.js';
import { simTest, type SimTestOptions } from '../../bridge/src/vitest.js';
import { Bench, type BenchOptions, type ClockResetDut } from './bench.js';

/**
 * `simTest(top, options)` extended with `bench`: the {@link Bench} of the current run of the
 * model (made at the first call after each `restart()`, so a property test gets one per case),
 * which the block fixtures compose their environments on.
 */
export function benchTest<D extends ClockResetDut>(top: TopSpec<D>, options: SimTestOptions = {}, bench: BenchOptions = {}) {
  return simTest(top, options).extend<{ bench: () => Bench<D> }>({
    bench: async ({ sim }, use) => {
      let current: Bench<D> | undefined;
      const drop = sim.afterRestart(() => {
        current = undefined;
      });
      await use(() => (current ??= new Bench(sim, bench)));
      drop();
    },
  });
}
