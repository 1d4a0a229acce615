// One direction of the PCS end to end: scrambler -> channel -> block lock -> descrambler. With
// no fault every block crosses intact and in order; after a one-bit slip of the lane, lock is
// lost, found again one slip and 64 blocks later, and the blocks after it are intact again.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { AxisSource, ClockCycles, simProperty, type Simulator } from '../../bridge/src/index.js';
import { simTest, wavePath } from '../../bridge/src/vitest.js';
import { SyncHeader } from '../../models/hsi/hsi_pkg.js';
import { clockAndReset } from '../common/reset.js';
import { blockAt, collect, sendBlocks, validBlockArb } from './blocks.js';
import type { HsiPcsTbDut } from './gen/hsi_pcs_tb.js';
import { hsiPcsTb } from './tops.js';

const test = simTest(hsiPcsTb, { simTimeout: [1, 'ms'] });
const wavesDir = (file: string, name: string): string => path.dirname(wavePath(file, name));
const hex = (x: bigint): string => `0x${x.toString(16)}`;
/** What hsi_pcs_tb sends in a cycle without a block from its port. */
const IDLE = BigInt(SyncHeader.Ctrl);
/**
 * Cycles before the data: the channel's first blocks are its reset zeros (bad headers), so the
 * lock hunts through the offsets first (tb/hsi/block_lock.test.ts's bound), then the pipeline.
 */
const LEAD = 64 + 4 * 66 + 16;

/** Checks that `got` is `want[from..]` (one piece, in order), with idle blocks only around it. */
function expectRun(got: readonly bigint[], want: readonly bigint[], what: string): number {
  const first = got.findIndex((g) => g !== IDLE);
  const from = want.indexOf(got[first]!);
  expect(from, `${what}: the first block that is not idle was sent`).toBeGreaterThanOrEqual(0);
  const n = Math.min(want.length - from, got.length - first);
  for (let k = 0; k < n; k++) expect(hex(got[first + k]!), `${what}: block ${from + k} of ${want.length}`).toBe(hex(want[from + k]!));
  for (let k = first + n; k < got.length; k++) expect(hex(got[k]!), `${what}: only idle blocks after the data`).toBe(hex(IDLE));
  return from + n;
}

/** Runs `blocks` through after the lead, with a slip of the lane `slipAt` cycles after they start. */
async function run(sim: Simulator<HsiPcsTbDut>, blocks: readonly bigint[], slipAt?: number): Promise<{ lock: Uint32Array; locked: (from: number, to: number) => bigint[] }> {
  const dut = sim.dut;
  for (const s of [dut.seed_i, dut.drop_rate_i, dut.slip_rate_i, dut.drop_i, dut.slip_i, dut.cut_i]) s.value = 0;
  dut.ber_i.value = 0n;
  await clockAndReset(dut);
  const rec = collect(sim as Simulator<unknown>, dut.clk_i, [dut.rx_valid_o, dut.lock_o, dut.rx_block_o], LEAD + blocks.length + 200);
  await ClockCycles(dut.clk_i, LEAD);
  void sendBlocks(AxisSource.fromPrefix(dut, 's_axis', dut.clk_i), blocks);
  if (slipAt !== undefined) {
    await ClockCycles(dut.clk_i, slipAt);
    dut.slip_i.value = 1;
    await ClockCycles(dut.clk_i, 1);
    dut.slip_i.value = 0;
  }
  const b = await rec();
  const lock = b.column(dut.lock_o);
  const valid = b.column(dut.rx_valid_o);
  expect(lock.indexOf(1), 'locked before the data').toBeGreaterThan(0);
  expect(lock.indexOf(1), 'locked before the data').toBeLessThan(LEAD);
  const locked = (from: number, to: number): bigint[] => {
    const out: bigint[] = [];
    for (let i = from; i < to; i++) if (valid[i] && lock[i]) out.push(blockAt(b, sim.dut.rx_block_o, i));
    return out;
  };
  return { lock, locked };
}

/** Distinct blocks, none of them the idle one, so where a run begins is unambiguous. */
const blocksArb = fc.uniqueArray(validBlockArb.filter((b) => b !== IDLE), { minLength: 600, maxLength: 1500, size: 'max' });

describe('scrambler -> channel -> block lock -> descrambler', () => {
  test('with no fault, random blocks cross intact and in order, and lock holds', async ({ sim, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, blocksArb, async (blocks) => {
      const { lock, locked } = await run(sim, blocks);
      const rise = lock.indexOf(1);
      expect(lock.indexOf(0, rise), 'lock held').toBe(-1);
      expect(expectRun(locked(rise, lock.length), blocks, 'no fault'), 'every block arrived').toBe(blocks.length);
    }, { seed, numRuns: 4, wavesDir: wavesDir(task.file.filepath, task.name) });
  });

  test('a one-bit slip of the lane loses lock, found again one slip and 64 blocks later; the blocks after it are intact', async ({ sim, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, fc.tuple(blocksArb, fc.integer({ min: 100, max: 400 })), async ([blocks, slipAt]) => {
      const { lock, locked } = await run(sim, blocks, slipAt);
      const slipCycle = LEAD + slipAt;
      const rise = lock.indexOf(1);
      const fall = lock.indexOf(0, rise);
      expect(fall, 'lock lost after the slip').toBeGreaterThan(slipCycle);
      expect(fall, 'lock lost within three windows of the slip').toBeLessThan(slipCycle + 3 * 64 + 16);
      const relock = lock.indexOf(1, fall);
      expect(relock - fall, 'relocked one slip and 64 blocks after the loss').toBe(64);
      expect(lock.indexOf(0, relock), 'lock held after relocking').toBe(-1);
      // Before the slip reaches the receiver, blocks are intact; after relock, likewise to the end.
      expectRun(locked(rise, slipCycle), blocks, 'before the slip');
      expect(expectRun(locked(relock, lock.length), blocks, 'after relock'), 'the data ran on to its last block').toBe(blocks.length);
    }, { seed, numRuns: 4, wavesDir: wavesDir(task.file.filepath, task.name) });
  });
});
