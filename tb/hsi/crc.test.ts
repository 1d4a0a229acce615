// The HSI's CRCs: catalogue check values, the beat model against the byte-wise CRC, the CRC-16's
// distance on a control block (why it was chosen), and hsi_crc32_64 / hsi_crc16_ctrl against the
// models on random messages cut into beats of every byte count.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AxisSource, simProperty, type Simulator } from '../../bridge/src/index.js';
import { seededTest, simTest, wavePath } from '../../bridge/src/vitest.js';
import { crc16Dnp, crc32 } from '../../models/common/crc.js';
import { CTRL_CRC_DATA_BITS, HsiCrc32x64, crc16Ctrl } from '../../models/hsi/crc.js';
import { clockAndReset } from '../common/reset.js';
import { hex } from '../common/hex.js';
import { collect } from './blocks.js';
import { hsiCrcTb } from './tops.js';

const check = new TextEncoder().encode('123456789');
const word = (bytes: ArrayLike<number>): bigint => Array.from(bytes).reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);

/** A message cut into beats of 1..8 bytes. */
const beatsArb = fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 40 });

describe('model', () => {
  test('check values: CRC-32 CBF43926h in beats of 8 and 1 bytes, CRC-16/DNP EA82h', () => {
    const c = new HsiCrc32x64();
    c.step({ init: true, data: word(check.subarray(0, 8)) });
    expect(hex(c.step({ data: word(check.subarray(8)), bytes: 1 }), 8)).toBe('0xcbf43926');
    expect(hex(crc16Dnp(check), 4)).toBe('0xea82');
    expect(new HsiCrc32x64().crc).toBe(0);
  });

  seededTest('beats of any byte count give the CRC of their bytes', ({ seed }) => {
    fc.assert(
      fc.property(beatsArb, (beats) => {
        const c = new HsiCrc32x64();
        beats.forEach((b, i) => c.step({ init: i === 0, data: word(b), bytes: b.length }));
        c.step({ valid: false, data: 0n });
        expect(hex(c.crc, 8)).toBe(hex(crc32(Uint8Array.from(beats.flatMap((b) => [...b]))), 8));
      }),
      { seed, numRuns: 300 },
    );
  });

  /** The smallest number of flipped bits of a 64-bit control payload (data and CRC) that the CRC misses. */
  function distance(linear: (bit: number) => number): number {
    const n = CTRL_CRC_DATA_BITS + 16;
    const syn = Array.from({ length: n }, (_, j) => (j < CTRL_CRC_DATA_BITS ? linear(j) : 1 << (j - CTRL_CRC_DATA_BITS)));
    if (syn.includes(0)) return 1;
    if (new Set(syn).size < n) return 2;
    const pairs = new Map<number, number[][]>();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.set(syn[i]! ^ syn[j]!, [...(pairs.get(syn[i]! ^ syn[j]!) ?? []), [i, j]]);
    const disjoint = (a: number[], b: number[]): boolean => a.every((x) => !b.includes(x));
    for (let k = 0; k < n; k++) for (const p of pairs.get(syn[k]!) ?? []) if (!p.includes(k)) return 3;
    for (const ps of pairs.values()) for (let a = 0; a < ps.length; a++) for (let b = a + 1; b < ps.length; b++) if (disjoint(ps[a]!, ps[b]!)) return 4;
    const triples = new Map<number, number[][]>();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) for (let k = j + 1; k < n; k++) {
      const s = syn[i]! ^ syn[j]! ^ syn[k]!;
      for (const p of pairs.get(s) ?? []) if (disjoint(p, [i, j, k])) return 5;
      triples.set(s, [...(triples.get(s) ?? []), [i, j, k]]);
    }
    for (const ts of triples.values()) for (let a = 0; a < ts.length; a++) for (let b = a + 1; b < ts.length; b++) if (disjoint(ts[a]!, ts[b]!)) return 6;
    return 7;
  }

  test('the control CRC misses no error of up to 5 bits in a 64-bit payload (distance 6); CCITT\'s 1021h misses some of 4', () => {
    const zero = crc16Ctrl(0n);
    expect(distance((j) => crc16Ctrl(1n << BigInt(j)) ^ zero)).toBe(6);
    // CRC-16/IBM-3740 (CCITT-FALSE), the obvious alternative: MSB first, poly 1021h.
    const ccitt = (j: number): number => {
      let r = 0;
      for (let b = CTRL_CRC_DATA_BITS - 1; b >= 0; b--) {
        const fb = ((r >> 15) & 1) ^ (b === j ? 1 : 0);
        r = ((r << 1) & 0xffff) ^ (fb ? 0x1021 : 0);
      }
      return r;
    };
    expect(distance(ccitt)).toBe(4);
  });
});

const rtl = simTest(hsiCrcTb, { simTimeout: [1, 'ms'] });
const wavesDir = (file: string, name: string): string => path.dirname(wavePath(file, name));

describe('RTL', () => {
  rtl('hsi_crc32_64 gives CBF43926h for "123456789" and the model\'s CRC after every frame of random messages; hsi_crc16_ctrl the model\'s on every beat', async ({ sim, seed, task }) => {
    // Messages of frames; a frame's last beat carries 1..8 bytes, so the beats of a message do too.
    const messages = fc.array(fc.array(fc.uint8Array({ minLength: 1, maxLength: 40, size: 'max' }), { minLength: 1, maxLength: 4, size: 'max' }), { minLength: 1, maxLength: 30, size: 'max' });
    await simProperty(sim as Simulator<unknown>, messages, async (msgs) => {
      const dut = sim.dut;
      await clockAndReset(dut);
      const all = [[check], ...msgs];
      const frames = all.flatMap((m) => m.map((data, i) => ({ data, dest: i === 0 ? 0 : 1 })));
      const beats = frames.reduce((n, f) => n + Math.ceil(f.data.length / 8), 0);
      const crcs = collect(sim as Simulator<unknown>, dut.clk_i, [dut.crc32_o], frames.length, [dut.frame_done_o]);
      const ctrl = collect(sim as Simulator<unknown>, dut.clk_i, [dut.s_axis_tdata_i, dut.crc16_o], beats, [dut.s_axis_tvalid_i]);
      const src = AxisSource.fromPrefix(dut, 's_axis', dut.clk_i, { throttle: { probability: 0.7, seed } });
      for (const f of frames) void src.send(f);
      const got = await crcs();
      let k = 0;
      for (const m of all) {
        let so = new Uint8Array(0);
        for (const f of m) {
          so = Uint8Array.from([...so, ...f]);
          expect(hex(got.column(dut.crc32_o)[k]!, 8), `CRC-32 after frame ${k} (${so.length} bytes of the message)`).toBe(hex(crc32(so), 8));
          k++;
        }
      }
      expect(hex(got.column(dut.crc32_o)[0]!, 8)).toBe('0xcbf43926');
      const b = await ctrl();
      for (let i = 0; i < beats; i++) {
        const d = b.value(dut.s_axis_tdata_i, i) as bigint;
        expect(hex(b.column(dut.crc16_o)[i]!, 4), `CRC-16 of beat ${i} (${d.toString(16)})`).toBe(hex(crc16Ctrl(d & ((1n << 48n) - 1n)), 4));
      }
    }, { seed, numRuns: 10, wavesDir: wavesDir(task.file.filepath, task.name) });
  });
});
