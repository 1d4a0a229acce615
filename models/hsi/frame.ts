/**
 * HSI frames and control blocks as 66-bit blocks (DESIGN.md section 3, rtl/hsi/README.md): a
 * frame is an SOF carrying its header, ceil(len/8) data blocks (byte 0 = bits [7:0]; the last
 * padded with zeros) and an EOF with the byte count of the last data block and the CRC-32 over
 * the SOF's 8 bytes then the payload; ACK, NAK, FC and IDLE carry a CRC-16/DNP over their bits
 * [47:0]. Field positions come from the generated formats (hsi_pkg.ts), never typed here.
 *
 * A block is `(payload << 2) | header` as a bigint, as tb/hsi/blocks.ts carries it; the decoder
 * works on the payload as two 32-bit words (`lo` = bits [31:0], `hi` = [63:32]) so a checker
 * fed by a sampled stream decodes a column batch without a bigint per block.
 */
import type { FormatField, PackedFormat } from '../common/format.js';
import { crc16Dnp, crc32Update } from '../common/crc.js';
import { CTRL_CRC_DATA_BITS, crc16Ctrl } from './crc.js';
import { AckBlock, BlockType, EofBlock, FcBlock, FrameType, IdleBlock, MAX_FRAME_BYTES, SofBlock, SyncHeader, type Vc } from './hsi_pkg.js';

/** The header of a frame, as its SOF carries it (`len` is the payload's length). */
export interface FrameHeader {
  readonly dst: number;
  readonly src: number;
  readonly vc: Vc;
  readonly seq: number;
  /** @defaultValue FrameType.Data */
  readonly ftype?: FrameType;
}

/** A frame: its header and 1..1024 payload bytes. */
export interface Frame extends FrameHeader {
  readonly payload: Uint8Array;
}

const M64 = (1n << 64n) - 1n;
const ctrl = (payload: bigint): bigint => (payload << 2n) | BigInt(SyncHeader.Ctrl);
const data = (payload: bigint): bigint => (payload << 2n) | BigInt(SyncHeader.Data);

/** Bytes valid in the last data block of a `len`-byte payload (EOF count, 1..8). */
export function lastCount(len: number): number {
  return ((len - 1) & 7) + 1;
}

/** Blocks a frame of `len` payload bytes takes on the lane: SOF, ceil(len/8) data, EOF. */
export function frameBlockCount(len: number): number {
  return Math.ceil(len / 8) + 2;
}

function checkLen(len: number): void {
  if (!Number.isInteger(len) || len < 1 || len > MAX_FRAME_BYTES) throw new RangeError(`an HSI frame carries 1..${MAX_FRAME_BYTES} payload bytes (got ${len})`);
}

/** The SOF payload word of a header and length. */
export function sofWord(h: FrameHeader, len: number): bigint {
  checkLen(len);
  return SofBlock.encode({ btype: BlockType.Sof, dst: h.dst, src: h.src, vc: h.vc, seq: h.seq, len, ftype: h.ftype ?? FrameType.Data });
}

/** The CRC-32 of a frame: over the SOF word's 8 bytes (low first), then the payload. */
export function frameCrc(sof: bigint, payload: Uint8Array): number {
  const head = Uint8Array.from({ length: 8 }, (_, i) => Number((sof >> BigInt(8 * i)) & 0xffn));
  return (crc32Update(payload, crc32Update(head)) ^ 0xffffffff) >>> 0;
}

/** The blocks of a frame: SOF, data blocks, EOF. */
export function frameBlocks(f: Frame): bigint[] {
  const len = f.payload.length;
  const sof = sofWord(f, len);
  const out = [ctrl(sof)];
  for (let at = 0; at < len; at += 8) {
    let w = 0n;
    for (let i = Math.min(len, at + 8) - 1; i >= at; i--) w = (w << 8n) | BigInt(f.payload[i]!);
    out.push(data(w));
  }
  out.push(ctrl(EofBlock.encode({ btype: BlockType.Eof, count: lastCount(len), crc: frameCrc(sof, f.payload) })));
  return out;
}

/** A control block with its CRC-16 over bits [47:0] filled in. */
function withCrc16(word: bigint): bigint {
  const low = word & ((1n << 48n) - 1n);
  return ctrl(low | (BigInt(crc16Ctrl(low)) << 48n));
}

