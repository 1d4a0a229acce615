// The link protocol checker (tb/hsi/checker.ts) on the reference link (tb/hsi/ref_link.ts):
// random exchanges with corrupt frames and lost control blocks pass it, and every deliberately
// broken stream is flagged with the rule it breaks. Then the same through the RTL taps
// (tb/hdl/hsi_tap.sv behind hsi_scrambler, tb/hsi/hdl/hsi_tap_tb.sv): what the taps record
// equals the lanes' blocks less IDLE, a broken stream is flagged there too, and a tap behind a
// channel sees the lock lost and found again after a slip and a cut.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { AxisSource, ClockCycles, CoverGroup, simProperty, type Simulator } from '../../bridge/src/index.js';
import { seededTest, simTest, wavePath } from '../../bridge/src/vitest.js';
import { ackBlock, decodeBlocks, fcBlock, type Frame, frameBlocks, IDLE_BLOCK } from '../../models/hsi/frame.js';
import { AckBlock, BlockType, FcBlock, SofBlock, SyncHeader, Vc } from '../../models/hsi/hsi_pkg.js';
import { clockAndReset } from '../common/reset.js';
import { blockFrame } from './blocks.js';
import { LinkChecker } from './checker.js';
import type { HsiTapTbDut } from './gen/hsi_tap_tb.js';
import { refLink, type RefFrame, type RefLinkOptions, type RefLinkResult } from './ref_link.js';
import { LaneTap, tapBlocks, tapPins } from './tap.js';
import { hsiTapTb } from './tops.js';

const LATENCY = 12;
const TIMER = 256;
const checkerOptions = { latency: LATENCY, replayTimeout: TIMER, buffers: 4 };
const cov = new CoverGroup('hsi_checker');
/** Each rule the checker enforces, hit when a broken stream made it fire. */
const rules = cov.point<string>('rule flagged', Object.fromEntries(
  ['out of order', 'replay differs', 'replayed without', 'not sent', 'goes back', 'without a credit', 'beyond', 'second NAK', 'CRC', 'sync header', 'unfinished', 'cut by'].map((r) => [r, (m: string) => m.includes(r)]),
));

const frame = (n: number, vc: Vc, salt = 0): RefFrame => ({ vc, payload: Uint8Array.from({ length: n }, (_, i) => (i * 7 + n + salt) & 0xff) });
/** The fixed exchange the broken streams start from: every size bin, both vcs, credits run out on vc 0. */
const SIZES = [1, 7, 8, 9, 512, 516, 1023, 1024, 64, 100, 200, 300];
const BASE: RefLinkOptions = {
  ab: [...SIZES.map((n, i) => frame(n, (i % 2) as Vc)), ...Array.from({ length: 12 }, (_, i) => frame(16, Vc.Normal, i))],
  ba: SIZES.slice(0, 5).map((n) => frame(n, Vc.Firmware)),
  latency: LATENCY, replayTimeout: TIMER,
  // Transmission 3 is NAKed; 5, its replay, is corrupt too but a NAK is already out for that
  // error, so the timer replays it again.
  corrupt: { a: [3, 5] },
};
const base = refLink(BASE);

function check(laneA: readonly bigint[], laneB: readonly bigint[], options = checkerOptions): LinkChecker {
  const c = new LinkChecker(options);
  c.check(tapBlocks(laneA), tapBlocks(laneB));
  return c;
}

const fields = (b: bigint): bigint => (b >> 2n) & ((1n << 64n) - 1n);
const typeOf = (b: bigint): number => ((b & 3n) === BigInt(SyncHeader.Ctrl) ? Number(fields(b) & 0xffn) : -1);
const indices = (lane: readonly bigint[], type: BlockType): number[] => lane.flatMap((b, i) => (typeOf(b) === type ? [i] : []));
/** The frame whose SOF is at `i`, decoded. */
function frameAt(lane: readonly bigint[], i: number): Frame & { blocks: number } {
  const len = SofBlock.decode(fields(lane[i]!)).len;
  const n = Math.ceil(len / 8) + 2;
  const e = decodeBlocks(lane.slice(i, i + n))[0];
  if (e?.kind !== 'frame') throw new Error(`no frame at ${i}`);
  return { dst: e.frame.dst, src: e.frame.src, vc: e.frame.vc, seq: e.frame.seq, payload: e.frame.payload!, blocks: n };
}
function rewriteFrame(lane: bigint[], i: number, change: (f: Frame) => Frame): void {
  const f = frameAt(lane, i);
  lane.splice(i, f.blocks, ...frameBlocks(change(f)));
}
/** The frame at `i` replaced by IDLE blocks (as if never sent). */
function idleFrame(lane: bigint[], i: number): void {
  const n = frameAt(lane, i).blocks;
  lane.splice(i, n, ...Array<bigint>(n).fill(IDLE_BLOCK));
}
/** SOF positions of frames sent again (a seq seen before on the lane). */
function replays(lane: readonly bigint[]): number[] {
  const seen = new Set<number>();
  return indices(lane, BlockType.Sof).filter((i) => {
    const s = SofBlock.decode(fields(lane[i]!)).seq;
    return seen.has(s) || !seen.add(s);
  });
}
const ackSeq = (b: bigint): number => AckBlock.decode(fields(b)).seq;

