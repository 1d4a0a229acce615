// models/hsi/frame.ts: frames and control blocks encode to what the formats say and decode back;
// every malformed stream is reported; the EOF CRC-32 and the control CRC-16 are what
// hsi_crc32_64 and hsi_crc16_ctrl compute on the same bytes.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { AxisSource, simProperty, type Simulator } from '../../bridge/src/index.js';
import { seededTest, simTest, wavePath } from '../../bridge/src/vitest.js';
import { crc32 } from '../../models/common/crc.js';
import { crc16Ctrl } from '../../models/hsi/crc.js';
import { type ControlBlock, ackBlock, decodeBlocks, fcBlock, type Frame, frameBlockCount, frameBlocks, frameCrc, IDLE_BLOCK, lastCount, nakBlock, sofWord } from '../../models/hsi/frame.js';
import { BlockType, EofBlock, MAX_FRAME_BYTES, SofBlock, SyncHeader, Vc } from '../../models/hsi/hsi_pkg.js';
import { clockAndReset } from '../common/reset.js';
import { hex } from '../common/hex.js';
import { collect } from './blocks.js';
import { hsiCrcTb } from './tops.js';

const M64 = (1n << 64n) - 1n;
const payloadOf = (block: bigint): bigint => (block >> 2n) & M64;

/** Random frames, sizes weighted to the edges the coverage asks for. */
export const frameArb: fc.Arbitrary<Frame> = fc.record({
  dst: fc.integer({ min: 0, max: 255 }),
  src: fc.integer({ min: 0, max: 255 }),
  vc: fc.constantFrom(Vc.Normal, Vc.Firmware),
  seq: fc.integer({ min: 0, max: 4095 }),
  payload: fc.oneof(fc.constantFrom(1, 7, 8, 9, 512, 516, 1023, 1024), fc.integer({ min: 1, max: MAX_FRAME_BYTES })).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
});

const errors = (blocks: readonly bigint[]): string[] => decodeBlocks(blocks).flatMap((e) => (e.kind === 'error' ? [e.message] : []));

