// `make bench`, second part (bench/out/transactors.json): transactors and sampled streams on
// the axis_slice DUT against the native loop, and cocotb + cocotbext-axi (1.9.2 and 2.x) on the same DUT.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { AxisMonitor, AxisSink, AxisSource, Clock, ClockCycles, Simulator } from '../bridge/src/index.js';
import { ROOT } from '../bridge/src/paths.js';
import { axisSlice } from '../tb/bridge/tops.js';
import { atMostBound } from './check.js';
import { COCOTB1, COCOTB2, type Cocotb, runCocotb, setUp } from './cocotb.js';
import { median, nativeBinary, run } from './native.js';

const BEATS = Number(process.env.BENCH_BEATS ?? 1_000_000);
/** Frames per sink wait and beats per monitor wait: one round trip each (a test's choice). */
const SINK_BATCH = 2048;
const MONITOR_BATCH = 131072;
const log = (s: string): void => console.log(`bench: ${s}`);

/** Frames of random length (1..256 bytes) adding up to `beats` bytes: one beat each. */
function frames(beats: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let left = beats;
  let k = 0;
  for (const len of fc.sample(fc.integer({ min: 1, max: 256 }), { seed: 1, numRuns: Math.ceil(beats / 64) + 10 })) {
    if (left <= 0) break;
    const n = Math.min(len, left);
    out.push(Uint8Array.from({ length: n }, () => (k++ * 131 + 7) & 0xff));
    left -= n;
  }
  return out;
}

async function start(): Promise<Simulator<typeof axisSlice extends { dutType?: infer D } ? D : never>> {
  const sim = await Simulator.start(axisSlice);
  const dut = sim.dut;
  new Clock(dut.clk_i, 10, 'ns').start();
  dut.rst_ni.value = 0;
  await ClockCycles(dut.clk_i, 2);
  dut.rst_ni.value = 1;
  return sim;
}

/** AxisSource -> slice -> AxisSink, random back-pressure, a scoreboard on every byte. */
async function transactors(): Promise<{ cyclesPerS: number; beatsPerCycle: number; cycles: number }> {
  const sim = await start();
  try {
    const dut = sim.dut;
    const fs = frames(BEATS);
    const src = AxisSource.fromPrefix(dut, 's_axis', dut.clk_i, { throttle: { probability: 0.9, seed: 7 } });
    const sink = AxisSink.fromPrefix(dut, 'm_axis', dut.clk_i, { throttle: { probability: 0.9, seed: 11 }, chunk: 256, credits: 32 });
    const t0 = performance.now();
    const c0 = sim.now;
    for (const f of fs) void src.send(f);
    let last = c0;
    for (let i = 0; i < fs.length; i += SINK_BATCH) {
      const got = await sink.recvMany(Math.min(SINK_BATCH, fs.length - i));
      got.forEach((g, k) => {
        if (Buffer.compare(Buffer.from(g.data), Buffer.from(fs[i + k]!)) !== 0) throw new Error(`scoreboard: frame ${i + k} differs`);
      });
      last = got.at(-1)!.time;
    }
    // From the frames' own stamps: the last beat's edge, whatever the round trips cost.
    const cycles = Number(last - c0) / 10_000;
    const beatsPerCycle = BEATS / cycles;
    atMostBound('transactor beats per cycle', beatsPerCycle, 1);
    return { cyclesPerS: cycles / ((performance.now() - t0) / 1000), beatsPerCycle, cycles };
  } finally {
    await sim.close();
  }
}

/** The same traffic with a sampled-stream monitor checking every output beat in TypeScript. */
async function stream(): Promise<{ cyclesPerS: number; cycles: number }> {
  const sim = await start();
  try {
    const dut = sim.dut;
    const fs = frames(BEATS);
    const expected = Buffer.concat(fs);
    const src = AxisSource.fromPrefix(dut, 's_axis', dut.clk_i, { throttle: { probability: 0.9, seed: 7 } });
    const sink = AxisSink.fromPrefix(dut, 'm_axis', dut.clk_i, { throttle: { probability: 0.9, seed: 11 }, chunk: 256, credits: 32 });
    const mon = AxisMonitor.fromPrefix(dut, 'm_axis', dut.clk_i, { batch: MONITOR_BATCH, chunk: 8192 });
    let at = 0;
    const checker = sim.startSoon(async () => {
      for await (const b of mon.beats()) {
        const col = b.column(mon.pins.data as never);
        for (let i = 0; i < col.length; i++, at++) {
          if (col[i] !== expected[at]) throw new Error(`monitor: beat ${at} is ${col[i]}, expected ${expected[at]}`);
        }
      }
    }, 'checker');
    const t0 = performance.now();
    const c0 = sim.now;
    for (const f of fs) void src.send(f);
    let last = c0;
    for (let i = 0; i < fs.length; i += SINK_BATCH) last = (await sink.recvMany(Math.min(SINK_BATCH, fs.length - i))).at(-1)!.time;
    const cycles = Number(last - c0) / 10_000;
    const seconds = (performance.now() - t0) / 1000;
    mon.close();
    await ClockCycles(dut.clk_i, 1);
    await checker;
    if (at !== BEATS) throw new Error(`monitor saw ${at} beats of ${BEATS}`);
    atMostBound('stream beats per cycle', BEATS / cycles, 1);
    return { cyclesPerS: cycles / seconds, cycles };
  } finally {
    await sim.close();
  }
}