/** Broken streams: each a change to the base exchange and the rule it must trip. */
const BROKEN: [string, (a: bigint[], b: bigint[]) => void, string][] = [
  ['a sequence number skipped', (a) => rewriteFrame(a, indices(a, BlockType.Sof)[2]!, (f) => ({ ...f, seq: f.seq + 1 })), 'out of order'],
  ['a replay that differs from the frame first sent', (a) => rewriteFrame(a, replays(a)[0]!, (f) => ({ ...f, payload: f.payload.map((x, k) => (k === 0 ? x ^ 1 : x)) })), 'replay differs'],
  ['a replay whose NAK was never sent', (_, b) => { b[indices(b, BlockType.Nak)[0]!] = IDLE_BLOCK; }, 'replayed without'],
  ['an ACK for a frame not sent', (_, b) => { const i = indices(b, BlockType.Ack)[0]!; b[i] = ackBlock(ackSeq(b[i]!) + 40); }, 'not sent'],
  ['an ACK that goes back', (_, b) => { const i = indices(b, BlockType.Ack).at(-1)!; b[i] = ackBlock(ackSeq(b[i]!) - 3); }, 'goes back'],
  ['FCs that never grant more than the first', (_, b) => {
    for (const i of indices(b, BlockType.Fc)) { const f = FcBlock.decode(fields(b[i]!)); if (f.vc === Vc.Normal) b[i] = fcBlock(f.vc, Math.min(f.credits, 4), f.init === 1); }
  }, 'without a credit'],
  ['an FC granting more buffers than there are', (_, b) => { const i = indices(b, BlockType.Fc)[0]!; const f = FcBlock.decode(fields(b[i]!)); b[i] = fcBlock(f.vc, f.credits + 10, f.init === 1); }, 'beyond'],
  ['a second NAK for one error', (_, b) => { const i = indices(b, BlockType.Nak)[0]!; b[b.indexOf(IDLE_BLOCK, i + 1)] = b[i]!; }, 'second NAK'],
  ['a data block with a flipped bit', (a) => { const i = indices(a, BlockType.Sof)[4]! + 3; a[i] = a[i]! ^ (1n << 17n); }, 'CRC'],
  ['a block with an invalid sync header', (a) => { const i = indices(a, BlockType.Sof)[1]! + 1; a[i] = a[i]! & ~3n; }, 'sync header'],
  ['a replay that skips its first frame', (a) => idleFrame(a, replays(a)[0]!), 'replayed without'],
  ['new frames before the replay is done', (a) => {
    // The replay after the NAK resends seq 3 and what followed it; drop the last of that run.
    const again = new Set(replays(a));
    const sofs = indices(a, BlockType.Sof);
    let k = sofs.findIndex((i) => again.has(i));
    while (again.has(sofs[k + 1]!)) k++;
    idleFrame(a, sofs[k]!);
  }, 'unfinished'],
  ['an ACK inside a frame', (a) => { const i = indices(a, BlockType.Sof)[5]! + 2; a[i] = ackBlock(0); }, 'cut by'],
];

