// `make demo`: a small demo of the bridge on the AXI-Stream register slice: reset, a stream of
// beats through it under back-pressure, a waveform.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { Clock, ClockCycles, FallingEdge, ReadOnly, Simulator, Until } from '../bridge/src/index.js';
import { ROOT } from '../bridge/src/paths.js';
import { axisSlice } from '../tb/bridge/tops.js';

const wave = path.join(ROOT, 'waves', 'demo.fst');
mkdirSync(path.dirname(wave), { recursive: true });
const t0 = performance.now();
const sim = await Simulator.start(axisSlice);
console.log(`demo: top '${sim.top}' ready in ${(performance.now() - t0).toFixed(0)} ms (a first run builds it)`);
try {
  const dut = sim.dut;
  await sim.trace(wave);
  new Clock(dut.clk_i, 10, 'ns').start();
  dut.rst_ni.value = 0;
  dut.s_axis_tvalid_i.value = 0;
  dut.m_axis_tready_i.value = 1;
  await ClockCycles(dut.clk_i, 3);
  dut.rst_ni.value = 1;

  // Send 16 beats while the sink stalls every third cycle. Inputs change on the falling edge;
  // ReadOnly then shows the settled values the next rising edge will take.
  const sent = Array.from({ length: 16 }, (_, k) => (k * 37 + 5) & 0xff);
  const got: number[] = [];
  let i = 0;
  for (let cycle = 0; got.length < sent.length; cycle++) {
    await FallingEdge(dut.clk_i);
    dut.s_axis_tvalid_i.value = i < sent.length ? 1 : 0;
    dut.s_axis_tdata_i.value = sent[Math.min(i, sent.length - 1)]!;
    dut.s_axis_tlast_i.value = i === sent.length - 1 ? 1 : 0;
    dut.m_axis_tready_i.value = cycle % 3 === 2 ? 0 : 1;
    await ReadOnly();
    if (dut.s_axis_tvalid_i.value && dut.s_axis_tready_o.value) i++;
    if (dut.m_axis_tvalid_o.value && dut.m_axis_tready_i.value) got.push(dut.m_axis_tdata_o.value);
  }
  console.log(`demo: sent ${sent.length} beats, received ${got.length}: ${got.every((v, k) => v === sent[k]) ? 'all in order' : `MISMATCH ${got}`}`);
  await FallingEdge(dut.clk_i);
  dut.m_axis_tready_i.value = 1;
  await Until(dut.clk_i, dut.beats_o, 16);
  console.log(`demo: beat counter reads ${dut.beats_o.value} at ${sim.time()} ns`);
  await ClockCycles(dut.clk_i, 100_000);
  const p = sim.perf();
  console.log(`demo: ${p.roundTrips} round trips, ${p.evals} evaluations, ${p.harnessMs.toFixed(1)} ms in the harness of ${p.wallMs.toFixed(1)} ms`);
  console.log(`demo: waveform written to ${path.relative(process.cwd(), wave)}`);
} finally {
  await sim.close();
}
