// `make bench`, the heal on the RTL: bench/out/heal.json (issue 16). tb/system's system_tb on the
// benches' flash part (DIV 0, tPP 20 000, tSE 100 000, tBE 400 000 cycles), UART DIV 1, a 64 KiB
// image with its header, a management processor per cell running models/mgmt's firmware:
//   heal_cycles: one errored cell (2 cells), from reset (the first check) to its ANNOUNCE of the
//     image valid on the line; bound_cycles: models/fleet/heal_bound.ts (one image read + the
//     handshake's framed characters + the erase of the extent + the slowest stream term + the
//     verify read); heal_ratio = heal / bound (target <= 1.1);
//   heal3_cycles: make sim's headline (4 cells: missing, corrupt, outdated, vc 0 traffic on), the
//     last of the three ANNOUNCEs (target <= 1.3 x bound_cycles);
//   mgmt_fallback_cycles: the 2-cell heal with the errored cell's lanes cut from reset, so the
//     image comes over the management bus (claim 31); its bound has the chunks' framed characters
//     as the stream's line term (target ratio <= 1.2);
//   model_vs_rtl: the fleet model's heal_cycles over the RTL's, same scenario (target 1 +- 0.05);
//     model_speedup: the RTL run's wall time over the model's (target >= 1000);
//   sim_wall_s: the headline as `make sim WAVES=0` runs it (the build cached), in this process;
//     system_speed_ratio: its simulated cycles per second against the same top free-running
//     (ClockCycles only, every cell out of reset, no firmware) in this run (target >= 0.3);
//   round_trips_per_message: bridge round trips over messages on the line, per run.
// Every run checks the healed cells' flash against the image (a backdoor read), and fails on a
// heal faster than its bound (the bound is then wrong, or the measurement is).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Clock, ClockCycles, Simulator } from '../bridge/src/index.js';
import { ROOT } from '../bridge/src/paths.js';
import { BENCH_FLASH_TIMING } from '../models/cell/flash_timing.js';
import { runUntilAnnounced } from '../models/fleet/converge.js';
import { Fleet } from '../models/fleet/fleet.js';
import { healBound, type HealBound } from '../models/fleet/heal_bound.js';
import { buildImage, patternBody } from '../models/image.js';
import { charCycles } from '../models/uart/line.js';
import { parseErrored } from '../sim/headline.js';
import { runOnRtl } from '../sim/rtl.js';
import { SIM_PLATFORM } from '../sim/run.js';
import { Bench } from '../tb/common/bench.js';
import { SystemEnv } from '../tb/system/env.js';
import { systemTb } from '../tb/system/tops.js';
import { atMostBound } from './check.js';

const IMAGE_BYTES = 65536;
const VERSION = 3;
const IMAGE = buildImage(VERSION, patternBody(IMAGE_BYTES - 24, 3));
const T = BENCH_FLASH_TIMING;
const P = SIM_PLATFORM;
const LIMIT = 100_000_000;

interface RtlHeal {
  readonly cycles: number;
  readonly bound: HealBound;
  readonly messages: number;
  readonly roundTrips: number;
  readonly wallSeconds: number;
}

/** Cell 1 of 2 erased, healed by cell 0; `cut`: cell 1's lanes cut from reset (the management path). */
async function rtlHeal(cut: boolean): Promise<RtlHeal> {
  const sim = await Simulator.start(systemTb(2, 'bench'));
  try {
    const t0 = performance.now();
    const bench = new Bench(sim);
    const env = bench.compose(new SystemEnv(sim as never, sim.dut, { images: [IMAGE, undefined], seed: 1, timing: T, uartDiv: P.uartDiv, regionBytes: P.regionBytes }));
    const pins = sim.dut as unknown as Record<string, { value: number }>;
    pins.c1_up_cut_i!.value = cut ? 1 : 0;
    pins.c1_dn_cut_i!.value = cut ? 1 : 0;
    await bench.reset();
    sim.resetStats();
    const end = await env.runUntilAnnounced([1], VERSION, LIMIT, 0, 200_000);
    const what = cut ? 'mgmt fallback' : 'heal';
    if (end === undefined) throw new Error(`bench heal: ${what}: cell 1 did not announce v${VERSION} valid within ${LIMIT} cycles`);
    const got = await env.read(1, IMAGE_BYTES);
    if (Buffer.compare(Buffer.from(got), Buffer.from(IMAGE)) !== 0) throw new Error(`bench heal: ${what}: cell 1 announced the image valid but its flash differs from it`);
    const ms = env.monitor.messages;
    const chunks = ms.filter((m) => m.name === 'RequestFirmwareData').length;
    if (cut !== chunks > 0) throw new Error(`bench heal: ${what}: ${chunks} RequestFirmwareData messages on the line; the image took the wrong path`);
    if (!cut && env.taken.length === 0) throw new Error('bench heal: no image frame was taken over the HSI');
    const bound = healBound(ms, 0, 1, { imageBytes: IMAGE_BYTES, timing: T, flashDiv: P.flashDiv, charCycles: charCycles(env.config.uart), path: cut ? 'mgmt' : 'hsi' });
    atMostBound(`${what}: the bound`, bound.total, end);
    return { cycles: end, bound, messages: ms.length, roundTrips: sim.perf().roundTrips, wallSeconds: (performance.now() - t0) / 1000 };
  } finally {
    await sim.close();
  }
}