describe('checker on the reference link', () => {
  seededTest('the base exchange passes: NAK and timer replays, credits used up on vc 0, both directions', () => {
    const c = check(base.laneA, base.laneB);
    c.assertClean();
    expect(base.deliveredB.map((p) => p.length)).toEqual(BASE.ab.map((f) => f.payload.length));
    expect(c.ab.stats).toMatchObject({ framesNew: BASE.ab.length, nakReplays: 1, timerReplays: 1, naks: 1 });
    expect(c.ab.stats.exhausted[Vc.Normal]).toBe(true);
    expect(c.ba.stats.framesNew).toBe(BASE.ba!.length);
  });

  for (const [what, breakIt, rule] of BROKEN) {
    seededTest(`flags ${what}`, () => {
      const a = [...base.laneA];
      const b = [...base.laneB];
      breakIt(a, b);
      const c = check(a, b);
      expect(c.violationCount, 'a violation').toBeGreaterThan(0);
      expect(c.violations.join('\n')).toContain(rule);
      for (const v of c.violations) rules.sample(v);
    });
  }

  seededTest('all-zero blocks (an endpoint Down) are a silence: the frame they cut and the block after them are dropped without an error; one bad header is an error', () => {
    const sof = indices(base.laneA, BlockType.Sof)[4]!;
    const lane = [...base.laneA.slice(0, sof + 3), ...Array<bigint>(20).fill(0n), 0x1234n << 2n | 1n, ...base.laneA.slice(sof + 3)];
    const d = tapBlocks(lane);
    expect(d.events.filter((e) => e.kind === 'silence').map((e) => e.kind)).toEqual(['silence']);
    expect(d.events.filter((e) => e.kind === 'error').map((e) => e.kind === 'error' && e.message).join('\n')).not.toMatch(/sync header|cut|unknown/);
    const one = [...base.laneA];
    one[sof + 3] = one[sof + 3]! & ~3n;
    expect(tapBlocks(one).events.some((e) => e.kind === 'error' && e.message.includes('sync header'))).toBe(true);
  });

  seededTest('flags a timer replay sooner than the timer (a checker told the timer is longer)', () => {
    const c = check(base.laneA, base.laneB, { ...checkerOptions, replayTimeout: 4 * TIMER });
    expect(c.violations.join('\n')).toMatch(/replayed without a NAK .* or a timer expiry/);
  });

  /** Random exchanges: frames both ways, corrupt transmissions, lost ACKs/NAKs/FCs. */
  const exchangeArb = fc.record({
    ab: fc.array(fc.tuple(fc.integer({ min: 1, max: 1024 }), fc.constantFrom(Vc.Normal, Vc.Firmware)), { minLength: 1, maxLength: 30 }),
    ba: fc.array(fc.tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom(Vc.Normal, Vc.Firmware)), { maxLength: 10 }),
    corruptA: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 3 }),
    corruptB: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 2 }),
    lostB: fc.uniqueArray(fc.integer({ min: 4, max: 60 }), { maxLength: 4 }),
  });

  seededTest('random exchanges with faults pass, deliver everything once and in order, and the checker counts the replays the link made (a timer replay after a lost NAK counts as the NAK replay)', ({ seed }) => {
    fc.assert(fc.property(exchangeArb, (x) => {
      const ab = x.ab.map(([n, vc], i) => frame(n, vc, i));
      const ba = x.ba.map(([n, vc], i) => frame(n, vc, 100 + i));
      let r: RefLinkResult;
      try {
        r = refLink({ ab, ba, latency: LATENCY, replayTimeout: TIMER, corrupt: { a: x.corruptA, b: x.corruptB }, lostControl: { b: x.lostB } });
      } catch (e) {
        // The reference link goes down when its replay budget runs out: not this test's case.
        fc.pre(!String(e).includes('would go down'));
        throw e;
      }
      expect(r.deliveredB).toEqual(ab.map((f) => f.payload));
      expect(r.deliveredA).toEqual(ba.map((f) => f.payload));
      const c = check(r.laneA, r.laneB);
      c.assertClean();
      const s = [c.ab.stats, c.ba.stats];
      expect(s[0]!.nakReplays + s[0]!.timerReplays + s[1]!.nakReplays + s[1]!.timerReplays).toBe(r.replays);
    }), { seed, numRuns: 60 });
  });
});

const rtl = simTest(hsiTapTb, { simTimeout: [1, 'ms'] });
const wavesDir = (file: string, name: string): string => path.dirname(wavePath(file, name));
/** Cycles of IDLE before the exchange, so both taps (and the channels' receivers) are locked. */
const LEAD = 64 + 4 * 66 + 16;

