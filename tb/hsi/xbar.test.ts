// hsi_xbar end to end on hsi_xbar_tb (4 cells; 8 in xbar8.test.ts): random traffic between every
// pair of cells (each to itself too) on both vcs, random frame sizes, random back-pressure at every
// sink and gaps at every source, faults on every lane (bit flips, dropped blocks, slips), and
// frames for no port (tb/hsi/xbar_random.ts). The scoreboard (XbarEnv): every frame comes out of its dst's cell exactly
// once, in order per (src, dst, vc), bit-exact, and nowhere else; the crossbar's counters count
// every frame routed and every one dropped for its dst, and the queues end empty. Then no
// head-of-line blocking behind a stalled output, a down output's traffic dropped and counted
// while the rest flows, and the crossbar's coverage (xbarCoverage) all hit.
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ClockCycles, simProperty, type Simulator } from '../../bridge/src/index.js';
import { simTest, wavePath } from '../../bridge/src/vitest.js';
import type { VcIndex } from './env.js';
import type { HsiXbarTbDut } from './gen/hsi_xbar_tb.js';
import { hsiXbarTb } from './tops.js';
import { HSI_XBAR_CONFIG, HSI_XBAR_OFFSET } from '../../models/hsi/hsi_xbar_pkg.js';
import { type Arrival, XBAR_PORT_WINDOW, XBAR_REGS, xbarCoverage, XbarEnv } from './xbar_env.js';
import { caseArb, frameOf, runCase } from './xbar_random.js';
import { flowEfficiency, fourToOne, permutation } from './xbar_traffic.js';

