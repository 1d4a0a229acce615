// vc isolation on hsi_link (DESIGN.md section 3, issue 12): with one vc's sink stalled (tready
// low, so its receive buffers fill and its credits run out), the other vc keeps at least 90 % of
// the throughput it has alone, both ways round; and every frame of the running vc arrives once,
// in order, intact, while the stalled vc delivers nothing.
import { describe, expect } from 'vitest';
import { ClockCycles, type Simulator } from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import type { HsiLinkTbDut } from './gen/hsi_link_tb.js';
import { hsiLinkTb } from './tops.js';
import { efficiency, Flow, resetLink } from './traffic.js';

const test = simTest(hsiLinkTb, { simTimeout: [4, 'ms'] });
const FRAMES = 120;

/** Throughput of `vc` from a to b (payload bytes per cycle x 8), with the other vc stalled or idle. */
async function throughput(sim: Simulator<HsiLinkTbDut>, vc: 0 | 1, otherStalled: boolean): Promise<number> {
  await sim.restart();
  await resetLink(sim);
  const d = sim.dut;
  const run = new Flow(sim, 'a', vc, 1 + vc);
  run.send(Array<number>(FRAMES).fill(512));
  const other = otherStalled ? new Flow(sim, 'a', (1 - vc) as 0 | 1, 9, { stalled: true }) : undefined;
  other?.send(Array<number>(40).fill(512));
  for (let t = 0; run.got.length < FRAMES && t < 100; t++) {
    await ClockCycles(d.clk_i, 1000);
    await run.drain();
  }
  const a = run.account();
  expect(a, `vc${vc}: every frame once, in order, intact`).toMatchObject({ lost: 0, duplicated: 0, corrupted: 0, outOfOrder: 0 });
  if (other) {
    await other.drain();
    expect(other.got.length, `the stalled vc${1 - vc} delivered nothing`).toBe(0);
  }
  return efficiency(run.got);
}

describe('vc isolation', () => {
  for (const vc of [0, 1] as const) {
    test(`with vc${1 - vc}'s sink stalled, vc${vc} keeps >= 90 % of its throughput alone`, async ({ sim }) => {
      const alone = await throughput(sim, vc, false);
      const beside = await throughput(sim, vc, true);
      console.log(`vc${vc}: alone ${alone.toFixed(4)}, beside a stalled vc${1 - vc} ${beside.toFixed(4)} (${((beside / alone) * 100).toFixed(1)} %)`);
      expect(alone, 'alone, near the framing bound 64/66').toBeGreaterThan(0.9);
      expect(beside / alone).toBeGreaterThanOrEqual(0.9);
    });
  }
});