/** Drives both lanes from the reference link's blocks and returns the four taps' decoders. */
async function drive(sim: Simulator<HsiTapTbDut>, laneA: readonly bigint[], laneB: readonly bigint[], faults?: (dut: HsiTapTbDut) => Promise<void>) {
  const dut = sim.dut;
  dut.seed_i.value = 1;
  dut.a_ber_i.value = 0n;
  dut.b_ber_i.value = 0n;
  for (const s of [dut.a_drop_i, dut.a_slip_i, dut.a_cut_i, dut.b_drop_i, dut.b_slip_i, dut.b_cut_i]) s.value = 0;
  await clockAndReset(dut);
  const taps = (['tx_a', 'tx_b', 'rx_a', 'rx_b'] as const).map((p) => new LaneTap(sim as Simulator<unknown>, dut.clk_i, tapPins(dut, p)));
  await ClockCycles(dut.clk_i, LEAD);
  const srcA = AxisSource.fromPrefix(dut, 's_axis_a', dut.clk_i);
  const srcB = AxisSource.fromPrefix(dut, 's_axis_b', dut.clk_i);
  let last = srcA.send(blockFrame(laneA[0]!));
  for (const blk of laneA.slice(1)) last = srcA.send(blockFrame(blk));
  for (const blk of laneB) void srcB.send(blockFrame(blk));
  if (faults) await faults(dut);
  await last;
  await ClockCycles(dut.clk_i, 40);
  const [txA, txB, rxA, rxB] = await Promise.all(taps.map((t) => t.close()));
  return { txA: txA!, txB: txB!, rxA: rxA!, rxB: rxB! };
}

describe('checker through the RTL taps', () => {
  rtl('the taps record every block but IDLE, in order; the base exchange passes and a broken one is flagged', async ({ sim, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, fc.constantFrom(...BROKEN.map((_, i) => i)), async (k) => {
      const { txA, txB } = await drive(sim, base.laneA, base.laneB);
      for (const [d, lane] of [[txA, base.laneA], [txB, base.laneB]] as const) {
        const want = tapBlocks(lane).events.filter((e) => e.kind !== 'lock').map((e) => (e.kind === 'frame' ? { ...e.frame, sofAt: 0, eofAt: 0 } : e.kind === 'control' ? e.block : e.kind === 'error' ? e.message : e.kind));
        const got = d.events.filter((e) => e.kind !== 'lock').map((e) => (e.kind === 'frame' ? { ...e.frame, sofAt: 0, eofAt: 0 } : e.kind === 'control' ? e.block : e.kind === 'error' ? e.message : e.kind));
        expect(got).toEqual(want);
        expect(d.events.filter((e) => e.kind === 'lock')).toHaveLength(1);
        expect(d.idleCycles).toBeGreaterThan(0);
      }
      const c = new LinkChecker(checkerOptions);
      c.check(txA, txB);
      c.assertClean();
      expect(c.ab.stats).toMatchObject({ nakReplays: 1, timerReplays: 1 });
      // One broken exchange per case, through the same taps.
      const a = [...base.laneA];
      const b = [...base.laneB];
      BROKEN[k]![1](a, b);
      const broken = await drive(sim, a, b);
      const cb = new LinkChecker(checkerOptions);
      cb.check(broken.txA, broken.txB);
      expect(cb.violations.join('\n'), BROKEN[k]![0]).toContain(BROKEN[k]![2]);
    }, { seed, numRuns: 3, wavesDir: wavesDir(task.file.filepath, task.name) });
  });

  rtl('behind a channel, a tap loses lock after a slip or a cut and finds it again; the transmitters\' taps see nothing of it', async ({ sim }) => {
    const { txA, txB, rxA, rxB } = await drive(sim, base.laneA, base.laneB, async (dut) => {
      await ClockCycles(dut.clk_i, 100);
      dut.a_slip_i.value = 1;
      await ClockCycles(dut.clk_i, 1);
      dut.a_slip_i.value = 0;
      dut.b_cut_i.value = 1;
      await ClockCycles(dut.clk_i, 60);
      dut.b_cut_i.value = 0;
    });
    const locks = (d: typeof rxA): boolean[] => d.events.flatMap((e) => (e.kind === 'lock' ? [e.lock] : []));
    expect(locks(rxA)).toEqual([true, false, true]);
    expect(locks(rxB)).toEqual([true, false, true]);
    expect(locks(txA)).toEqual([true]);
    const c = new LinkChecker(checkerOptions);
    c.check(txA, txB);
    c.assertClean();
  });
});

describe('coverage', () => {
  seededTest('every rule of the checker was seen to fire', () => {
    cov.save();
    cov.assertAllHit();
  });
});
