// Blocks in and out of the HSI fixtures: a 66-bit block rides an AXI-Stream beat (tdata = bits
// 65:2, tdest = the sync header), one single-beat frame per block so consecutive blocks go out
// back to back; and a sampled stream collects blocks in one round trip.
import fc from 'fast-check';
import { type AxisFrame, type AxisSource, SampledStream, type SignalHandle, type Simulator, type StreamBatch, type Trigger } from '../../bridge/src/index.js';
import { SyncHeader } from '../../models/hsi/hsi_pkg.js';
import { beatBytes } from '../../models/hsi/crc.js';

type AnySignal = SignalHandle<number> | SignalHandle<bigint>;

/** 66 ones. */
export const M66 = (1n << 66n) - 1n;

/** A block as a one-beat frame. */
export function blockFrame(block: bigint): AxisFrame {
  return { data: beatBytes(block >> 2n, 8), dest: Number(block & 3n) };
}

/** Queues every block; the result fires when the last one was taken. */
export function sendBlocks(src: AxisSource, blocks: readonly bigint[]): Trigger {
  let last: Trigger | undefined;
  for (const b of blocks) last = src.send(blockFrame(b));
  if (!last) throw new RangeError('sendBlocks needs at least one block');
  return last;
}

/** The 66-bit block of record `i` (a wide signal reads as bigint). */
export function blockAt(batch: StreamBatch, sig: SignalHandle<bigint>, i: number): bigint {
  return batch.value(sig, i) as bigint;
}

/**
 * Opens a stream of `signals` sampled at every edge of `clock` (or where `allOf` are all 1) and
 * returns a function that waits, in one round trip, for its first `n` records.
 */
export function collect(sim: Simulator<unknown>, clock: SignalHandle<number>, signals: readonly AnySignal[], n: number, allOf?: readonly AnySignal[]): () => Promise<StreamBatch> {
  const stream = SampledStream.open(sim, { clock, signals, batch: n, ...(allOf ? { when: { allOf } } : {}) });
  return async () => {
    for await (const b of stream) {
      stream.close();
      return b;
    }
    throw new Error(`the stream of ${signals.map((s) => s.name).join(', ')} ended before ${n} records`);
  };
}

/** Random 66-bit blocks with a valid sync header (data or control) and a random payload. */
export const validBlockArb: fc.Arbitrary<bigint> = fc
  .tuple(fc.constantFrom(SyncHeader.Data, SyncHeader.Ctrl), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }))
  .map(([h, p]) => (p << 2n) | BigInt(h));

/** Bits set in `x`. */
export function popcount(x: bigint): number {
  let n = 0;
  for (let v = x; v; v &= v - 1n) n++;
  return n;
}

/** The lane's bits, one per byte, bit 0 of block 0 first. */
export function laneBits(blocks: readonly bigint[]): Uint8Array {
  const bits = new Uint8Array(66 * blocks.length);
  blocks.forEach((b, i) => {
    for (let j = 0; j < 66; j++) bits[66 * i + j] = Number((b >> BigInt(j)) & 1n);
  });
  return bits;
}

/** The bits cut into 66-bit raw words from bit `skip` on (whole words only). */
export function rawWords(bits: Uint8Array, skip = 0): bigint[] {
  const out: bigint[] = [];
  for (let at = skip; at + 66 <= bits.length; at += 66) {
    let w = 0n;
    for (let j = 65; j >= 0; j--) w = (w << 1n) | BigInt(bits[at + j]!);
    out.push(w);
  }
  return out;
}