/** ACK: every frame up to and including `seq` arrived intact and in order. */
export function ackBlock(seq: number): bigint {
  return withCrc16(AckBlock.encode({ btype: BlockType.Ack, seq, crc16: 0 }));
}

/** NAK: `seq` is the last good in-order frame; replay from seq + 1. */
export function nakBlock(seq: number): bigint {
  return withCrc16(AckBlock.encode({ btype: BlockType.Nak, seq, crc16: 0 }));
}

/** FC: `credits` cumulative credits granted on `vc` (modulo 4096); `init` during link-up. */
export function fcBlock(vc: Vc, credits: number, init = false): bigint {
  return withCrc16(FcBlock.encode({ btype: BlockType.Fc, vc, init: init ? 1 : 0, credits, crc16: 0 }));
}

/** IDLE, the one block a tap skips. */
export const IDLE_BLOCK: bigint = withCrc16(IdleBlock.encode({ btype: BlockType.Idle, crc16: 0 }));

// ---- Decoding, on two 32-bit words.

/** Extracts field `f` (at most 32 bits) from the payload words. */
function field(lo: number, hi: number, f: FormatField): number {
  let v: number;
  if (f.lsb >= 32) v = hi >>> (f.lsb - 32);
  else if (f.lsb + f.width <= 32) v = lo >>> f.lsb;
  else v = (lo >>> f.lsb) | (hi << (32 - f.lsb));
  return f.width === 32 ? v >>> 0 : (v & ((1 << f.width) - 1)) >>> 0;
}

/** A format's fields by name, and the payload bits no field covers (which must be zero). */
class Layout<T extends { readonly [K in keyof T]: number }> {
  private readonly f: Record<string, FormatField>;
  readonly reservedLo: number;
  readonly reservedHi: number;
  constructor(fmt: PackedFormat<T>) {
    this.f = Object.fromEntries(fmt.fields.map((x) => [x.name, x]));
    let used = 0n;
    for (const x of fmt.fields) used |= ((1n << BigInt(x.width)) - 1n) << BigInt(x.lsb);
    const reserved = ~used & M64;
    this.reservedLo = Number(reserved & 0xffffffffn) | 0;
    this.reservedHi = Number(reserved >> 32n) | 0;
  }
  get(lo: number, hi: number, name: keyof T & string): number {
    return field(lo, hi, this.f[name]!);
  }
  reserved(lo: number, hi: number): boolean {
    return ((lo & this.reservedLo) | (hi & this.reservedHi)) !== 0;
  }
}

const SOF = new Layout(SofBlock);
const EOF = new Layout(EofBlock);
const ACK = new Layout(AckBlock);
const FC = new Layout(FcBlock);
const IDLE = new Layout(IdleBlock);

const crcBytes = new Uint8Array(8);
function fillBytes(lo: number, hi: number): Uint8Array {
  crcBytes[0] = lo; crcBytes[1] = lo >>> 8; crcBytes[2] = lo >>> 16; crcBytes[3] = lo >>> 24;
  crcBytes[4] = hi; crcBytes[5] = hi >>> 8; crcBytes[6] = hi >>> 16; crcBytes[7] = hi >>> 24;
  return crcBytes;
}
const crc16Of = (lo: number, hi: number): number => crc16Dnp(fillBytes(lo, hi).subarray(0, CTRL_CRC_DATA_BITS / 8));

/** A control block other than SOF and EOF, decoded (CRC-16 and reserved bits checked). */
export type ControlBlock =
  | { readonly type: BlockType.Ack | BlockType.Nak; readonly seq: number }
  | { readonly type: BlockType.Fc; readonly vc: Vc; readonly credits: number; readonly init: boolean }
  | { readonly type: BlockType.Idle };

/** A frame as decoded from the lane. */
export interface DecodedFrame {
  readonly dst: number;
  readonly src: number;
  readonly vc: Vc;
  readonly seq: number;
  readonly len: number;
  readonly ftype: number;
  /** The EOF's CRC field. */
  readonly crc: number;
  /** The CRC computed over what arrived equals the EOF's. */
  readonly crcOk: boolean;
  /** Sequence number of the SOF block and of the EOF block in the decoder's input (0 = the first). */
  readonly sofAt: number;
  readonly eofAt: number;
  /** The payload, when the decoder keeps payloads. */
  readonly payload?: Uint8Array;
}

