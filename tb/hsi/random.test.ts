// hsi_link end to end, randomized (fast-check, the fixture's seed, shrinking): frames of 1..1024
// bytes on both vcs in both directions, random back-pressure at every sink and gaps at every
// source, and faults at random rates, none included: bit flips, dropped blocks, slips, a short
// or a long cut. The scoreboard (HsiEnv's delivery contracts): every frame arrives exactly
// once, in order per vc, bit-exact, or, only where the link went down and was restarted, is
// accounted for as not delivered.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ClockCycles, simProperty, type Simulator, type Throttle } from '../../bridge/src/index.js';
import { wavePath } from '../../bridge/src/vitest.js';
import type { LinkFrame } from '../../models/hsi/delivery.js';
import { LinkCheckEnv, TAP_LATENCY } from './check_env.js';
import { hsiTest, VCS, type HsiEnv, type HsiLink, type LaneEnv } from './env.js';
import { BOUNDS, REPLAY_TIMEOUT, RX_BUFFERS } from './link_params.js';
import { hsiLinkTapTb } from './tops.js';

// With the protocol checker's taps on both lanes (tb/hsi/check_env.ts).
const test = hsiTest({ simTimeout: [20, 'ms'] }, hsiLinkTapTb);

/** A lane's faults for one case. */
interface LaneFaults {
  readonly ber: number;
  readonly dropRate: number;
  readonly slipRate: number;
  /** A cut: its start (cycles after the traffic starts) and length. */
  readonly cut?: { readonly at: number; readonly cycles: number };
}

const none: LaneFaults = { ber: 0, dropRate: 0, slipRate: 0 };
const faultsArb: fc.Arbitrary<LaneFaults> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(none) },
  fc.record({ ber: fc.constantFrom(1e-6, 1e-5, 1e-4), dropRate: fc.constant(0), slipRate: fc.constant(0) }),
  fc.record({ ber: fc.constant(0), dropRate: fc.constantFrom(1e-4, 1e-3), slipRate: fc.constant(0) }),
  fc.record({ ber: fc.constant(0), dropRate: fc.constant(0), slipRate: fc.constantFrom(1e-4, 5e-4) }),
  fc.record({
    ber: fc.constant(0), dropRate: fc.constant(0), slipRate: fc.constant(0),
    cut: fc.record({ at: fc.integer({ min: 0, max: 3000 }), cycles: fc.oneof(fc.integer({ min: 20, max: BOUNDS.cutResumes }), fc.constant(BOUNDS.cutDowns + 500)) }),
  }),
);

const throttleArb: fc.Arbitrary<Throttle> = fc.record({ probability: fc.constantFrom(1, 0.9, 0.5, 0.2), seed: fc.integer({ min: 1, max: 0xffff }) });
/** Frames of one stream: sizes 1..1024 (the edges likelier), bytes from a seed. */
const streamArb = fc.array(fc.tuple(fc.oneof(fc.integer({ min: 1, max: 1024 }), fc.constantFrom(1, 7, 8, 9, 512, 516, 1023, 1024)), fc.integer({ min: 0, max: 255 })), { maxLength: 8 });

const caseArb = fc.record({
  streams: fc.tuple(streamArb, streamArb, streamArb, streamArb),
  sinks: fc.tuple(throttleArb, throttleArb, throttleArb, throttleArb),
  sources: fc.tuple(throttleArb, throttleArb, throttleArb, throttleArb),
  ab: faultsArb,
  ba: faultsArb,
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function frameOf(len: number, seed: number, dst: number): LinkFrame {
  return { data: Uint8Array.from({ length: len }, (_, k) => (seed * 97 + k * 29 + (k >> 8) * 5) & 0xff), dst };
}

async function applyFaults(lane: LaneEnv, f: LaneFaults, clk: HsiEnv['dut']['clk_i']): Promise<void> {
  lane.faults(f);
  if (f.cut) {
    await ClockCycles(clk, f.cut.at + 1);
    await lane.cut(clk, f.cut.cycles);
  }
}

/** Runs until nothing is due at either end or an end is down; true if the link went down. */
async function settle(l: HsiLink, limit: number): Promise<boolean> {
  for (let t = 0; t < limit; t += 1000) {
    if (l.a.down || l.b.down) return true;
    const due = [l.a, l.b].some((e) => VCS.some((v) => e.inbound[v].due > e.pending(v)));
    if (!due) return false;
    await ClockCycles(l.a.dut.clk_i, 1000);
  }
  return l.a.down || l.b.down;
}

describe('hsi_link randomized end to end', () => {
  test('every frame exactly once, in order per vc, bit-exact, or lost only across a restart after down', async ({ sim, seed, task, link }) => {
    await simProperty(sim as Simulator<unknown>, caseArb, async (c: Case) => {
      const l = await link({
        a: { sinkThrottle: [c.sinks[0], c.sinks[1]], sourceThrottle: [c.sources[0], c.sources[1]] },
        b: { sinkThrottle: [c.sinks[2], c.sinks[3]], sourceThrottle: [c.sources[2], c.sources[3]] },
      });
      const checker = new LinkCheckEnv(sim as Simulator<unknown>, l.a.dut as never, { latency: TAP_LATENCY, replayTimeout: REPLAY_TIMEOUT, buffers: RX_BUFFERS });
      await checker.start();
      await l.up();
      const clk = l.a.dut.clk_i;
      c.streams.forEach((frames, k) => {
        const [from, to] = k < 2 ? [l.a, l.b] : [l.b, l.a];
        for (const [len, s] of frames) void from.send((k % 2) as 0 | 1, frameOf(len, s, to.options.cellId));
      });
      const faults = [sim.startSoon(() => applyFaults(l.ab, c.ab, clk), 'ab faults'), sim.startSoon(() => applyFaults(l.ba, c.ba, clk), 'ba faults')];
      let down = await settle(l, 40_000);
      for (const f of faults) await f;
      l.ab.faults(none);
      l.ba.faults(none);
      down = (await settle(l, 40_000)) || down;
      // Only a high BER or a cut beyond the budget may take the link down.
      const mayGoDown = [c.ab, c.ba].some((f) => f.ber >= 1e-4 || (f.cut !== undefined && f.cut.cycles > BOUNDS.cutResumes));
      expect(down && !mayGoDown, `the link went down under ${JSON.stringify([c.ab, c.ba])}`).toBe(false);
      if (down) {
        // A down end sends zeros, so the other follows within the lock bound; then both restart.
        for (let t = 0; t < BOUNDS.cutDowns + 2000 && !(l.a.down && l.b.down); t += 500) await ClockCycles(clk, 500);
        expect(l.a.down && l.b.down, 'once one end is down, the other follows').toBe(true);
        await l.a.restart();
        await l.b.restart();
        await l.up();
      }
      await l.a.finish(40_000);
      await l.b.finish(40_000);
      expect(l.a.up && l.b.up, 'up at the end').toBe(true);
      await checker.finish();
    }, { seed, numRuns: 100, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });
});
