import { Clock, ClockCycles, type SignalHandle } from '../../bridge/src/index.js';

/** Starts a 10 ns clock and holds `rst_ni` low for two edges: the opening of most bridge tests. */
export async function clockAndReset(dut: { readonly clk_i: SignalHandle<number>; readonly rst_ni: SignalHandle<number> }): Promise<void> {
  new Clock(dut.clk_i, 10, 'ns').start();
  dut.rst_ni.value = 0;
  await ClockCycles(dut.clk_i, 2);
  dut.rst_ni.value = 1;
}
