// The examples of bridge/README.md, run as they are printed there: the README shows each region
// below, and tb/bridge/docs.test.ts holds the two equal.
import { expect } from 'vitest';
import { Clock, ClockCycles, First, RisingEdge, Timer } from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import { counter } from './tops.js';

const test = simTest(counter, { simTimeout: [1, 'ms'] });

// #region start-soon
test('startSoon takes a function; awaiting the task gives its result', async ({ sim, dut }) => {
  new Clock(dut.clk_i, 10, 'ns').start();
  dut.rst_ni.value = 1;
  const pulse = async (cycles: number): Promise<number> => {
    dut.en_i.value = 1;
    await ClockCycles(dut.clk_i, cycles);
    dut.en_i.value = 0;
    return sim.time('ns');
  };
  // The function, not its call: `sim.startSoon(pulse(3))` does not compile.
  const task = sim.startSoon(() => pulse(3), 'pulse');
  expect(await task).toBe(20);
  await ClockCycles(dut.clk_i, 2);
  expect(dut.count_o.value).toBe(3);
});
// #endregion start-soon

// #region force-release
test('a released top input keeps the forced value until written; a released internal shows its own', async ({ sim, dut }) => {
  new Clock(dut.clk_i, 10, 'ns').start();
  dut.rst_ni.value = 1;
  dut.en_i.force(1);
  dut.en_i.value = 0;                    // ignored while forced
  await ClockCycles(dut.clk_i, 3);
  expect(dut.count_o.value).toBe(3);
  dut.en_i.release();
  await ClockCycles(dut.clk_i, 2);
  expect(dut.count_o.value).toBe(5);     // released, en_i is still 1...
  dut.en_i.value = 0;
  await ClockCycles(dut.clk_i, 2);
  expect(dut.count_o.value).toBe(5);     // ...until the next write
  await sim.watch(dut.u_core.state_q);
  dut.u_core.state_q.force(42);          // forceable in tb/bridge/hdl/counter.vlt
  await ClockCycles(dut.clk_i, 2);
  expect(dut.count_o.value).toBe(42);    // the fan-out sees the forced value
  dut.u_core.state_q.release();
  await ClockCycles(dut.clk_i, 1);
  expect(dut.count_o.value).toBe(5);     // released: what its flop holds, at once
});
// #endregion force-release

// #region first
test('First resolves with the index and value of the winner', async ({ dut }) => {
  new Clock(dut.clk_i, 10, 'ns').start();
  const winner = await First(Timer(100, 'ns'), ClockCycles(dut.clk_i, 3));
  expect(winner).toEqual({ index: 1, value: undefined });  // a trigger's value is undefined
  const done = await First(RisingEdge(dut.clk_i), Promise.resolve('ready'));
  expect(done).toEqual({ index: 1, value: 'ready' });
});
// #endregion first
