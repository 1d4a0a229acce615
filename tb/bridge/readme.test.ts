// The example of README.md's "Writing a test", run as it is printed there: the README shows the
// region below, and tb/bridge/docs.test.ts holds the two equal.
// #region first-test
import { expect } from 'vitest';
import { Clock, ClockCycles, Until } from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import { counter } from './tops.js';   // defineTop<CounterDut>({ name, sources, config })

const test = simTest(counter, { simTimeout: [1, 'ms'] });

test('counts', async ({ sim, dut }) => {
  new Clock(dut.clk_i, 10, 'ns').start();        // runs inside the harness: no round trip per cycle
  dut.rst_ni.value = 0;
  dut.en_i.value = 1;
  await ClockCycles(dut.clk_i, 2);               // one round trip
  dut.rst_ni.value = 1;
  await Until(dut.clk_i, dut.count_o, 100);      // one round trip, however many cycles
  expect(dut.count_o.value).toBe(100);
  expect(sim.time('ns')).toBe(1010);             // reset left at 10 ns, then 100 rising edges
});
// #endregion first-test
