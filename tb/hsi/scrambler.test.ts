// The 802.3 clause 49 scrambler: the block model against the bit-serial reference written from
// the polynomial; then hsi_scrambler and hsi_descrambler against the model on random blocks,
// looped back, self-synchronizing from any state, and multiplying a line error by three.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { AxisSource, simProperty, type Simulator, type Throttle } from '../../bridge/src/index.js';
import { seededTest, simTest, wavePath } from '../../bridge/src/vitest.js';
import {
  HsiDescrambler, HsiScrambler, SCRAMBLER_RESET_STATE, descramble, scramble, serialDescramble, serialScramble,
} from '../../models/hsi/scrambler.js';
import { clockAndReset } from '../common/reset.js';
import { M66, blockAt, collect, popcount, sendBlocks } from './blocks.js';
import type { HsiScramblerTbDut } from './gen/hsi_scrambler_tb.js';
import { hsiScramblerTb } from './tops.js';

const state58 = fc.bigInt({ min: 0n, max: (1n << 58n) - 1n });
const word64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const block66 = fc.bigInt({ min: 0n, max: M66 });
const hex = (x: bigint): string => `0x${x.toString(16)}`;

describe('model', () => {
  seededTest('the block form equals the bit-serial scrambler and descrambler, state included', ({ seed }) => {
    fc.assert(
      fc.property(state58, word64, (st, d) => {
        expect(scramble(st, d)).toEqual(serialScramble(st, d));
        expect(descramble(st, d)).toEqual(serialDescramble(st, d));
      }),
      { seed, numRuns: 400 },
    );
  });

  seededTest('descramble(scramble(x)) = x from equal states; from any other, right after one block', ({ seed }) => {
    fc.assert(
      fc.property(state58, state58, fc.array(word64, { minLength: 2, maxLength: 20 }), (s0, r0, data) => {
        const tx = new HsiScrambler(s0);
        const same = new HsiDescrambler(s0);
        const other = new HsiDescrambler(r0);
        data.forEach((d, i) => {
          const line = tx.block(d << 2n);
          expect(same.block(line) >> 2n, `block ${i} from the scrambler's state`).toBe(d);
          const got = other.block(line) >> 2n;
          // d(i) for i >= 58 uses only this block's line bits: right even in the first block.
          if (i > 0) expect(got, `block ${i} from state ${hex(r0)}`).toBe(d);
          else expect(got >> 58n).toBe(d >> 58n);
        });
      }),
      { seed, numRuns: 200 },
    );
  });

  seededTest('a flipped line bit flips exactly the descrambled bits at p, p + 39 and p + 58', ({ seed }) => {
    fc.assert(
      fc.property(state58, fc.array(word64, { minLength: 3, maxLength: 6 }), fc.nat(64 * 2 - 1), (s0, data, p) => {
        const clean = new HsiDescrambler(s0);
        const hit = new HsiDescrambler(s0);
        let diff = 0n;
        data.forEach((line, b) => {
          const flip = p >> 6 === b ? 1n << BigInt(p & 63) : 0n;
          diff |= ((clean.block(line << 2n) ^ hit.block((line ^ flip) << 2n)) >> 2n) << BigInt(64 * b);
        });
        expect(hex(diff)).toBe(hex((1n << BigInt(p)) | (1n << BigInt(p + 39)) | (1n << BigInt(p + 58))));
      }),
      { seed, numRuns: 200 },
    );
  });
});

const test = simTest(hsiScramblerTb, { simTimeout: [2, 'ms'] });
type Sim = Simulator<HsiScramblerTbDut>;
const wavesDir = (file: string, name: string): string => path.dirname(wavePath(file, name));
/** A source throttle that idles in some cycles (the state must hold across them). */
const throttleArb: fc.Arbitrary<Throttle> = fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }).map((p) => ({ pattern: [true, ...p] }));

async function start(sim: Sim, loop: boolean): Promise<HsiScramblerTbDut> {
  const dut = sim.dut;
  dut.loop_i.value = loop ? 1 : 0;
  await clockAndReset(dut);
  return dut;
}