/** What a {@link FrameDecoder} reports; `at` is the block's index in the input. */
export interface FrameSink {
  frame(f: DecodedFrame): void;
  control(c: ControlBlock, at: number): void;
  /** A block that breaks the format: the message says which rule. */
  error(message: string, at: number): void;
}

/** Options of a {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** ACK, NAK, FC and IDLE may come between a frame's SOF and EOF (rtl/hsi/README.md: they do not). @defaultValue false */
  readonly controlInFrame?: boolean;
  /** Collect each frame's payload bytes. @defaultValue false */
  readonly keepPayload?: boolean;
}

const hx = (v: number, d = 8): string => `0x${(v >>> 0).toString(16).padStart(d, '0')}`;

/**
 * Decodes a block stream into frames and control blocks, reporting every departure from the
 * format: bad sync headers, unknown types, reserved bits set, control CRC-16 errors, data
 * outside a frame, a frame cut short by an SOF or a control block, a data block too many, the
 * padding of the last data block not zero, an EOF early or late or whose count disagrees with
 * the SOF's len, and a CRC-32 that does not match (the frame is still reported, `crcOk` false).
 */
export class FrameDecoder {
  private at = 0;
  private inFrame = false;
  private sofLo = 0;
  private sofHi = 0;
  private sofAt = 0;
  private len = 0;
  private blocks = 0;
  private crc = 0;
  private payload: Uint8Array | undefined;
  private readonly controlInFrame: boolean;
  private readonly keepPayload: boolean;

  constructor(private readonly sink: FrameSink, options: FrameDecoderOptions = {}) {
    this.controlInFrame = options.controlInFrame ?? false;
    this.keepPayload = options.keepPayload ?? false;
  }

  /** Blocks pushed so far. */
  get count(): number {
    return this.at;
  }

  /**
   * Forgets a frame in progress (what follows is not its continuation), reporting it as cut by
   * `reason`, or silently without one (the lane went quiet on purpose).
   */
  abort(reason?: string): void {
    if (this.inFrame && reason !== undefined) this.sink.error(`frame seq ${this.seqOf()} cut by ${reason} after ${this.blocks} of ${Math.ceil(this.len / 8)} data blocks`, this.at);
    this.inFrame = false;
  }

  private seqOf(): number {
    return SOF.get(this.sofLo, this.sofHi, 'seq');
  }

  /** One block: its sync header and payload bits [31:0] and [63:32]. */
  push(header: number, lo: number, hi: number): void {
    const at = this.at++;
    if (header === SyncHeader.Data) {
      if (!this.inFrame) return this.sink.error('a data block outside a frame', at);
      const want = Math.ceil(this.len / 8);
      if (this.blocks === want) {
        this.inFrame = false;
        return this.sink.error(`frame seq ${this.seqOf()}: data block ${this.blocks + 1} of a ${this.len}-byte frame (${want} data blocks)`, at);
      }
      const n = this.blocks === want - 1 ? lastCount(this.len) : 8;
      const b = fillBytes(lo, hi);
      if (n < 8 && b.subarray(n).some((x) => x !== 0)) this.sink.error(`frame seq ${this.seqOf()}: bytes past len ${this.len} in its last data block are not zero`, at);
      this.crc = crc32Update(n === 8 ? b : b.subarray(0, n), this.crc);
      if (this.payload) this.payload.set(b.subarray(0, n), this.blocks * 8);
      this.blocks++;
      return;
    }
    if (header !== SyncHeader.Ctrl) return this.sink.error(`invalid sync header ${header.toString(2).padStart(2, '0')}`, at);
    const type = lo & 0xff;
    switch (type) {
      case BlockType.Sof: return this.sof(lo, hi, at);
      case BlockType.Eof: return this.eof(lo, hi, at);
      case BlockType.Ack: case BlockType.Nak: case BlockType.Fc: case BlockType.Idle: return this.ctrl(type, lo, hi, at);
      default:
        this.abort(`an unknown block type ${hx(type, 2)}`);
        return this.sink.error(`unknown control block type ${hx(type, 2)}`, at);
    }
  }