describe('encode and decode', () => {
  seededTest('a frame is SOF, ceil(len/8) data blocks, EOF, and decodes back bit-exact with a good CRC', ({ seed }) => {
    fc.assert(fc.property(frameArb, (f) => {
      const blocks = frameBlocks(f);
      expect(blocks.length).toBe(frameBlockCount(f.payload.length));
      expect(blocks.map((b) => Number(b & 3n))).toEqual([SyncHeader.Ctrl, ...Array<number>(blocks.length - 2).fill(SyncHeader.Data), SyncHeader.Ctrl]);
      const sof = SofBlock.decode(payloadOf(blocks[0]!));
      expect(sof).toEqual({ btype: BlockType.Sof, dst: f.dst, src: f.src, vc: f.vc, seq: f.seq, len: f.payload.length, ftype: 0 });
      // Data blocks little-endian, byte 0 = bits [7:0], the last padded with zeros.
      const bytes = blocks.slice(1, -1).flatMap((b) => Array.from({ length: 8 }, (_, i) => Number((payloadOf(b) >> BigInt(8 * i)) & 0xffn)));
      expect(bytes.slice(f.payload.length).every((x) => x === 0)).toBe(true);
      expect(Uint8Array.from(bytes.slice(0, f.payload.length))).toEqual(f.payload);
      const eof = EofBlock.decode(payloadOf(blocks.at(-1)!));
      expect(eof.count).toBe(lastCount(f.payload.length));
      // The CRC-32 over the SOF's 8 bytes then the payload, by the byte-wise reference.
      const sofBytes = Array.from({ length: 8 }, (_, i) => Number((payloadOf(blocks[0]!) >> BigInt(8 * i)) & 0xffn));
      expect(hex(eof.crc, 8)).toBe(hex(crc32(Uint8Array.from([...sofBytes, ...f.payload])), 8));
      const ev = decodeBlocks(blocks);
      expect(ev).toHaveLength(1);
      const got = ev[0]!;
      if (got.kind !== 'frame') throw new Error(`decoded ${got.kind}`);
      expect(got.frame).toMatchObject({ dst: f.dst, src: f.src, vc: f.vc, seq: f.seq, len: f.payload.length, crcOk: true, sofAt: 0, eofAt: blocks.length - 1 });
      expect(got.frame.payload).toEqual(f.payload);
    }), { seed, numRuns: 200 });
  });

  seededTest('control blocks decode back; a flip of any 1 to 3 of their 66 bits never yields another valid block', ({ seed }) => {
    const ctrlArb: fc.Arbitrary<{ block: bigint; want: ControlBlock }> = fc.oneof(
      fc.integer({ min: 0, max: 4095 }).map((seq) => ({ block: ackBlock(seq), want: { type: BlockType.Ack, seq } as ControlBlock })),
      fc.integer({ min: 0, max: 4095 }).map((seq) => ({ block: nakBlock(seq), want: { type: BlockType.Nak, seq } as ControlBlock })),
      fc.tuple(fc.constantFrom(Vc.Normal, Vc.Firmware), fc.integer({ min: 0, max: 4095 }), fc.boolean()).map(([vc, credits, init]) => ({ block: fcBlock(vc, credits, init), want: { type: BlockType.Fc, vc, credits, init } as ControlBlock })),
      fc.constant({ block: IDLE_BLOCK, want: { type: BlockType.Idle } as ControlBlock }),
    );
    const flips = fc.uniqueArray(fc.integer({ min: 0, max: 65 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(ctrlArb, flips, ({ block, want }, bits) => {
      expect(decodeBlocks([block])).toEqual([{ kind: 'control', block: want, at: 0 }]);
      const bad = bits.reduce((b, j) => b ^ (1n << BigInt(j)), block);
      expect(decodeBlocks([bad]).map((e) => e.kind), `flipped bits ${bits.join(', ')}`).toEqual(['error']);
    }), { seed, numRuns: 500 });
  });

  seededTest('a flipped payload bit of a frame fails its CRC-32; its header, count or data layout are reported', ({ seed }) => {
    fc.assert(fc.property(frameArb, fc.nat(), (f, pick) => {
      const blocks = frameBlocks(f);
      const k = 1 + (pick % (blocks.length - 2));
      const n = k === blocks.length - 2 ? lastCount(f.payload.length) : 8;
      const flipped = [...blocks];
      flipped[k] = blocks[k]! ^ (1n << BigInt(2 + (pick % (8 * n))));
      const ev = decodeBlocks(flipped);
      expect(ev.map((e) => (e.kind === 'frame' ? e.frame.crcOk : e.kind))).toEqual([false]);
    }), { seed, numRuns: 200 });
  });

  const f9: Frame = { dst: 1, src: 2, vc: Vc.Firmware, seq: 77, payload: Uint8Array.from({ length: 9 }, (_, i) => i + 1) };
  const b9 = frameBlocks(f9);
  const withCount = (count: number): bigint => {
    const e = EofBlock.decode(payloadOf(b9[3]!));
    return (EofBlock.encode({ ...e, count }) << 2n) | BigInt(SyncHeader.Ctrl);
  };
  const cases: [string, bigint[], RegExp][] = [
    ['a data block outside a frame', [b9[1]!], /data block outside a frame/],
    ['an EOF outside a frame', [b9[3]!], /EOF outside a frame/],
    ['a missing data block', [b9[0]!, b9[1]!, b9[3]!], /EOF after 1 data blocks, len 9 needs 2/],
    ['a data block too many', [b9[0]!, b9[1]!, b9[2]!, b9[2]!, b9[3]!], /data block 3 of a 9-byte frame/],
    ['an EOF count that disagrees with len', [b9[0]!, b9[1]!, b9[2]!, withCount(2)], /EOF count 2, len 9 needs 1/],
    ['padding past len not zero', [b9[0]!, b9[1]!, b9[2]! | (1n << 20n), b9[3]!], /past len 9 .* not zero/],
    ['an SOF inside a frame', [b9[0]!, b9[1]!, ...b9], /cut by an SOF/],
    ['a control block inside a frame', [b9[0]!, ackBlock(3), b9[1]!, b9[2]!, b9[3]!], /cut by a Ack block/],
    ['an invalid sync header', [payloadOf(b9[1]!) << 2n], /invalid sync header 00/],
    ['an unknown type', [(0x55n << 2n) | 1n], /unknown control block type 0x55/],
    ['an SOF with len 0', [(SofBlock.encode({ btype: BlockType.Sof, dst: 0, src: 0, vc: 0, seq: 0, len: 0, ftype: 0 }) << 2n) | 1n], /SOF with len 0/],
    ['reserved bits in an SOF', [b9[0]! | (1n << 62n), b9[1]!, b9[2]!, b9[3]!], /reserved bits set/],
    ['reserved bits in an ACK (with a good CRC-16)', [(() => { const w = payloadOf(ackBlock(5)) & ((1n << 48n) - 1n) | (1n << 30n); return (((BigInt(crc16Ctrl(w)) << 48n) | w) << 2n) | 1n; })()], /reserved bits set/],
  ];
  for (const [what, blocks, msg] of cases) {
    seededTest(`reported: ${what}`, () => {
      expect(errors(blocks).join('\n')).toMatch(msg);
    });
  }

  seededTest('frameCrc and sofWord agree with the encoder; a len outside 1..1024 is refused', () => {
    expect(frameCrc(sofWord(f9, 9), f9.payload)).toBe(EofBlock.decode(payloadOf(b9[3]!)).crc);
    expect(() => frameBlocks({ ...f9, payload: new Uint8Array(0) })).toThrow(/1\.\.1024/);
    expect(() => frameBlocks({ ...f9, payload: new Uint8Array(1025) })).toThrow(/1\.\.1024/);
  });
});

const rtl = simTest(hsiCrcTb, { simTimeout: [1, 'ms'] });
const wavesDir = (file: string, name: string): string => path.dirname(wavePath(file, name));

describe('against the RTL CRC units', () => {
  rtl('hsi_crc32_64 over a frame\'s SOF word and payload gives its EOF CRC; hsi_crc16_ctrl gives every control block\'s CRC-16', async ({ sim, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, fc.array(frameArb, { minLength: 1, maxLength: 6 }), async (frames) => {
      const dut = sim.dut;
      await clockAndReset(dut);
      // One message per frame: the SOF's 8 bytes, then the payload (a frame of tdest 1 goes on).
      const beats = frames.flatMap((f) => [{ data: Uint8Array.from({ length: 8 }, (_, i) => Number((sofWord(f, f.payload.length) >> BigInt(8 * i)) & 0xffn)), dest: 0 }, { data: f.payload, dest: 1 }]);
      const ctrl = [ackBlock(frames[0]!.seq), nakBlock(frames[0]!.seq ^ 0xfff), fcBlock(frames[0]!.vc, frames[0]!.seq, true), IDLE_BLOCK];
      const crcs = collect(sim as Simulator<unknown>, dut.clk_i, [dut.crc32_o], ctrl.length + beats.length, [dut.frame_done_o]);
      const c16 = collect(sim as Simulator<unknown>, dut.clk_i, [dut.s_axis_tdata_i, dut.crc16_o], ctrl.length, [dut.s_axis_tvalid_i]);
      const src = AxisSource.fromPrefix(dut, 's_axis', dut.clk_i, { throttle: { probability: 0.8, seed } });
      // The control blocks first, each a one-beat message of its own.
      for (const b of ctrl) void src.send({ data: Uint8Array.from({ length: 8 }, (_, i) => Number((payloadOf(b) >> BigInt(8 * i)) & 0xffn)), dest: 0 });
      for (const b of beats) void src.send(b);
      const c = await c16();
      ctrl.forEach((b, i) => expect(hex(c.column(dut.crc16_o)[i]!, 4), `CRC-16 of ${BlockType[Number(payloadOf(b) & 0xffn)]}`).toBe(hex(Number(payloadOf(b) >> 48n), 4)));
      const got = await crcs();
      frames.forEach((f, k) => {
        const eof = EofBlock.decode(payloadOf(frameBlocks(f).at(-1)!));
        // Records: the control blocks' four, then two per frame (after its SOF, after its payload).
        expect(hex(got.column(dut.crc32_o)[ctrl.length + 2 * k + 1]!, 8), `frame ${k} (${f.payload.length} bytes)`).toBe(hex(eof.crc, 8));
      });
    }, { seed, numRuns: 6, wavesDir: wavesDir(task.file.filepath, task.name) });
  });
});
