// The lane channel (tb/hdl/hsi_channel.sv): its gap sampler's statistics down to a BER of 1e-9
// (model), the RTL bit for bit against the model under random faults and commands, the BER it
// measures on the lane, and drops, slips, cuts and latency against their definitions.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ClockCycles, SampledStream, simProperty, type Simulator } from '../../bridge/src/index.js';
import { seededTest, simTest, wavePath } from '../../bridge/src/vitest.js';
import { clockAndReset } from '../common/reset.js';
import { M66, blockAt, collect, popcount } from './blocks.js';
import type { HsiChannelTbDut } from './gen/hsi_channel_tb.js';
import { HsiChannel, berRate, blockRate, geometricGap, xorshift64 } from './hsi_channel.js';
import { hsiChannelTb } from './tops.js';

const LATENCY = 3;  // hsi_channel_tb's
const hex = (x: bigint): string => `0x${x.toString(16)}`;
/** hsi_channel_tb's lane: block n = {~n, n, 2'b10}. */
const pattern = (n: number): bigint => {
  const c = BigInt(n >>> 0);
  return ((~c & 0xffffffffn) << 34n) | (c << 2n) | 2n;
};

describe('gap sampler (model)', () => {
  seededTest('gaps are geometric: mean (1 - p) / p and median -1 / log2(1 - p) within 5 sigma, at 1e-9 and 1e-3', ({ seed }) => {
    for (const [p, n] of [[1e-9, 20000], [1e-3, 20000]] as const) {
      const rate = berRate(p);
      let u = xorshift64(BigInt(seed) + 1n);
      let sum = 0;
      let below = 0;
      const median = Math.log(2) / -Math.log1p(-p);
      for (let i = 0; i < n; i++) {
        u = xorshift64(u);
        const g = Number(geometricGap(u, rate));
        sum += g;
        if (g < median - 0.5) below++;
      }
      const mean = (1 - p) / p;
      const sd = Math.sqrt(1 - p) / p / Math.sqrt(n);
      expect(Math.abs(sum / n - mean), `mean gap at ${p}: ${sum / n} vs ${mean}`).toBeLessThan(5 * sd);
      expect(Math.abs(below / n - 0.5), `share below the median at ${p}`).toBeLessThan(5 * Math.sqrt(0.25 / n));
    }
  });

  test('ber_i encodes -log2(1 - BER) to 48 fractional bits (relative error below 1e-5 at 1e-9)', () => {
    expect(berRate(0)).toBe(0n);
    const r = Number(berRate(1e-9)) / 2 ** 48;
    expect(Math.abs(r / (1e-9 / Math.LN2) - 1)).toBeLessThan(1e-5);
    expect(() => berRate(0.5)).toThrow(RangeError);
  });
});

const rtl = simTest(hsiChannelTb, { simTimeout: [50, 'ms'] });
type Dut = HsiChannelTbDut;
const wavesDir = (file: string, name: string): string => path.dirname(wavePath(file, name));

/** Sets the configuration, then clock and reset (the generators start from seed_i after it). */
async function start(sim: Simulator<Dut>, cfg: { seed?: number; ber?: bigint; dropRate?: number; slipRate?: number } = {}): Promise<Dut> {
  const dut = sim.dut;
  dut.seed_i.value = cfg.seed ?? 0;
  dut.ber_i.value = cfg.ber ?? 0n;
  dut.drop_rate_i.value = cfg.dropRate ?? 0;
  dut.slip_rate_i.value = cfg.slipRate ?? 0;
  dut.drop_i.value = 0;
  dut.slip_i.value = 0;
  dut.cut_i.value = 0;
  await clockAndReset(dut);
  return dut;
}