  private sof(lo: number, hi: number, at: number): void {
    this.abort('an SOF');
    if (SOF.reserved(lo, hi)) this.sink.error(`SOF ${hx(hi)}${hx(lo).slice(2)}: reserved bits set`, at);
    const len = SOF.get(lo, hi, 'len');
    if (len < 1 || len > MAX_FRAME_BYTES) return this.sink.error(`SOF with len ${len} (1..${MAX_FRAME_BYTES})`, at);
    this.inFrame = true;
    this.sofLo = lo;
    this.sofHi = hi;
    this.sofAt = at;
    this.len = len;
    this.blocks = 0;
    this.crc = crc32Update(fillBytes(lo, hi));
    this.payload = this.keepPayload ? new Uint8Array(len) : undefined;
  }

  private eof(lo: number, hi: number, at: number): void {
    if (!this.inFrame) return this.sink.error('an EOF outside a frame', at);
    this.inFrame = false;
    const seq = this.seqOf();
    if (EOF.reserved(lo, hi)) this.sink.error(`frame seq ${seq}: EOF reserved bits set`, at);
    const want = Math.ceil(this.len / 8);
    if (this.blocks !== want) return this.sink.error(`frame seq ${seq}: EOF after ${this.blocks} data blocks, len ${this.len} needs ${want}`, at);
    const count = EOF.get(lo, hi, 'count');
    if (count !== lastCount(this.len)) return this.sink.error(`frame seq ${seq}: EOF count ${count}, len ${this.len} needs ${lastCount(this.len)}`, at);
    const crc = EOF.get(lo, hi, 'crc');
    const sLo = this.sofLo;
    const sHi = this.sofHi;
    this.sink.frame({
      dst: SOF.get(sLo, sHi, 'dst'), src: SOF.get(sLo, sHi, 'src'), vc: SOF.get(sLo, sHi, 'vc') as Vc, seq, len: this.len,
      ftype: SOF.get(sLo, sHi, 'ftype'), crc, crcOk: crc === ((this.crc ^ 0xffffffff) >>> 0), sofAt: this.sofAt, eofAt: at,
      ...(this.payload ? { payload: this.payload } : {}),
    });
  }

  private ctrl(type: BlockType, lo: number, hi: number, at: number): void {
    if (this.inFrame && !this.controlInFrame) this.abort(`a ${BlockType[type]} block`);
    const layout: Layout<{ readonly crc16: number }> = type === BlockType.Fc ? FC : type === BlockType.Idle ? IDLE : ACK;
    const crc = layout.get(lo, hi, 'crc16');
    if (crc !== crc16Of(lo, hi)) return this.sink.error(`${BlockType[type]} block with a bad CRC-16 ${hx(crc, 4)}`, at);
    if (layout.reserved(lo, hi)) return this.sink.error(`${BlockType[type]} block with reserved bits set (${hx(hi)}${hx(lo).slice(2)})`, at);
    if (type === BlockType.Fc) {
      this.sink.control({ type, vc: FC.get(lo, hi, 'vc') as Vc, credits: FC.get(lo, hi, 'credits'), init: FC.get(lo, hi, 'init') === 1 }, at);
    } else if (type === BlockType.Idle) {
      this.sink.control({ type }, at);
    } else {
      this.sink.control({ type: type as BlockType.Ack | BlockType.Nak, seq: ACK.get(lo, hi, 'seq') }, at);
    }
  }

  /** One block as a 66-bit bigint. */
  pushBlock(block: bigint): void {
    this.push(Number(block & 3n), Number((block >> 2n) & 0xffffffffn), Number((block >> 34n) & 0xffffffffn));
  }
}

/** What {@link decodeBlocks} found, in order. */
export type DecodeEvent =
  | { readonly kind: 'frame'; readonly frame: DecodedFrame }
  | { readonly kind: 'control'; readonly block: ControlBlock; readonly at: number }
  | { readonly kind: 'error'; readonly message: string; readonly at: number };

/** Decodes a whole block list, keeping payloads. */
export function decodeBlocks(blocks: readonly bigint[], options: Omit<FrameDecoderOptions, 'keepPayload'> = {}): DecodeEvent[] {
  const out: DecodeEvent[] = [];
  const dec = new FrameDecoder({
    frame: (frame) => out.push({ kind: 'frame', frame }),
    control: (block, at) => out.push({ kind: 'control', block, at }),
    error: (message, at) => out.push({ kind: 'error', message, at }),
  }, { ...options, keepPayload: true });
  for (const b of blocks) dec.pushBlock(b);
  return out;
}
