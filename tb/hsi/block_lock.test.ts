// Block lock (802.3 figure 49-14 on one block per cycle): lock from every initial bit offset in
// bounded time, loss at the 16th bad header of a window and none with 15, relock after a slip of
// the lane, and hsi_block_lock against the model cycle by cycle on random fault patterns.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { AxisSource, CoverGroup, simProperty, type Simulator, type Throttle } from '../../bridge/src/index.js';
import { simTest, wavePath } from '../../bridge/src/vitest.js';
import { HsiBlockLock } from '../../models/hsi/block_lock.js';
import { HsiScrambler } from '../../models/hsi/scrambler.js';
import { clockAndReset } from '../common/reset.js';
import { blockAt, collect, laneBits, rawWords, sendBlocks, validBlockArb } from './blocks.js';
import type { HsiLockTbDut } from './gen/hsi_lock_tb.js';
import { hsiLockTb } from './tops.js';

const test = simTest(hsiLockTb, { simTimeout: [1, 'ms'] });
type Sim = Simulator<HsiLockTbDut>;
const wavesDir = (file: string, name: string): string => path.dirname(wavePath(file, name));
const hex = (x: bigint): string => `0x${x.toString(16)}`;

const cov = new CoverGroup('hsi_block_lock');
const transitions = cov.point<string>('lock', { locked: (t) => t === 'rise', lost: (t) => t === 'fall', relocked: (t) => t === 'relock' });
const idle = cov.point<boolean>('idle_cycles_while_testing', { yes: (b) => b });

/** Lock within this many blocks from any offset (README: 64 after the last slip, plus the hunt). */
const LOCK_BOUND = 64 + 4 * 66;

/** Scrambled blocks with valid headers, as a transmitter sends them. */
const laneArb = (min: number, max: number): fc.Arbitrary<bigint[]> =>
  fc.array(validBlockArb, { minLength: min, maxLength: max, size: 'max' }).map((bs) => {
    const s = new HsiScrambler();
    return bs.map((b) => s.block(b));
  });

/** Feeds raw words (throttled) and collects `n` records of the outputs, every valid one. */
async function run(sim: Sim, raw: readonly bigint[], n: number, throttle?: Throttle): Promise<{ block: bigint[]; lock: boolean[] }> {
  const dut = sim.dut;
  await clockAndReset(dut);
  const out = collect(sim as Simulator<unknown>, dut.clk_i, [dut.block_o, dut.lock_o], n, [dut.valid_o]);
  void sendBlocks(AxisSource.fromPrefix(dut, 's_axis', dut.clk_i, throttle ? { throttle } : {}), raw);
  const b = await out();
  return { block: Array.from({ length: b.length }, (_, i) => blockAt(b, dut.block_o, i)), lock: Array.from(b.column(dut.lock_o), (x) => x === 1) };
}

/** Header corrupted to 00 or 11 (one of its bits flipped). */
const badHeader = (b: bigint, which: number): bigint => b ^ (1n << BigInt(which & 1));