/** cocotb + cocotbext-axi on the same frames' workload (bench/cocotb/test_axis.py), or why it was skipped. */
async function cocotbAxis(c: Cocotb): Promise<Record<string, number | string>> {
  const setup = await setUp(c);
  if (setup[`${c.key}_skipped`]) return { [`${c.key}_axis_skipped`]: setup[`${c.key}_skipped`]! };
  const r = await runCocotb<{ cycles_per_s: number }>(c, 'test_axis', [], { CB_BEATS: '20000' });
  return { [`${c.key}_axis_cycles_per_s`]: r.cycles_per_s };
}

const out: Record<string, unknown> = {};
const nat: number[] = [];
for (let i = 0; i < 3; i++) {
  const { stdout } = await run(await nativeBinary(), ['10000000']);
  const r = JSON.parse(stdout) as { cycles: number; seconds: number };
  nat.push(r.cycles / r.seconds);
}
out.native_cycles_per_s = median(nat);
const t = await transactors();
out.transactor_cycles_per_s = t.cyclesPerS;
out.transactor_beats = BEATS;
out.transactor_beats_per_cycle = t.beatsPerCycle;
out.transactor_cycles = t.cycles;
log(`transactors: ${Math.round(t.cyclesPerS)} cycles/s (${t.beatsPerCycle.toFixed(3)} beats/cycle), native ${Math.round(out.native_cycles_per_s as number)}`);
const st = await stream();
out.stream_cycles_per_s = st.cyclesPerS;
out.stream_cycles = st.cycles;
log(`stream monitor: ${Math.round(out.stream_cycles_per_s as number)} cycles/s`);
for (const c of [COCOTB1, COCOTB2]) {
  Object.assign(out, await cocotbAxis(c).catch((e: Error) => ({ [`${c.key}_axis_skipped`]: e.message.split('\n').slice(0, 3).join(' ') })));
  if (out[`${c.key}_axis_cycles_per_s`]) log(`${c.key} + cocotbext-axi: ${Math.round(out[`${c.key}_axis_cycles_per_s`] as number)} cycles/s`);
}
const n = (k: string): number => out[k] as number;
const targets = {
  transactor: { ok: n('transactor_cycles_per_s') >= 0.5 * n('native_cycles_per_s'), ratio: n('transactor_cycles_per_s') / n('native_cycles_per_s'), want: '>= 0.5 x native_cycles_per_s' },
  stream: { ok: n('stream_cycles_per_s') >= 0.5 * n('native_cycles_per_s'), ratio: n('stream_cycles_per_s') / n('native_cycles_per_s'), want: '>= 0.5 x native_cycles_per_s' },
  transactor_vs_cocotb: { ok: n('transactor_cycles_per_s') >= 100 * n('cocotb_axis_cycles_per_s'), ratio: n('transactor_cycles_per_s') / n('cocotb_axis_cycles_per_s'), want: '>= 100 x cocotb_axis_cycles_per_s' },
  transactor_vs_cocotb2: { ok: n('transactor_cycles_per_s') >= 100 * n('cocotb2_axis_cycles_per_s'), ratio: n('transactor_cycles_per_s') / n('cocotb2_axis_cycles_per_s'), want: '>= 100 x cocotb2_axis_cycles_per_s' },
};
// Written afresh: a figure this run did not measure must not survive from an older one.
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'out', 'transactors.json'), `${JSON.stringify({ ...out, targets }, null, 2)}\n`);
console.log(JSON.stringify({ ...out, targets }, null, 2));
