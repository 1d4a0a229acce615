// The protocol checker on hsi_link (hsiLinkTapTb: hsi_link_tb with the checker's taps bound in):
// scenarios that between them hit every bin of the link's coverage (tb/hsi/check_env.ts), each
// with the checker clean over both lanes and every frame delivered once, in order, bit-exact
// (HsiEnv's contracts). The coverage test at the end fails on any bin no scenario hit.
import { describe, expect } from 'vitest';
import { ClockCycles, type Simulator } from '../../bridge/src/index.js';
import { seededTest } from '../../bridge/src/vitest.js';
import type { LinkFrame } from '../../models/hsi/delivery.js';
import { LinkCheckEnv, linkCoverage, TAP_LATENCY } from './check_env.js';
import { hsiTest, type HsiLink, VCS } from './env.js';
import { BOUNDS, REPLAY_TIMEOUT, RX_BUFFERS } from './link_params.js';
import { hsiLinkTapTb } from './tops.js';

const test = hsiTest({ simTimeout: [4, 'ms'] }, hsiLinkTapTb);
const SIZES = [1, 7, 8, 9, 512, 516, 1023, 1024];

function frame(tag: number, len: number, i: number, dst: number): LinkFrame {
  return { data: Uint8Array.from({ length: len }, (_, k) => (tag * 31 + i * 13 + k * 5 + (k >> 8)) & 0xff), dst };
}

/** Every size once each way on each vc. */
function traffic(l: HsiLink, tag: number): void {
  for (const [from, to] of [[l.a, l.b], [l.b, l.a]] as const) {
    for (const vc of VCS) SIZES.forEach((n, i) => void from.send(vc, frame(tag + vc, n, i, to.options.cellId)));
  }
}

async function checked(sim: Simulator<unknown>, l: HsiLink): Promise<LinkCheckEnv> {
  const chk = new LinkCheckEnv(sim, l.a.dut as never, { latency: TAP_LATENCY, replayTimeout: REPLAY_TIMEOUT, buffers: RX_BUFFERS });
  await chk.start();
  return chk;
}

async function drained(l: HsiLink, chk: LinkCheckEnv) {
  await l.a.finish();
  await l.b.finish();
  return chk.finish();
}

describe('protocol checker on hsi_link', () => {
  test('clean traffic of every size both ways on both vcs, with a stalled sink on each side using up its vc\'s credits', async ({ sim, link }) => {
    const l = await link({ a: { stalled: [0] }, b: { stalled: [1] } });
    const chk = await checked(sim as Simulator<unknown>, l);
    await l.up();
    traffic(l, 1);
    await ClockCycles(l.a.dut.clk_i, 3000);
    l.a.openSink(0);
    l.b.openSink(1);
    const c = await drained(l, chk);
    expect(c.ab.stats.exhausted[1], 'a used up its vc1 credits').toBe(true);
    expect(c.ba.stats.exhausted[0], 'b used up its vc0 credits').toBe(true);
    expect(c.ab.stats.framesNew + c.ba.stats.framesNew).toBe(4 * SIZES.length);
    expect(c.ab.stats.framesReplayed + c.ba.stats.framesReplayed, 'nothing replayed on a clean link').toBe(0);
  });

  test('bit errors and a short cut of the return lane under traffic: NAK and timer replays, and the link resumes', async ({ sim, link }) => {
    const l = await link();
    const chk = await checked(sim as Simulator<unknown>, l);
    await l.up();
    traffic(l, 2);
    await ClockCycles(l.a.dut.clk_i, 200);
    l.ab.faults({ ber: 2e-4 });
    await ClockCycles(l.a.dut.clk_i, 1500);
    l.ab.faults({});
    await chk.cut('ba', 300);
    const c = await drained(l, chk);
    expect(c.ab.stats.nakReplays, 'a went back after a NAK').toBeGreaterThan(0);
    expect(c.ab.stats.timerReplays + c.ba.stats.timerReplays, 'a timer expired').toBeGreaterThan(0);
    expect(l.a.up && l.b.up).toBe(true);
  });

  test('a slip of a lane: its receiver loses lock and finds it again, and the link carries on', async ({ sim, link }) => {
    const l = await link();
    const chk = await checked(sim as Simulator<unknown>, l);
    await l.up();
    traffic(l, 3);
    await ClockCycles(l.a.dut.clk_i, 400);
    await chk.slip('ab');
    await drained(l, chk);
    expect(l.a.up && l.b.up).toBe(true);
  });

  test('FC blocks lost to dropped blocks on a quiet lane are made good by the refresh', async ({ sim, link }) => {
    const l = await link();
    const chk = await checked(sim as Simulator<unknown>, l);
    await l.up();
    l.ba.faults({ dropRate: 0.5 });
    await ClockCycles(l.a.dut.clk_i, 4 * 1024);
    l.ba.faults({});
    await ClockCycles(l.a.dut.clk_i, 2 * 1024);
    traffic(l, 4);
    await drained(l, chk);
  });

  test(`a cut of ${BOUNDS.cutDowns} cycles takes the link down; after both ends restart it is re-enabled and frames flow`, async ({ sim, link }) => {
    const l = await link();
    const chk = await checked(sim as Simulator<unknown>, l);
    await l.up();
    traffic(l, 5);
    await ClockCycles(l.a.dut.clk_i, 200);
    await chk.cut('ab', BOUNDS.cutDowns);
    await l.b.waitDown();
    await l.a.waitDown();
    for (const e of [l.a, l.b]) e.model.fail('lock-timeout');
    await l.a.restart();
    await l.b.restart();
    await l.up();
    traffic(l, 6);
    const c = await drained(l, chk);
    expect(c.stats.relinks, 'one more link-up').toBe(1);
  });
});

describe('coverage', () => {
  seededTest('every bin of the link\'s coverage was hit', () => {
    linkCoverage.assertAllHit();
  });
});
