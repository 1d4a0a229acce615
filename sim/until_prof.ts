import { Simulator, Clock, ClockCycles, Until } from '../bridge/src/index.js';
import { axisSlice } from '../tb/bridge/tops.js';
import { nativeBinary, run } from '../bench/native.js';
const bin = await nativeBinary();
const sim = await Simulator.start(axisSlice);
const dut = sim.dut;
new Clock(dut.clk_i, 10, 'ns').start();
dut.rst_ni.value = 0; await ClockCycles(dut.clk_i, 2); dut.rst_ni.value = 1; dut.m_axis_tready_i.value = 1; dut.s_axis_tvalid_i.value = 1;
for (let i = 0; i < 4; i++) {
  const { stdout } = await run(bin, ['5000000']);
  const nat = JSON.parse(stdout); const n = nat.cycles / nat.seconds;
  const t0 = performance.now();
  await Until(dut.clk_i, dut.beats_o, dut.beats_o.value + 5_000_000);
  const u = 5e6 / ((performance.now() - t0) / 1000);
  console.log(`native ${(n/1e6).toFixed(2)}M until ${(u/1e6).toFixed(2)}M ratio ${(u/n).toFixed(3)}`);
}
await sim.close();