describe('hsi_xbar randomized end to end', () => {
  simTest(hsiXbarTb, { simTimeout: [40, 'ms'] })('4 cells: every frame exactly once, in order per (src, dst, vc), bit-exact, to its dst only; bad dst dropped and counted', async ({ sim, seed, task }) => {
    await simProperty(sim, caseArb(4, 24), (c) => runCase(sim, 4, seed, c), { seed, numRuns: 4, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });

});

/** A flow's payload bytes per cycle between its first and its last frame out (the first one's bytes not counted). */
const rate = (arrivals: readonly Arrival[], src: number, dst: number): number => 8 * flowEfficiency(arrivals.filter((a) => a.src === src && a.cell === dst));

const FLOWS = [[0, 1], [1, 2], [2, 0]] as const;
const FLOW_FRAMES = 48;

/**
 * Sources 0..2 each send one 1024-byte frame to output 3 (three frames: fewer than its queue of
 * four), then 48 to their own output of a permutation; with output 3's sink stalled or not.
 * Returns each flow's rate and the env, every frame to 3 still due when stalled.
 */
async function headOfLine(sim: Simulator<HsiXbarTbDut>, stalled: boolean): Promise<{ rates: number[]; env: XbarEnv }> {
  await sim.restart();
  const env = new XbarEnv(sim, { ports: 4, seed: 5, stalled: stalled ? [[3, 0]] : [] });
  await env.reset();
  await env.waitUp();
  for (const [src, dst] of FLOWS) {
    void env.send(src, 0, frameOf(src, 0, { dst: 3, vc: 0, len: 1024, seed: src }));
    for (let i = 0; i < FLOW_FRAMES; i++) void env.send(src, 0, frameOf(src, i + 1, { dst, vc: 0, len: 1024, seed: i }));
  }
  const flowsDone = (): boolean => FLOWS.every(([src, dst]) => env.arrivals.filter((a) => a.src === src && a.cell === dst).length === FLOW_FRAMES);
  for (let t = 0; !flowsDone(); t += 1000) {
    if (t > 200_000) throw new Error(`head-of-line run (stalled ${stalled}): the flows did not finish in 200000 cycles`);
    await env.collect();
    await ClockCycles(sim.dut.clk_i, 1000);
  }
  return { rates: FLOWS.map(([src, dst]) => rate(env.arrivals, src, dst)), env };
}

describe('hsi_xbar: every pair', () => {
  simTest(hsiXbarTb, { simTimeout: [5, 'ms'] })('each cell sends a frame to every cell (itself too) on both vcs and two for no port: each comes out once at its dst, the two are dropped and counted', async ({ sim }) => {
    const env = new XbarEnv(sim, { ports: 4, seed: 8 });
    await env.reset();
    await env.waitUp();
    for (let src = 0; src < 4; src++) {
      for (let dst = 0; dst < 4; dst++) for (const vc of [0, 1] as const) void env.send(src, vc, frameOf(src, 2 * dst + vc, { dst, vc, len: 100 + 50 * dst, seed: src }));
      for (const dst of [4, 255]) void env.sendUnchecked(src, (dst & 1) as VcIndex, frameOf(src, dst, { dst, vc: 0, len: 64, seed: 0 }));
    }
    expect(await env.settle(20_000)).toBe(true);
    env.finish();
    for (let p = 0; p < 4; p++) expect(await env.portRegs(p), `port ${p}'s counters`).toEqual({ routed: 8, badDst: 2, down: 0, occupancy: [0, 0] });
  });
});

describe('hsi_xbar: its APB', () => {
  simTest(hsiXbarTb, { simTimeout: [1, 'ms'] })('each port\'s CONFIG names the parameters; an offset no register has and an address past the last port answer pslverr with data 0', async ({ sim }) => {
    const env = new XbarEnv(sim, { ports: 4, seed: 9 });
    await env.reset();
    for (let p = 0; p < 4; p++) {
      const config = await env.readX(p * XBAR_PORT_WINDOW + XBAR_REGS + HSI_XBAR_OFFSET.CONFIG);
      expect([HSI_XBAR_CONFIG.PORTS.get(config), HSI_XBAR_CONFIG.QUEUE_FRAMES.get(config)], `port ${p}'s CONFIG`).toEqual([4, 4]);
      const hole = await env.apb.read(p * XBAR_PORT_WINDOW + XBAR_REGS + 0x14);
      expect([hole.slverr, hole.data], `port ${p}, crossbar offset 0x14`).toEqual([true, 0]);
    }
    for (const addr of [4 * XBAR_PORT_WINDOW, 4 * XBAR_PORT_WINDOW + XBAR_REGS, 7 * XBAR_PORT_WINDOW + XBAR_REGS + HSI_XBAR_OFFSET.CONFIG]) {
      const r = await env.apb.read(addr);
      expect([r.slverr, r.data], `address 0x${addr.toString(16)}, past the last port`).toEqual([true, 0]);
    }
  });
});

describe('hsi_xbar: no head-of-line blocking, a down output', () => {
  simTest(hsiXbarTb, { simTimeout: [20, 'ms'] })('an output stalled (its sink never ready): the other flows of its sources keep >= 90 % of their throughput; its frames wait, then come out', async ({ sim }) => {
    const free = await headOfLine(sim, false);
    const held = await headOfLine(sim, true);
    const env = held.env;
    expect(env.arrivals.filter((a) => a.cell === 3), 'nothing came out of the stalled output').toEqual([]);
    const share = held.rates.map((r, k) => r / free.rates[k]!);
    console.log(`head-of-line: flow rates ${free.rates.map((r) => r.toFixed(3)).join(', ')} B/cycle free, ${held.rates.map((r) => r.toFixed(3)).join(', ')} with output 3 stalled (${share.map((x) => (100 * x).toFixed(1)).join(', ')} %)`);
    for (const [k, [src, dst]] of FLOWS.entries()) expect(share[k], `flow ${src}->${dst} with output 3 stalled: ${held.rates[k]} B/cycle against ${free.rates[k]} free`).toBeGreaterThanOrEqual(0.9);
    expect((await env.portRegs(3)).occupancy[0], 'the three frames wait in output 3\'s queue or beyond').toBeLessThanOrEqual(3);
    env.openSink(3, 0);
    expect(await env.settle(20_000), 'the stalled frames came out once the sink opened').toBe(true);
    env.finish();
  });

  simTest(hsiXbarTb, { simTimeout: [20, 'ms'] })('an output whose lanes are cut goes down: frames for it are dropped and counted at their source port, the rest flows', async ({ sim }) => {
    const env = new XbarEnv(sim, { ports: 4, seed: 6 });
    await env.reset();
    await env.waitUp();
    env.cut(3, true);
    await env.waitPort(3, false);
    const toDown = [3, 1, 2];
    for (let src = 0; src < 3; src++) {
      for (let i = 0; i < 12; i++) {
        const dst = (src + 1 + (i % 2)) % 3;
        void env.send(src, (i % 2) as VcIndex, frameOf(src, i, { dst, vc: 0, len: 64 + 80 * i, seed: i }));
        for (let k = 0; k < toDown[src]! && i === 0; k++) void env.sendUnchecked(src, (k % 2) as VcIndex, frameOf(src, 100 + k, { dst: 3, vc: 0, len: 512, seed: k }));
      }
    }
    expect(await env.settle(100_000), 'every frame between the live cells came out').toBe(true);
    env.finish();
    for (let src = 0; src < 3; src++) {
      expect(await env.portRegs(src), `port ${src}'s counters`).toEqual({ routed: 12, badDst: 0, down: toDown[src], occupancy: [0, 0] });
    }
    expect(env.arrivals.filter((a) => a.cell === 3)).toEqual([]);
  });
});

describe('hsi_xbar: fairness and throughput', () => {
  simTest(hsiXbarTb, { simTimeout: [20, 'ms'] })('four sources to one output: round robin gives each a quarter, the output near its framing bound; a permutation runs every flow near it at once', async ({ sim }) => {
    const f = await fourToOne(sim, 48);
    console.log(`four to one: ${(100 * f.efficiency).toFixed(2)} % of 64/66, shares ${f.shares.map((x) => x.toFixed(4)).join(', ')}`);
    for (const [s, share] of f.shares.entries()) expect(share, `source ${s}'s share of output 0`).toBeCloseTo(0.25, 1);
    expect(f.efficiency, 'output 0 over the framing bound').toBeGreaterThan(0.9);
    expect(f.efficiency).toBeLessThanOrEqual(1 + 1e-9);
    const p = await permutation(sim, 48);
    console.log(`permutation: ${p.map((x) => (100 * x).toFixed(2)).join(', ')} % of 64/66`);
    for (const [s, e] of p.entries()) {
      expect(e, `flow ${s}->${(s + 1) % 4}`).toBeGreaterThan(0.9);
      expect(e).toBeLessThanOrEqual(1 + 1e-9);
    }
  });
});

afterAll(() => xbarCoverage.save());

test('coverage of the crossbar: contention of 1..4 sources, both vcs contending, every (src, dst) of 4 cells, a bad dst, a down output', () => {
  xbarCoverage.assertAllHit();
});
