// hsi_link end to end on a clean link: a frame of every size class each way on each vc, the
// CSRs against the register-level reference, freed credits advertised FcBatch at a time, and
// credit exhaustion per vc with a stalled sink.
import { describe, expect } from 'vitest';
import type { LinkFrame } from '../../models/hsi/delivery.js';
import { ClockCycles } from '../../bridge/src/index.js';
import { FC_PERIOD, RX_BUFFERS, TX_SLOTS } from './link_params.js';
import { hsiTest, VCS, type HsiEnv, type VcIndex } from './env.js';

const test = hsiTest({ simTimeout: [2, 'ms'] });

/** The size classes of issue 12: one block, short and whole last blocks, half and whole frames. */
const SIZES = [1, 7, 8, 9, 512, 516, 1023, 1024];

/** A frame whose bytes say which it is (its direction, vc, size and index). */
function frame(tag: number, vc: VcIndex, len: number, i: number, dst: number): LinkFrame {
  return { data: Uint8Array.from({ length: len }, (_, k) => (tag * 31 + vc * 101 + i * 7 + k * 13 + (k >> 8)) & 0xff), dst };
}

async function sendAll(from: HsiEnv, to: HsiEnv, tag: number, sizes: readonly number[]): Promise<void> {
  for (const vc of VCS) sizes.forEach((len, i) => void from.send(vc, frame(tag, vc, len, i, to.options.cellId)));
}

describe('hsi_link on a clean link', () => {
  test('comes up: lock and the InitFC exchange on both ends, full credits', async ({ link }) => {
    const { a, b, up } = await link();
    await up();
    for (const e of [a, b]) await e.expectRegs({}, [RX_BUFFERS, RX_BUFFERS]);
  });

  test('a frame of every size class each way on each vc arrives once, in order, intact', async ({ link }) => {
    const { a, b, up } = await link();
    await up();
    await sendAll(a, b, 1, SIZES);
    await sendAll(b, a, 2, SIZES);
    for (const e of [a, b]) for (const vc of VCS) await e.recv(vc, SIZES.length);
    for (const e of [a, b]) await e.finish();
    // A credit freed alone is advertised by the next refresh (FcBatch 2).
    await ClockCycles(a.dut.clk_i, FC_PERIOD + 64);
    const n = SIZES.length * 2;
    for (const e of [a, b]) await e.expectRegs({ FRAMES_SENT: n, FRAMES_RECEIVED: n }, [RX_BUFFERS, RX_BUFFERS]);
  });

  test('freed credits are advertised at once, FcBatch (2) at a time, without waiting for the refresh (each vc, 600 cycles apart so at most one check can meet a refresh)', async ({ link }) => {
    const { a, b, up } = await link({ b: { stalled: [0, 1] } });
    await up();
    for (const vc of VCS) {
      void a.send(vc, frame(5, vc, 64, 0, 2));
      void a.send(vc, frame(5, vc, 64, 1, 2));
      await ClockCycles(a.dut.clk_i, 100);
      expect((await a.credits())[vc], `a's vc${vc} credits with two frames in b's buffers`).toBe(RX_BUFFERS - 2);
      b.openSink(vc);
      await b.recv(vc, 2);
      // Two frees: b's FC goes at its next boundary (its lane is idle) and reaches a in about 10 cycles.
      await ClockCycles(a.dut.clk_i, 40);
      expect((await a.credits())[vc], `a's vc${vc} credits 40 cycles after b handed both frames out`).toBe(RX_BUFFERS);
      await ClockCycles(a.dut.clk_i, 600);
    }
    for (const e of [a, b]) await e.finish();
  });

  for (const stalled of VCS) {
    test(`credit exhaustion on vc${stalled}: a stalled sink stops its vc at ${RX_BUFFERS} frames, the other vc flows, and all arrive once it drains`, async ({ link, sim }) => {
      const { a, b, up } = await link({ b: { stalled: [stalled] } });
      await up();
      const other = (1 - stalled) as VcIndex;
      const n = RX_BUFFERS + TX_SLOTS + 2;
      for (let i = 0; i < n; i++) void a.send(stalled, frame(3, stalled, 64 + i, i, 2));
      for (let i = 0; i < 6; i++) void a.send(other, frame(4, other, 200 + i, i, 2));
      await b.recv(other, 6);
      await ClockCycles(a.dut.clk_i, FC_PERIOD + 64);
      const credits = await a.credits();
      expect(credits[stalled], `a's credits on vc${stalled} with b's sink stalled (${sim.describeTime()})`).toBe(0);
      expect(credits[other], `a's credits on vc${other}`).toBe(RX_BUFFERS);
      expect(await a.counter('FRAMES_SENT'), 'frames sent: the other vc and a buffer-full of the stalled one').toBe(6 + RX_BUFFERS);
      b.openSink(stalled);
      await b.recv(stalled, n);
      await b.finish();
      await ClockCycles(a.dut.clk_i, FC_PERIOD + 64);
      expect(await a.credits(), 'credits back').toEqual([RX_BUFFERS, RX_BUFFERS]);
    });
  }
});
