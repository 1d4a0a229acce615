/**
 * The HSI's CRCs as its RTL computes them, on top of models/common/crc.ts: CRC-32 (IEEE 802.3)
 * a 64-bit beat at a time with a byte count (hsi_crc32_64), and the CRC-16/DNP of a control
 * block's payload (hsi_crc16_ctrl). Bytes go low first (data[7:0] is byte 0), bit 0 first.
 */
import { crc16Dnp, crc32Update } from '../common/crc.js';

/** Payload bits a control block's CRC-16 covers (hsi_crc16_ctrl's DataBits): 64 less the CRC. */
export const CTRL_CRC_DATA_BITS = 48;

/** The low `n` bytes of `data`, byte 0 first. */
export function beatBytes(data: bigint, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => Number((data >> BigInt(8 * i)) & 0xffn));
}

/** One cycle's inputs of hsi_crc32_64. */
export interface Crc32Beat {
  /** Starts a new message; with `valid`, this beat is its first. @defaultValue false */
  readonly init?: boolean;
  /** @defaultValue true */
  readonly valid?: boolean;
  readonly data: bigint;
  /** Valid low bytes of `data`, 1..8. @defaultValue 8 */
  readonly bytes?: number;
}

/** hsi_crc32_64: the CRC register, a beat per {@link HsiCrc32x64.step}. */
export class HsiCrc32x64 {
  private reg = 0xffffffff;

  /** The CRC of the message so far (what crc_o shows after the cycle). */
  get crc(): number {
    return (this.reg ^ 0xffffffff) >>> 0;
  }

  step(beat: Crc32Beat): number {
    const n = beat.bytes ?? 8;
    if (!Number.isInteger(n) || n < 1 || n > 8) throw new RangeError(`a beat holds 1..8 bytes (got ${n})`);
    const base = beat.init ? 0xffffffff : this.reg;
    this.reg = (beat.valid ?? true) ? crc32Update(beatBytes(beat.data, n), base) : base;
    return this.crc;
  }
}

/** hsi_crc16_ctrl: the CRC-16/DNP of a control block's `bits` payload bits (a whole number of bytes). */
export function crc16Ctrl(data: bigint, bits = CTRL_CRC_DATA_BITS): number {
  if (bits % 8 || bits < 8) throw new RangeError(`the control CRC covers whole bytes (got ${bits} bits)`);
  return crc16Dnp(beatBytes(data, bits / 8));
}
