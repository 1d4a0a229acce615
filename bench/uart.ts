// `make bench`, the management UART (bench/out/uart.json): sustained TX throughput at the
// smallest divisor with back-to-back frames against the line's bound, for 8N1 and 8E2; the
// wall-clock speed of a UART testbench (APB + serial sink on the harness) in cycles/s; and the
// randomized cases and wall time of the UART test suite. Reported, never asserted.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApbMaster, ClockCycles, SerialSink, Simulator, withTimeout } from '../bridge/src/index.js';
import { ROOT } from '../bridge/src/paths.js';
import { boundPerKcycle, charCycles, type LineSettings } from '../models/uart/line.js';
import { UartDriver } from '../models/uart/uart_driver.js';
import { Parity } from '../models/uart/uart_pkg.js';
import { apbPort } from '../tb/common/apb_port.js';
import { clockAndReset } from '../tb/common/reset.js';
import { serialFormat } from '../tb/uart/serial.js';
import { uart } from '../tb/uart/tops.js';
import { atMostBound } from './check.js';

const BYTES = Number(process.env.BENCH_UART_BYTES ?? 4000);
const log = (s: string): void => console.log(`bench: ${s}`);

interface Throughput {
  readonly bytes_per_kcycle: number;
  readonly bound_per_kcycle: number;
  readonly ratio: number;
  /** From the first write (including the idle character that follows reset). */
  readonly bytes_per_kcycle_overall: number;
  /** Cycles from the first character's end to the last's, and from the first write to it. */
  readonly steady_cycles: number;
  readonly overall_cycles: number;
  readonly cycles_per_s: number;
}

/** Keeps the TX FIFO topped up (8 bytes every 8 characters) and times every start bit. */
async function throughput(sim: Simulator<typeof uart extends { dutType?: infer D } ? D : never>, s: LineSettings): Promise<Throughput> {
  await sim.restart();
  const dut = sim.dut;
  dut.uart_rx_i.value = 1;
  await clockAndReset(dut);
  const drv = new UartDriver(apbPort(ApbMaster.fromPrefix(dut, 'apb', dut.clk_i)));
  await drv.configure(s);
  const sink = SerialSink.fromPrefix(dut, 'uart_tx', dut.clk_i, serialFormat(s));
  const data = Array.from({ length: BYTES }, (_, i) => (i * 151 + 3) & 0xff);
  const t0 = performance.now();
  const c0 = sim.perf().cycles;
  const first0 = sim.now;
  // The firmware's way: top the FIFO up to its depth from LEVEL, every 8 characters, so it
  // never runs dry (it drains at most 8 between top-ups) and never overflows.
  let next = 0;
  while (next < BYTES) {
    const n = Math.min(await drv.txRoom(), BYTES - next);
    void drv.send(data.slice(next, next + n));
    next += n;
    if (next < BYTES) await ClockCycles(dut.clk_i, 8 * charCycles(s));
  }
  const got = [];
  // A lost byte must fail the bench, not hang it (the clock is 10 ns).
  for (let i = 0; i < BYTES; i++) got.push(await withTimeout(sink.recv(), 20 * charCycles(s) * 10, 'ns'));
  const wall = (performance.now() - t0) / 1000;
  const bad = got.findIndex((c, i) => c.value !== data[i] || c.framingError || c.parityError);
  if (bad >= 0) throw new Error(`byte ${bad}: sent 0x${data[bad]!.toString(16)}, line carried 0x${got[bad]!.value.toString(16)}`);
  // From the characters' own stamps (the edge each one's last bit was sampled on, 10 ns each).
  const cycleOf = (t: bigint): number => Number(t - first0) / 10_000;
  const first = cycleOf(got[0]!.time);
  const last = cycleOf(got[BYTES - 1]!.time);
  const steady = ((BYTES - 1) * 1000) / (last - first);
  const bound = boundPerKcycle(s);
  atMostBound(`UART TX bytes per kcycle (${s.parity ? 'parity' : 'no parity'})`, steady, bound);
  return {
    bytes_per_kcycle: steady,
    bound_per_kcycle: bound,
    ratio: steady / bound,
    bytes_per_kcycle_overall: (BYTES * 1000) / last,
    steady_cycles: last - first,
    overall_cycles: last,
    cycles_per_s: (sim.perf().cycles - c0) / wall,
  };
}

/** Runs the UART test suite once: its randomized cases (from the run summary) and wall time. */
function suite(): { randomized_cases: number; wall_s: number; passed: boolean } {
  const t0 = performance.now();
  const r = spawnSync('npx', ['--no-install', 'vitest', 'run', 'tb/uart'], { cwd: ROOT, encoding: 'utf8' });
  const m = /(\d[\d,]*) randomized cases/.exec(r.stdout ?? '');
  return { randomized_cases: m ? Number(m[1]!.replaceAll(',', '')) : -1, wall_s: (performance.now() - t0) / 1000, passed: r.status === 0 };
}

const sim = await Simulator.start(uart);
try {
  const out: Record<string, unknown> = { date: new Date().toISOString(), host: `${os.cpus().length} vCPU ${os.cpus()[0]?.model ?? ''}`, bytes: BYTES };
  for (const [name, s] of [['8N1', { divisor: 1, parity: Parity.None, stop2: false }], ['8E2', { divisor: 1, parity: Parity.Even, stop2: true }]] as const) {
    const t = await throughput(sim, s);
    out[name] = t;
    log(`${name} at divisor 1: ${t.bytes_per_kcycle.toFixed(3)} bytes/kcycle of a ${t.bound_per_kcycle.toFixed(3)} bound (${(t.ratio * 100).toFixed(2)} %), ${(t.cycles_per_s / 1e6).toFixed(2)} M cycles/s`);
  }
  await sim.close();
  const tests = suite();
  log(`tb/uart: ${tests.randomized_cases} randomized cases in ${tests.wall_s.toFixed(1)} s (${tests.passed ? 'passed' : 'FAILED'})`);
  const ratios = ['8N1', '8E2'].map((k) => (out[k] as Throughput).ratio);
  out.uart_testbench = tests;
  out.targets = { bytes_per_kcycle_ge_0_99_bound: { measured: Math.min(...ratios), target: 0.99, met: Math.min(...ratios) >= 0.99 } };
  mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'out', 'uart.json'), `${JSON.stringify(out, null, 2)}\n`);
  log('wrote bench/out/uart.json');
} finally {
  await sim.close().catch(() => undefined);
}