describe('hsi_channel', () => {
  rtl('matches the model bit for bit under random flips, drops, slips and commands', async ({ sim, seed, task }) => {
    const cfgArb = fc.record({
      seed: fc.nat(),
      ber: fc.constantFrom(0, 1e-2, 1e-3, 1e-4).map(berRate),
      dropRate: fc.constantFrom(0, 0.01, 0.1).map(blockRate),
      slipRate: fc.constantFrom(0, 0.005, 0.05).map(blockRate),
    });
    const cmdArb = fc.array(fc.record({ wait: fc.integer({ min: 1, max: 300 }), kind: fc.constantFrom('drop_i', 'slip_i', 'cut_i') as fc.Arbitrary<'drop_i' | 'slip_i' | 'cut_i'>, len: fc.integer({ min: 1, max: 40 }) }), { maxLength: 8 });
    await simProperty(sim as Simulator<unknown>, fc.tuple(cfgArb, cmdArb), async ([cfg, cmds]) => {
      const dut = await start(sim, cfg);
      const n = 3000;
      const rec = collect(sim as Simulator<unknown>, dut.clk_i, [dut.cnt_o, dut.drop_i, dut.slip_i, dut.cut_i, dut.valid_o, dut.lane_o, dut.flips_o, dut.drops_o, dut.slips_o], n);
      for (const c of cmds) {
        await ClockCycles(dut.clk_i, c.wait);
        dut[c.kind].value = 1;
        await ClockCycles(dut.clk_i, c.kind === 'cut_i' ? c.len : 1);
        dut[c.kind].value = 0;
      }
      const b = await rec();
      const model = new HsiChannel({ latency: LATENCY, ...cfg });
      const [cnt, drop, slip, cut, valid, drops, slips] = [dut.cnt_o, dut.drop_i, dut.slip_i, dut.cut_i, dut.valid_o, dut.drops_o, dut.slips_o].map((s) => b.column(s));
      expect(cnt![0], 'the first record is the first edge after reset').toBe(0);
      for (let i = 0; i < b.length; i++) {
        const want = model.outputs;
        expect(valid![i] === 1, `valid_o at edge ${i}`).toBe(want.valid);
        expect(hex(blockAt(b, dut.lane_o, i)), `lane_o at edge ${i}`).toBe(hex(want.lane));
        expect([b.value(dut.flips_o, i), drops![i], slips![i]], `flips, drops and slips counted before edge ${i}`).toEqual([model.flips, model.drops, model.slips]);
        model.step({ lane: pattern(cnt![i]!), drop: drop![i] === 1, slip: slip![i] === 1, cut: cut![i] === 1 });
      }
    }, { seed, numRuns: 12, wavesDir: wavesDir(task.file.filepath, task.name) });
  });

  rtl('measured BER within 5 sigma of 1e-3, 1e-4 and 1e-5; flips_o counts them', async ({ sim, seed }) => {
    for (const [ber, cycles] of [[1e-3, 20_000], [1e-4, 150_000], [1e-5, 1_000_000]] as const) {
      await sim.restart();
      const dut = await start(sim, { seed, ber: berRate(ber) });
      const stream = SampledStream.open(sim as Simulator<unknown>, { clock: dut.clk_i, signals: [dut.cnt_o, dut.lane_o], when: { allOf: [dut.err_o] }, batch: 1 << 14 });
      await ClockCycles(dut.clk_i, cycles);
      const flips = dut.flips_o.value;
      const last = dut.cnt_o.value;
      stream.close();
      let seen = 0;
      for await (const b of stream) {
        const cnt = b.column(dut.cnt_o);
        for (let i = 0; i < b.length; i++) if (cnt[i]! >= LATENCY) seen += popcount(blockAt(b, dut.lane_o, i) ^ pattern(cnt[i]! - LATENCY));
      }
      const bits = 66 * (last - LATENCY);
      const sigma = Math.sqrt(bits * ber * (1 - ber));
      expect(Math.abs(seen - bits * ber), `${seen} flips in ${bits} bits at BER ${ber} (expected ${bits * ber} ± ${sigma.toFixed(1)})`).toBeLessThan(5 * sigma);
      // flips_o also counts those still inside the channel (the last LATENCY blocks).
      expect(flips - BigInt(seen), 'flips_o less the flips received').toBeGreaterThanOrEqual(0n);
      expect(flips - BigInt(seen), 'flips_o less the flips received').toBeLessThanOrEqual(BigInt(66 * LATENCY));
    }
  });

  rtl('latency, a drop, slips (65 and 66 of them) and a cut do what they are defined to', async ({ sim }) => {
    const dut = await start(sim);
    const n = 700;
    const rec = collect(sim as Simulator<unknown>, dut.clk_i, [dut.cnt_o, dut.drop_i, dut.slip_i, dut.cut_i, dut.valid_o, dut.lane_o], n);
    const pulse = async (sig: 'drop_i' | 'slip_i' | 'cut_i', at: number, len = 1): Promise<void> => {
      await ClockCycles(dut.clk_i, at);
      dut[sig].value = 1;
      await ClockCycles(dut.clk_i, len);
      dut[sig].value = 0;
    };
    await pulse('drop_i', 100);
    await pulse('slip_i', 100);
    await pulse('cut_i', 100, 5);
    await pulse('slip_i', 100, 64);  // 65 slips in all
    await pulse('slip_i', 100);      // the 66th
    const b = await rec();
    const [cnt, drop, slip, cut, valid] = [dut.cnt_o, dut.drop_i, dut.slip_i, dut.cut_i, dut.valid_o].map((s) => b.column(s));
    const lane = (t: number): bigint => blockAt(b, dut.lane_o, cnt!.indexOf(t));
    const sampled = (col: Uint32Array): number[] => [...col.keys()].filter((i) => col[i] === 1).map((i) => cnt![i]!);
    const [d] = sampled(drop!);
    const slips = sampled(slip!);
    const cuts = sampled(cut!);
    expect(slips.length).toBe(66);
    /** The lane delayed by LATENCY blocks and k bits more: {pattern(t - L), pattern(t - L - 1)} >> (66 - k). */
    const delayed = (t: number, k: number): bigint => (((pattern(t - LATENCY) << 66n) | pattern(t - LATENCY - 1)) >> BigInt(66 - k)) & M66;
    for (let t = LATENCY + 1; t < cnt!.at(-1)!; t++) {
      const k = slips.filter((e) => e < t).length % 66;
      const at = `cycle ${t}`;
      if (t === d! + 1) expect(hex(lane(t)), `${at}: the block after the dropped one, a cycle early`).toBe(hex(pattern(t - LATENCY + 1)));
      else if (t === d! + 2) expect(valid![cnt!.indexOf(t)], `${at}: the gap after a drop`).toBe(0);
      else if (cuts.includes(t - 1)) expect(lane(t), `${at}: cut`).toBe(0n);
      else expect(hex(lane(t)), `${at}: ${k} bits of slip`).toBe(hex(delayed(t, k)));
      if (t !== d! + 2) expect(valid![cnt!.indexOf(t)], `${at}: valid`).toBe(1);
    }
    // The dropped block never arrives.
    expect([...Array(b.length).keys()].some((i) => blockAt(b, dut.lane_o, i) === pattern(d! + 1 - LATENCY))).toBe(false);
    await ClockCycles(dut.clk_i, 1);
    expect([dut.drops_o.value, dut.slips_o.value, dut.flips_o.value]).toEqual([1, 66, 0n]);
  });
});