/** The same heal on the fleet model. */
async function modelHeal(): Promise<{ cycles: number; wallSeconds: number }> {
  const t0 = performance.now();
  const f = new Fleet({ images: [IMAGE, undefined], seed: 1, ...P });
  const end = await runUntilAnnounced(f, [1], VERSION, LIMIT);
  if (end === undefined) throw new Error(`bench heal: the fleet model's cell 1 did not heal within ${LIMIT} cycles`);
  return { cycles: end, wallSeconds: (performance.now() - t0) / 1000 };
}

/** Cycles per second of the 4-cell top with its clock only. */
async function freeRunning(cycles: number): Promise<number> {
  const sim = await Simulator.start(systemTb(4, 'bench'));
  try {
    const env = new SystemEnv(sim as never, sim.dut, { images: [undefined, undefined, undefined, undefined], seed: 1, timing: T });
    sim.dut.rst_ni.value = 0;
    env.idle();
    new Clock(sim.dut.clk_i, 10, 'ns').start();
    await ClockCycles(sim.dut.clk_i, 2);
    sim.dut.rst_ni.value = 1;
    await ClockCycles(sim.dut.clk_i, 10_000);
    const t = performance.now();
    await ClockCycles(sim.dut.clk_i, cycles);
    return cycles / ((performance.now() - t) / 1000);
  } finally {
    await sim.close();
  }
}

const heal = await rtlHeal(false);
console.log(`bench heal: heal ${heal.cycles} cycles = ${(heal.cycles / heal.bound.total).toFixed(3)} x bound ${heal.bound.total} (${heal.wallSeconds.toFixed(0)} s)`);
const model = await modelHeal();
const fallback = await rtlHeal(true);
console.log(`bench heal: mgmt fallback ${fallback.cycles} cycles = ${(fallback.cycles / fallback.bound.total).toFixed(3)} x bound ${fallback.bound.total} (${fallback.wallSeconds.toFixed(0)} s)`);
const headline = { cells: 4, imageBytes: IMAGE_BYTES, errored: parseErrored('1:missing,2:corrupt,3:outdated', 4), seed: 1, version: VERSION };
const h3 = await runOnRtl(headline, () => {}, LIMIT);
const healedAt = h3.cells.filter((c) => c.errored !== undefined).map((c) => c.healedAt);
if (healedAt.some((t) => t === undefined)) throw new Error(`bench heal: the headline did not heal every errored cell by cycle ${h3.end}`);
if (h3.intact.length !== 3) throw new Error(`bench heal: the headline's healed cells hold the image: ${h3.intact.join(', ') || 'none'} of 1, 2, 3`);
const heal3 = Math.max(...healedAt as number[]);
atMostBound('heal3: the bound', heal.bound.total, heal3);
const headlineRate = h3.end / h3.loopSeconds;
const free = await freeRunning(1_000_000);
const speedRatio = headlineRate / free;
atMostBound('system_speed_ratio (the headline cannot outrun the free-running top)', speedRatio, 1.1);

const out = {
  image_bytes: IMAGE_BYTES,
  flash: { part_bytes: P.partBytes, div: P.flashDiv, tPP: T.tPP, tSE: T.tSE, tBE: T.tBE },
  uart_div: P.uartDiv,
  heal_cycles: heal.cycles,
  bound_cycles: heal.bound.total,
  heal_ratio: heal.cycles / heal.bound.total,
  bound_terms: heal.bound.terms,
  heal3_cycles: heal3,
  heal3_ratio: heal3 / heal.bound.total,
  mgmt_fallback_cycles: fallback.cycles,
  mgmt_fallback_bound_cycles: fallback.bound.total,
  mgmt_fallback_ratio: fallback.cycles / fallback.bound.total,
  mgmt_fallback_bound_terms: fallback.bound.terms,
  model_heal_cycles: model.cycles,
  model_vs_rtl: model.cycles / heal.cycles,
  model_speedup: heal.wallSeconds / model.wallSeconds,
  sim_wall_s: h3.wallSeconds,
  sim_options: 'make sim WAVES=0 (4 cells, 64K, 1:missing,2:corrupt,3:outdated, seed 1, vc 0 traffic on)',
  headline_simulated_cycles: h3.end,
  headline_cycles_per_s: headlineRate,
  free_running_cycles_per_s: free,
  system_speed_ratio: speedRatio,
  round_trips_per_message: {
    heal: heal.roundTrips / heal.messages,
    mgmt_fallback: fallback.roundTrips / fallback.messages,
    headline: h3.roundTrips / h3.messages,
  },
  wall_s: { heal: heal.wallSeconds, model_heal: model.wallSeconds, mgmt_fallback: fallback.wallSeconds },
  targets: { heal_ratio: '<= 1.1', heal3_ratio: '<= 1.3', mgmt_fallback_ratio: '<= 1.2', model_vs_rtl: '1 +- 0.05', model_speedup: '>= 1000', system_speed_ratio: '>= 0.3' },
};
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'out', 'heal.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`bench heal: heal3 ${heal3} (${out.heal3_ratio.toFixed(3)} x bound); model_vs_rtl ${out.model_vs_rtl.toFixed(4)}, model_speedup ${out.model_speedup.toFixed(0)}; make sim WAVES=0 ${h3.wallSeconds.toFixed(0)} s, ${headlineRate.toFixed(0)} cycles/s = ${speedRatio.toFixed(3)} x free-running ${free.toFixed(0)}; round trips a message ${out.round_trips_per_message.heal.toFixed(1)} / ${out.round_trips_per_message.mgmt_fallback.toFixed(1)} / ${out.round_trips_per_message.headline.toFixed(1)}`);
