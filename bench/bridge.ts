// `make bench`: the bridge benchmark (bench/out/bridge.json), all figures measured in one run on
// the axis_slice DUT. Targets are checked and reported, never asserted: absolute times are noisy.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dealer } from 'zeromq';
import * as zmq from 'zeromq';
import { buildTop, Clock, ClockCycles, RisingEdge, Simulator, Until } from '../bridge/src/index.js';
import { ROOT } from '../bridge/src/paths.js';
import { axisSlice } from '../tb/bridge/tops.js';
import { bridgeVerilator, COCOTB1, COCOTB2, type Cocotb, runCocotb, setUp } from './cocotb.js';
import { median, nativeBinary, run, zmqPingBinary } from './native.js';

const PINGS = Number(process.env.BENCH_PINGS ?? 2000);
const SIGNAL_CYCLES = Number(process.env.BENCH_CYCLES ?? 20_000);
const UNTIL_CYCLES = 1_000_000;
const out: Record<string, unknown> = { date: new Date().toISOString(), host: `${os.cpus().length} vCPU ${os.cpus()[0]?.model ?? ''}` };
const log = (s: string): void => console.log(`bench: ${s}`);

async function native(): Promise<number> {
  const bin = await nativeBinary();
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { stdout } = await run(bin, ['10000000']);
    const r = JSON.parse(stdout) as { cycles: number; seconds: number };
    runs.push(r.cycles / r.seconds);
  }
  return median(runs);
}

/**
 * Round trips of the harness's PING: a C++ client, a bare zeromq.js socket (both on a harness
 * bound by hand) and the bridge's whole stack (its own spawned harness). Node and bridge run in
 * rotating blocks in this process, so machine load and vCPU wake-ups hit both alike.
 */
