import type { Encoder } from '../protocol.js';

/**
 * How often a source offers a beat or a sink is ready: with `probability` per cycle (from a
 * seeded generator in the harness), or following `pattern` (1 = on) cyclically. Both replay
 * exactly from their seed/pattern, e.g. from a fast-check arbitrary.
 */
export interface Throttle {
  /** @defaultValue 1 (always) */
  readonly probability?: number;
  readonly pattern?: readonly (boolean | number)[];
  /** @defaultValue 1 */
  readonly seed?: number;
}

/** Encodes a throttle for the harness: u8 mode, u32 seed, u32 p/65536, u32 n, n bytes. */
export function encodeThrottle(enc: Encoder, t: Throttle = {}): void {
  const pattern = t.pattern ?? [];
  const p = Math.round(Math.min(1, Math.max(0, t.probability ?? 1)) * 65536);
  enc.u8(pattern.length ? 1 : 0).u32((t.seed ?? 1) >>> 0).u32(p).u32(pattern.length);
  enc.bytes(Uint8Array.from(pattern, (x) => (x ? 1 : 0)));
}
