// The protocol checker on hsi_link (hsiLinkTapTb: hsi_link_tb with the checker's taps bound in):
// scenarios that between them hit every bin of the link's coverage (tb/hsi/check_env.ts), each
// with the checker clean over both lanes and every frame delivered once, in order, bit-exact
// (HsiEnv's contracts). The coverage test at the end fails on any bin no scenario hit.
import { describe, expect } from 'vitest';
import { ClockCycles, Until, type SignalHandle, type Simulator } from '../../bridge/src/index.js';
import { seededTest } from '../../bridge/src/vitest.js';
import type { LinkFrame } from '../../models/hsi/delivery.js';
import { BlockType, SyncHeader } from '../../models/hsi/hsi_pkg.js';
import { LinkCheckEnv, linkCoverage, TAP_LATENCY } from './check_env.js';
import { hsiTest, type HsiLink, VCS } from './env.js';
import type { HsiLinkTbDut } from './gen/hsi_link_tb.js';
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

  test('an SOF lost right after an ACK: the data blocks outside a frame are one malformed frame, NAKed at once (the timer never expires), and the frame arrives once', async ({ sim, link }) => {
    const l = await link();
    const chk = await checked(sim as Simulator<unknown>, l);
    await l.up();
    const d = l.a.dut as HsiLinkTbDut;
    const clk = d.clk_i;
    // a sends F1 (1024 bytes) then F2; b's frame G reaches a during F1, so at F1's end a has
    // an ACK due and F2 ready: its lane carries EOF, ACK, SOF(F2) back to back.
    await l.a.send(0, frame(7, 1024, 0, 2));
    void l.a.send(0, frame(7, 64, 1, 2));
    void l.b.send(0, frame(8, 64, 0, 1));
    // The taps on a's lane (as sent, and as b receives it) name what the channel drops.
    const t = d.u_taps;
    await sim.watch(t.tx_a_hdr_o, t.tx_a_lo_o, t.rx_a_hdr_o, t.rx_a_lo_o);
    const ctrl = (hdr: SignalHandle<number>, lo: SignalHandle<number>, type: BlockType): boolean => hdr.value === SyncHeader.Ctrl && (lo.value & 0xff) === type;
    await Until(clk, t.tx_a_lo_o, BlockType.Ack, { mask: 0xff });
    expect(ctrl(t.tx_a_hdr_o, t.tx_a_lo_o, BlockType.Ack), 'a\'s ACK on its lane').toBe(true);
    await ClockCycles(clk, 1);
    expect(ctrl(t.tx_a_hdr_o, t.tx_a_lo_o, BlockType.Sof), 'the SOF of F2 right after it').toBe(true);
    // The tap sees a block one cycle before the channel delivers it; a drop acts on the block delivered next.
    await l.ab.drop(clk);
    await Until(clk, t.rx_a_lo_o, BlockType.Ack, { mask: 0xff });
    expect(ctrl(t.rx_a_hdr_o, t.rx_a_lo_o, BlockType.Ack), 'b receives the ACK').toBe(true);
    await ClockCycles(clk, 1);
    expect(t.rx_a_hdr_o.value, 'and then F2\'s first data block: its SOF was dropped').toBe(SyncHeader.Data);
    await drained(l, chk);
    expect(await l.b.counter('FRAME_ERRORS'), 'the headless data blocks and EOF: one malformed frame').toBe(1);
    expect(await l.b.counter('NAKS_SENT'), 'NAKed at once').toBe(1);
    expect(await l.a.counter('TIMER_EXPIRIES'), 'the NAK, not the timer, recovered').toBe(0);
    expect(await l.a.counter('FRAMES_REPLAYED'), 'F2 replayed').toBe(1);
    expect(await l.b.counter('FRAMES_RECEIVED'), 'F1 and F2, once each').toBe(2);
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