async function pings(sim: Simulator<unknown>): Promise<{ cpp: number; node: number; bridge: number }> {
  const built = await buildTop(axisSlice);
  // A plain ipc socket only in a directory no one else may enter (bridge/PROTOCOL.md, Access).
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cellbench-bench-'));
  const ep = `ipc://${path.join(dir, 'ping.sock')}`;
  const child = spawn(built.harness, ['--bind', ep, '--peer-timeout-ms', '0'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    const { stdout } = await run(await zmqPingBinary(), [ep, String(PINGS)]);
    const cpp = (JSON.parse(stdout) as { p50: number }).p50;
    // One client at a time on that harness: its DEALER would share replies among several.
    const sock = new Dealer({ linger: 0 });
    sock.connect(ep);
    const frame = Buffer.from([0x02, 0, 0, 0, 1, 0, 0, 0]);
    const node: number[] = [];
    const bridge: number[] = [];
    const blocks: [number[], () => Promise<unknown>][] = [
      [node, async () => {
        await sock.send(frame);
        let [m] = await sock.receive();
        while (m && m[0] === 0x8a) [m] = await sock.receive();
      }],
      [bridge, () => sim.ping()],
    ];
    for (let round = 0; round < PINGS / 50 + 2; round++) {
      for (let k = 0; k < blocks.length; k++) {
        const [acc, fn] = blocks[(k + round) % blocks.length]!;
        for (let i = 0; i < 50; i++) {
          const t0 = performance.now();
          await fn();
          if (round >= 2) acc.push((performance.now() - t0) * 1000);  // two rounds of warm-up
        }
      }
    }
    sock.close();
    return { cpp, node: median(node), bridge: median(bridge) };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bridgeFigures(): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const sim = await Simulator.start(axisSlice);
    new Clock(sim.dut.clk_i, 10, 'ns').start();
    await RisingEdge(sim.dut.clk_i);
    starts.push(performance.now() - t0);
    await sim.close();
  }
  r.startup_ms = median(starts);

  const sim = await Simulator.start(axisSlice);
  try {
    const dut = sim.dut;
    const p = await pings(sim as Simulator<unknown>);
    r.zmq_rtt_us_p50 = p.cpp;
    r.node_zmq_rtt_us_p50 = p.node;
    r.bridge_rtt_us_p50 = p.bridge;
    log(`round trips: C++ ${p.cpp.toFixed(1)} us, Node ${p.node.toFixed(1)} us, bridge ${p.bridge.toFixed(1)} us`);

    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 0;
    await ClockCycles(dut.clk_i, 2);
    dut.rst_ni.value = 1;
    dut.m_axis_tready_i.value = 1;
    let t0 = performance.now();
    let sink = 0;
    for (let i = 0; i < SIGNAL_CYCLES; i++) {
      await RisingEdge(dut.clk_i);
      sink ^= dut.m_axis_tdata_o.value ^ dut.beats_o.value;
      dut.s_axis_tvalid_i.value = 1;
      dut.s_axis_tdata_i.value = i & 0xff;
    }
    r.signal_level_cycles_per_s = SIGNAL_CYCLES / ((performance.now() - t0) / 1000);
    if (sink < 0) throw new Error('unreachable');

    const from = dut.beats_o.value;
    t0 = performance.now();
    await Until(dut.clk_i, dut.beats_o, from + UNTIL_CYCLES);
    r.until_cycles_per_s = UNTIL_CYCLES / ((performance.now() - t0) / 1000);
    r.round_trips = sim.perf().roundTrips;
  } finally {
    await sim.close();
  }
  return r;
}

/** The signal-level loop and the start-up of one cocotb installation (bench/cocotb.ts), or why it was skipped. */
async function cocotb(c: Cocotb): Promise<Record<string, number | string>> {
  const setup = await setUp(c);
  if (setup[`${c.key}_skipped`]) return setup;
  const r = await runCocotb<{ cycles_per_s: number; startup_ms: number }>(c, 'test_signal', [String(SIGNAL_CYCLES)]);
  return { ...setup, [`${c.key}_cycles_per_s`]: r.cycles_per_s, [`${c.key}_startup_ms`]: r.startup_ms };
}

log('building (cached after the first run)...');
await buildTop(axisSlice);
out.verilator_version = await bridgeVerilator();
out.node_version = process.version;
out.libzmq_node_version = zmq.version;
out.libzmq_harness_version = (await run('pkg-config', ['--modversion', 'libzmq']).catch(() => ({ stdout: 'unknown' }))).stdout.trim();
out.native_cycles_per_s = await native();
log(`native ${Math.round(out.native_cycles_per_s as number)} cycles/s`);
Object.assign(out, await bridgeFigures());
log(`bridge: signal level ${Math.round(out.signal_level_cycles_per_s as number)} cycles/s, until ${Math.round(out.until_cycles_per_s as number)} cycles/s, startup ${(out.startup_ms as number).toFixed(0)} ms`);
for (const c of [COCOTB1, COCOTB2]) {
  Object.assign(out, await cocotb(c).catch((e: Error) => ({ [`${c.key}_skipped`]: e.message.split('\n').slice(0, 3).join(' ') })));
  if (out[`${c.key}_cycles_per_s`]) log(`${out[`${c.key}_version`]} on ${out[`${c.key}_verilator`]}: signal level ${Math.round(out[`${c.key}_cycles_per_s`] as number)} cycles/s`);
}

const n = (k: string): number => out[k] as number;
out.targets = {
  bridge_rtt: { ok: n('bridge_rtt_us_p50') <= 1.25 * n('node_zmq_rtt_us_p50'), ratio: n('bridge_rtt_us_p50') / n('node_zmq_rtt_us_p50'), want: '<= 1.25 x node_zmq_rtt_us_p50' },
  signal_level: { ok: n('signal_level_cycles_per_s') >= (0.8 * 1e6) / n('bridge_rtt_us_p50'), ratio: n('signal_level_cycles_per_s') / (1e6 / n('bridge_rtt_us_p50')), want: '>= 0.8 x 1e6 / bridge_rtt_us_p50' },
  until: { ok: n('until_cycles_per_s') >= 0.5 * n('native_cycles_per_s'), ratio: n('until_cycles_per_s') / n('native_cycles_per_s'), want: '>= 0.5 x native_cycles_per_s' },
  startup: { ok: n('startup_ms') <= 200, value: n('startup_ms'), want: '<= 200 ms' },
};
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
const file = path.join(ROOT, 'bench', 'out', 'bridge.json');
// Written afresh: a figure this run did not measure must not survive from an older one.
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 2));