describe('hsi_block_lock', () => {
  test('locks from every initial bit offset within the bound, 64 blocks after its last slip, on the true boundary', async ({ sim, seed }) => {
    const [lane] = fc.sample(laneArb(LOCK_BOUND + 66, LOCK_BOUND + 66), { seed, numRuns: 1 });
    const bits = laneBits(lane!);
    const times: number[] = [];
    for (let skip = 0; skip < 66; skip++) {
      await sim.restart();
      const raw = rawWords(bits, skip);
      const { block, lock } = await run(sim, raw, LOCK_BOUND + 2);
      const at = lock.indexOf(true);
      expect(at, `lock from offset ${skip} within ${LOCK_BOUND} blocks`).toBeGreaterThanOrEqual(63);
      times.push(at + 1);
      // Output k is the window over raw k and k + 1: on the boundary, transmitted block k (or
      // k + 1 when the lane began inside block 0), for the 64 blocks before the lock too (the
      // last slip came just before them) and every one after.
      const truth = lane!.slice(skip === 0 ? 0 : 1);
      for (let k = at - 63; k < block.length; k++) expect(hex(block[k]!), `offset ${skip}, output ${k}`).toBe(hex(truth[k]!));
      expect(lock.slice(at).every(Boolean), `offset ${skip}: lock holds`).toBe(true);
    }
    console.info(`block lock from each of 66 offsets: mean ${(times.reduce((a, b) => a + b) / 66).toFixed(1)}, max ${Math.max(...times)} blocks (seed ${seed})`);
  });

  test('loses lock at the 16th bad header of a window; 15 in each of two windows do not', async ({ sim, seed, task }) => {
    const windowArb = (k: number) => fc.uniqueArray(fc.nat(63), { minLength: k, maxLength: k });
    const caseArb = fc.oneof(
      fc.record({ lose: fc.constant(true), w1: windowArb(16), w2: fc.constant([] as number[]) }),
      fc.record({ lose: fc.constant(false), w1: windowArb(15), w2: windowArb(15) }),
    );
    await simProperty(sim as Simulator<unknown>, fc.tuple(laneArb(64 * 4, 64 * 4), caseArb, fc.nat()), async ([lane, c, which]) => {
      // Lock on blocks 0..63; windows then run over 64..127 and 128..191.
      const bad = new Set([...c.w1.map((p) => 64 + p), ...c.w2.map((p) => 128 + p)]);
      const raw = lane.map((b, i) => (bad.has(i) ? badHeader(b, which + i) : b));
      // One word more: a block is tested when the word after it arrives.
      const { lock } = await run(sim, [...raw, 0n], lane.length);
      expect(lock.indexOf(true), 'locked on the 64th good header').toBe(63);
      const sixteenth = [...bad].sort((a, b) => a - b)[15];
      const drop = lock.indexOf(false, 64);
      if (c.lose) expect(drop, `lost at the 16th bad header (block ${sixteenth})`).toBe(sixteenth);
      else expect(drop, 'never lost').toBe(-1);
    }, { seed, numRuns: 30, wavesDir: wavesDir(task.file.filepath, task.name) });
  });

  test('after a one-bit slip of the lane, loses lock and relocks 64 blocks later on the new boundary', async ({ sim, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, fc.tuple(laneArb(700, 700), fc.integer({ min: 70 * 66, max: 120 * 66 }), fc.boolean()), async ([lane, at, insert]) => {
      const bits = laneBits(lane);
      // Insert a bit (as hsi_channel's slip does) or delete one: the boundary moves one bit either way.
      const slipped = insert ? Uint8Array.from([...bits.subarray(0, at), bits[at]!, ...bits.subarray(at)]) : Uint8Array.from([...bits.subarray(0, at), ...bits.subarray(at + 1)]);
      const raw = rawWords(slipped);
      const { block, lock } = await run(sim, raw, raw.length - 1);
      const slipBlock = Math.floor(at / 66);
      const lost = lock.indexOf(false, 64);
      expect(lock.indexOf(true), 'locked before the slip').toBe(63);
      // The slip's window and two whole ones: 16 of 64 random headers are bad but for ~1e-5.
      expect(lost, 'lock lost after the slip').toBeGreaterThan(slipBlock - 1);
      expect(lost, 'lock lost within three windows').toBeLessThanOrEqual(slipBlock + 3 * 64);
      const relock = lock.indexOf(true, lost);
      // Inserted: one slip finds the boundary; deleted: up to 65 (one per wrong offset).
      if (insert) expect(relock, `relocked 64 blocks after the loss at ${lost}`).toBe(lost + 64);
      else expect(relock, 'relocked within the bound').toBeLessThanOrEqual(lost + LOCK_BOUND);
      // After relock every block is a transmitted one, in order.
      const j = lane.indexOf(block[relock]!);
      expect(j, 'block at relock was transmitted').toBeGreaterThan(0);
      for (let k = relock; k < block.length && j + k - relock < lane.length; k++) expect(hex(block[k]!), `output ${k}`).toBe(hex(lane[j + k - relock]!));
    }, { seed, numRuns: 12, wavesDir: wavesDir(task.file.filepath, task.name) });
  });

  test('matches the model cycle by cycle on random fault patterns, offsets and idle cycles', async ({ sim, seed, task }) => {
    const faultArb = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('bad', 'flip', 'insert', 'delete', 'burst'),
    });
    const arb = fc.tuple(laneArb(200, 1200), fc.nat(65), fc.array(faultArb, { maxLength: 40, size: 'max' }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }));
    await simProperty(sim as Simulator<unknown>, arb, async ([lane, skip, faults, pattern]) => {
      let bits = Array.from(laneBits(lane));
      for (const f of faults) {
        const at = f.at % bits.length;
        const h = at - (at % 66);
        if (f.kind === 'bad') bits[h] = bits[h]! ^ 1;
        else if (f.kind === 'flip') bits[at] = bits[at]! ^ 1;
        else if (f.kind === 'insert') bits.splice(at, 0, 1);
        else if (f.kind === 'delete') bits.splice(at, 1);
        else for (let k = 0; k < 32 * 66 && h + k < bits.length; k += 66) bits[h + k] = bits[h + k]! ^ 1;  // 16 in one window at least
      }
      const raw = rawWords(Uint8Array.from(bits), skip);
      const dut = sim.dut;
      await clockAndReset(dut);
      const n = raw.length + 4;
      const rec = collect(sim as Simulator<unknown>, dut.clk_i, [dut.s_axis_tvalid_i, dut.s_axis_tdata_i, dut.s_axis_tdest_i, dut.valid_o, dut.block_o, dut.lock_o], n);
      void sendBlocks(AxisSource.fromPrefix(dut, 's_axis', dut.clk_i, { throttle: { pattern: [true, ...pattern] } }), raw);
      const b = await rec();
      const model = new HsiBlockLock();
      const valid = b.column(dut.s_axis_tvalid_i);
      const dest = b.column(dut.s_axis_tdest_i);
      const vo = b.column(dut.valid_o);
      const lo = b.column(dut.lock_o);
      let fell = false;
      for (let i = 0; i < b.length; i++) {
        const want = model.outputs;
        const at = `cycle ${b.cycles[i]}`;
        expect(vo[i] === 1, `valid_o at ${at}`).toBe(want.valid);
        expect(lo[i] === 1, `lock_o at ${at}`).toBe(want.lock);
        expect(hex(blockAt(b, dut.block_o, i)), `block_o at ${at}`).toBe(hex(want.block));
        if (i > 0 && lo[i] !== lo[i - 1]) {
          transitions.sample(lo[i] ? (fell ? 'relock' : 'rise') : 'fall');
          fell ||= !lo[i];
        }
        if (!valid[i] && i > valid.indexOf(1) && i < valid.lastIndexOf(1)) idle.sample(true);
        model.step(valid[i] === 1, ((b.value(dut.s_axis_tdata_i, i) as bigint) << 2n) | BigInt(dest[i]!));
      }
    }, { seed, numRuns: 15, wavesDir: wavesDir(task.file.filepath, task.name) });
  });
});

describe('coverage', () => {
  test('every bin of this file was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