describe('RTL', () => {
  test('scrambler and descrambler match the model on random blocks with idle cycles', async ({ sim, seed, task }) => {
    const blocks = fc.array(block66, { minLength: 1, maxLength: 1500, size: 'max' });
    await simProperty(sim as Simulator<unknown>, fc.tuple(blocks, blocks, throttleArb, throttleArb), async ([txIn, rxIn, txT, rxT]) => {
      const dut = await start(sim, false);
      const txOut = collect(sim as Simulator<unknown>, dut.clk_i, [dut.tx_block_o], txIn.length, [dut.tx_valid_o]);
      const rxOut = collect(sim as Simulator<unknown>, dut.clk_i, [dut.rx_block_o], rxIn.length, [dut.rx_valid_o]);
      void sendBlocks(AxisSource.fromPrefix(dut, 's_axis_tx', dut.clk_i, { throttle: txT }), txIn);
      void sendBlocks(AxisSource.fromPrefix(dut, 's_axis_rx', dut.clk_i, { throttle: rxT }), rxIn);
      const tx = new HsiScrambler(SCRAMBLER_RESET_STATE);
      const rx = new HsiDescrambler(0n);
      const txGot = await txOut();
      txIn.forEach((b, i) => expect(hex(blockAt(txGot, dut.tx_block_o, i)), `scrambled block ${i} of ${txIn.length}`).toBe(hex(tx.block(b))));
      const rxGot = await rxOut();
      rxIn.forEach((b, i) => expect(hex(blockAt(rxGot, dut.rx_block_o, i)), `descrambled block ${i} of ${rxIn.length}`).toBe(hex(rx.block(b))));
    }, { seed, numRuns: 8, wavesDir: wavesDir(task.file.filepath, task.name) });
  });

  test('looped back: every block but the first comes back as sent; from a deposited state likewise', async ({ sim, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, fc.tuple(fc.array(block66, { minLength: 2, maxLength: 400, size: 'max' }), fc.option(state58), throttleArb), async ([blocks, state, t]) => {
      const dut = await start(sim, true);
      if (state !== null) dut.u_descrambler.state_q.value = state;
      const out = collect(sim as Simulator<unknown>, dut.clk_i, [dut.rx_block_o], blocks.length, [dut.rx_valid_o]);
      void sendBlocks(AxisSource.fromPrefix(dut, 's_axis_tx', dut.clk_i, { throttle: t }), blocks);
      const got = await out();
      const first = new HsiDescrambler(state ?? 0n).block(new HsiScrambler().block(blocks[0]!));
      expect(hex(blockAt(got, dut.rx_block_o, 0)), 'the first block, from the descrambler\'s own state').toBe(hex(first));
      blocks.forEach((b, i) => {
        if (i > 0) expect(hex(blockAt(got, dut.rx_block_o, i)), `block ${i} of ${blocks.length}`).toBe(hex(b));
      });
    }, { seed, numRuns: 12, wavesDir: wavesDir(task.file.filepath, task.name) });
  });

  test('a flipped line bit flips three descrambled bits (one when it is a sync header bit)', async ({ sim, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, fc.tuple(fc.array(block66, { minLength: 4, maxLength: 8 }), fc.nat(66 * 2 - 1)), async ([line, p]) => {
      const dut = await start(sim, false);
      const flipped = line.map((b, i) => (i === Math.floor(p / 66) ? b ^ (1n << BigInt(p % 66)) : b));
      const out = collect(sim as Simulator<unknown>, dut.clk_i, [dut.rx_block_o], line.length, [dut.rx_valid_o]);
      void sendBlocks(AxisSource.fromPrefix(dut, 's_axis_rx', dut.clk_i), flipped);
      const got = await out();
      const clean = new HsiDescrambler(0n);
      const diffs = line.map((b, i) => blockAt(got, dut.rx_block_o, i) ^ clean.block(b));
      const j = p % 66;
      if (j < 2) {
        expect(diffs.map(hex), 'only the header bit').toEqual(line.map((_, i) => hex(i === Math.floor(p / 66) ? 1n << BigInt(j) : 0n)));
      } else {
        // Payload stream position q = 64 * block + bit: flips at q, q + 39, q + 58.
        const q = 64 * Math.floor(p / 66) + j - 2;
        const want = line.map((_, i) => {
          let m = 0n;
          for (const k of [q, q + 39, q + 58]) if (k >> 6 === i) m |= 1n << BigInt((k & 63) + 2);
          return hex(m);
        });
        expect(diffs.map(hex)).toEqual(want);
        expect(diffs.reduce((n, d) => n + popcount(d), 0)).toBe(3);
      }
    }, { seed, numRuns: 25, wavesDir: wavesDir(task.file.filepath, task.name) });
  });
});
