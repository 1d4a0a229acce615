/**
 * The packed-format runtime behind every generated codec (`FlashReq`, `FlashRsp`…): a format
 * is fields at fixed bit offsets of one word of `width` bits (a stream beat, a frame header, a
 * status byte), described once in the block's JSON (tools/) and generated into a SystemVerilog
 * `struct packed` and one of these, so both sides agree by construction.
 */

/** One field of a format: bits [lsb + width - 1 : lsb], at most 32 wide. */
export interface FormatField {
  /** The TypeScript name (camelCase of the description's). */
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
}

/** A value that does not fit its field: the message names the format, the field and the value. */
export class FormatError extends RangeError {
  override name = 'FormatError';
}

/**
 * A codec of one packed format. `T` is the generated interface of its fields (numbers, enum
 * codes for enum fields). Bytes are little-endian (byte 0 holds bits [7:0]), as an AXI-Stream
 * beat's `tdata` is laid out.
 */
export class PackedFormat<T extends { readonly [K in keyof T]: number }> {
  /** Bytes of one word. */
  readonly bytes: number;

  constructor(readonly name: string, readonly width: number, readonly fields: readonly FormatField[]) {
    this.bytes = Math.ceil(width / 8);
  }

  /** The word of `value`; a field value that does not fit its width throws. */
  encode(value: T): bigint {
    let word = 0n;
    const v = value as Record<string, number>;
    for (const f of this.fields) {
      const x = v[f.name];
      if (x === undefined || !Number.isInteger(x) || x < 0 || x >= 2 ** f.width) {
        throw new FormatError(`${this.name}.${f.name}: ${String(x)} does not fit ${f.width} bit(s)`);
      }
      word |= BigInt(x) << BigInt(f.lsb);
    }
    return word;
  }

  /** {@link encode} as a number, for a format of at most 32 bits (a status byte). */
  word(value: T): number {
    if (this.width > 32) throw new FormatError(`${this.name}: ${this.width} bits do not fit a number; use encode()`);
    return Number(this.encode(value));
  }

  /** The fields of `word` (bits outside every field are ignored). */
  decode(word: bigint | number): T {
    const w = BigInt(word);
    const out: Record<string, number> = {};
    for (const f of this.fields) out[f.name] = Number((w >> BigInt(f.lsb)) & ((1n << BigInt(f.width)) - 1n));
    return out as unknown as T;
  }

  /** {@link encode} as {@link bytes} little-endian bytes. */
  toBytes(value: T): Uint8Array {
    const word = this.encode(value);
    return Uint8Array.from({ length: this.bytes }, (_, i) => Number((word >> BigInt(8 * i)) & 0xffn));
  }

  /** {@link decode} of little-endian bytes; fewer than {@link bytes} throws. */
  fromBytes(b: ArrayLike<number>): T {
    if (b.length < this.bytes) throw new FormatError(`${this.name}: ${b.length} byte(s), a word is ${this.bytes}`);
    let word = 0n;
    for (let i = this.bytes - 1; i >= 0; i--) word = (word << 8n) | BigInt(b[i]! & 0xff);
    return this.decode(word);
  }
}
