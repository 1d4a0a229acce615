// Raw traffic on hsi_link_tb for measurements (bench/hsi.ts, tb/hsi/isolation.test.ts): the
// top's idle inputs, frames whose payload names them (index in the first 4 bytes, the rest a
// function of tag and index), and the account of what arrived against what was sent: lost,
// duplicated, corrupted, out of order. No vitest here: the bench runs it too.
import { AxisSink, AxisSource, Clock, ClockCycles, type ReceivedFrame, type SignalHandle, type Simulator } from '../../bridge/src/index.js';
import { sameBytes } from '../../models/common/words.js';
import type { HsiLinkTbDut } from './gen/hsi_link_tb.js';

/** A vc of the user side. */
export type VcIndex = 0 | 1;
/** Both vcs, in order. */
export const VCS: readonly VcIndex[] = [0, 1];

/** Clock period of these runs (ns) and in simulator steps (1 ps). */
export const PERIOD_NS = 10;
export const PERIOD_STEPS = BigInt(PERIOD_NS * 1000);

/** Starts the clock, idles every input (no faults, sinks ready, no APB) and resets. */
export async function resetLink(sim: Simulator<HsiLinkTbDut>, seed = 1): Promise<void> {
  const d = sim.dut;
  const pin = (name: string): SignalHandle<number> => (d as unknown as Record<string, SignalHandle<number>>)[name]!;
  new Clock(d.clk_i, PERIOD_NS, 'ns').start();
  d.rst_ni.value = 0;
  for (const p of ['a', 'b']) {
    for (const s of ['psel', 'penable', 'pwrite', 'paddr', 'pwdata']) pin(`${p}_apb_${s}_i`).value = 0;
    for (const v of [0, 1]) {
      (pin(`${p}_s_axis_vc${v}_tdata_i`) as unknown as SignalHandle<bigint>).value = 0n;
      for (const s of ['tkeep', 'tlast', 'tdest', 'tvalid']) pin(`${p}_s_axis_vc${v}_${s}_i`).value = 0;
      pin(`${p}_m_axis_vc${v}_tready_i`).value = 1;
    }
  }
  for (const l of ['ab', 'ba']) {
    pin(`${l}_seed_i`).value = (seed + (l === 'ab' ? 0 : 1)) >>> 0;
    (pin(`${l}_ber_i`) as unknown as SignalHandle<bigint>).value = 0n;
    for (const s of ['drop_rate', 'slip_rate', 'drop', 'slip', 'cut']) pin(`${l}_${s}_i`).value = 0;
  }
  await ClockCycles(d.clk_i, 2);
  d.rst_ni.value = 1;
}

/** The payload of frame `index` of a stream `tag`: the index little-endian, then xorshift bytes. */
export function taggedPayload(tag: number, index: number, len: number): Uint8Array {
  const p = new Uint8Array(len);
  let x = (tag * 0x9e3779b1 + index * 0x85ebca6b + 1) >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    p[i] = x & 0xff;
  }
  for (let i = 0; i < Math.min(4, len); i++) p[i] = (index >>> (8 * i)) & 0xff;
  return p;
}

/** One direction and vc of traffic: a source, a sink, what was sent. */
export class Flow {
  readonly source: AxisSource;
  readonly sink: AxisSink;
  readonly sent: Uint8Array[] = [];
  readonly got: ReceivedFrame[] = [];

  constructor(sim: Simulator<HsiLinkTbDut>, readonly from: 'a' | 'b', readonly vc: 0 | 1, readonly tag: number, options: { readonly sinkThrottle?: number; readonly seed?: number; readonly stalled?: boolean } = {}) {
    const d = sim.dut;
    const to = from === 'a' ? 'b' : 'a';
    this.source = AxisSource.fromPrefix(d, `${from}_s_axis_vc${vc}`, d.clk_i);
    this.sink = AxisSink.fromPrefix(d, `${to}_m_axis_vc${vc}`, d.clk_i, options.stalled ? { throttle: { pattern: [false] } } : options.sinkThrottle !== undefined ? { throttle: { probability: options.sinkThrottle, seed: options.seed ?? tag } } : {});
    this.dst = to === 'a' ? 1 : 2;
  }

  private readonly dst: number;

  /** Queues frames of the given lengths. */
  send(lengths: readonly number[]): void {
    for (const len of lengths) {
      const p = taggedPayload(this.tag, this.sent.length, len);
      this.sent.push(p);
      void this.source.send({ data: p, dest: this.dst });
    }
  }

  /** Takes every frame that arrived so far. */
  async drain(): Promise<void> {
    const n = this.sink.pending;
    if (n) this.got.push(...(await this.sink.recvMany(n)));
  }

  /** What arrived against what was sent. */
  account(): Account {
    return account(this.sent, this.got.map((f) => f.data));
  }
}

/** The outcome of a flow. */
export interface Account {
  readonly sent: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly corrupted: number;
  readonly outOfOrder: number;
}

/**
 * Frames are named by their first 4 bytes (a frame shorter than that by being the next one of
 * its content in order); a frame that is no frame sent is corrupt.
 */
export function account(sent: readonly Uint8Array[], got: readonly Uint8Array[]): Account {
  const seen = new Set<number>();
  let duplicated = 0;
  let corrupted = 0;
  let outOfOrder = 0;
  let last = -1;
  for (const g of got) {
    let idx = -1;
    if (g.length >= 4) {
      const i = (g[0]! | (g[1]! << 8) | (g[2]! << 16) | (g[3]! << 24)) >>> 0;
      if (i < sent.length && sameBytes(sent[i]!, g)) idx = i;
    } else {
      for (let i = last + 1; i < Math.min(sent.length, last + 65) && idx < 0; i++) if (sameBytes(sent[i]!, g)) idx = i;
      if (idx < 0 && last >= 0 && sameBytes(sent[last]!, g)) idx = last;
    }
    if (idx < 0) {
      corrupted++;
      continue;
    }
    if (seen.has(idx)) duplicated++;
    else if (idx < last) outOfOrder++;
    seen.add(idx);
    last = Math.max(last, idx);
  }
  return { sent: sent.length, delivered: seen.size, lost: sent.length - seen.size, duplicated, corrupted, outOfOrder };
}

/** Payload bytes per cycle × 8 (the 64-bit datapath's share) of frames 1.. of `got` (frame 0 opens the window). */
export function efficiency(got: readonly ReceivedFrame[], bytesOf: (f: ReceivedFrame) => number = (f) => f.data.length): number {
  if (got.length < 2) return 0;
  const cycles = Number(got.at(-1)!.time - got[0]!.time) / Number(PERIOD_STEPS);
  const bytes = got.slice(1).reduce((n, f) => n + bytesOf(f), 0);
  return bytes / (cycles * 8);
}
