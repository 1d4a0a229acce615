/**
 * MCTP (DMTF DSP0236) packets of the management link, as DESIGN.md §4 fixes them: a 4-byte header
 * `01h · dst EID · src EID · {SOM 7, EOM 6, seq 5:4, TO 3, tag 2:0}`, then at most 64 payload bytes
 * (the baseline transmission unit); a longer message is split SOM…EOM with seq counting mod 4, and
 * the receiver drops the whole message on a gap.
 */

/** Header byte 0: reserved nibble 0, header version 1. */
export const MCTP_HEADER_VERSION = 0x01;
/** Bytes of the packet header. */
export const MCTP_HEADER_LENGTH = 4;
/** The baseline transmission unit: the largest payload of one packet, and the one this link uses. */
export const MCTP_BASELINE_TRANSMISSION_UNIT = 64;
/** The largest packet: header plus a full transmission unit. */
export const MCTP_MAX_PACKET_LENGTH = MCTP_HEADER_LENGTH + MCTP_BASELINE_TRANSMISSION_UNIT;
/** The broadcast EID. */
export const BROADCAST_EID = 0xff;
/** The EID of cell 0; cell i has `CELL_EID_BASE + i`. */
export const CELL_EID_BASE = 0x10;
/** The highest cell index: its EID, FEh, is the last below broadcast. */
export const MAX_CELL_INDEX = BROADCAST_EID - 1 - CELL_EID_BASE;

/** Message body byte 0, bits 6:0: the message type. */
export enum MessageType {
  /** MCTP control (DSP0236), e.g. DSP0253's test vector, a Get Endpoint ID request. */
  MctpControl = 0x00,
  /** PLDM (DSP0241), here PLDM for firmware update (DSP0267). */
  Pldm = 0x01,
  /** Vendor-defined, IANA form: the enterprise number follows. */
  VendorDefinedIana = 0x7f,
}

/** Message body byte 0, bit 7: IC, a message integrity check trails the message. */
export const MESSAGE_IC = 0x80;

/** A packet or message the sender must never build; the message says which field is wrong. */
export class MctpError extends Error {
  override name = 'MctpError';
}

/** The EID of cell `cell`. Throws {@link MctpError} outside 0..{@link MAX_CELL_INDEX}. */
export function cellEid(cell: number): number {
  if (!Number.isInteger(cell) || cell < 0 || cell > MAX_CELL_INDEX) {
    throw new MctpError(`cell index ${cell} has no EID: cells are 0..${MAX_CELL_INDEX} (EIDs 10h..FEh)`);
  }
  return CELL_EID_BASE + cell;
}

/** The cell whose EID is `eid`, or undefined for the null, reserved and broadcast EIDs. */
export function eidCell(eid: number): number | undefined {
  return Number.isInteger(eid) && eid >= CELL_EID_BASE && eid < BROADCAST_EID ? eid - CELL_EID_BASE : undefined;
}

/** One MCTP packet, header fields unpacked. */
export interface MctpPacket {
  /** Destination EID. */
  readonly dst: number;
  /** Source EID. */
  readonly src: number;
  /** SOM: the first packet of a message. */
  readonly som: boolean;
  /** EOM: the last packet of a message. */
  readonly eom: boolean;
  /** Packet sequence number, 0..3, +1 mod 4 per packet of a message. */
  readonly seq: number;
  /** TO: the source owns the tag (a request); clear on the response. */
  readonly tagOwner: boolean;
  /** Message tag, 0..7. */
  readonly tag: number;
  /** 0..{@link MCTP_BASELINE_TRANSMISSION_UNIT} bytes. */
  readonly payload: Uint8Array;
}

const isByte = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xff;

function check(ok: boolean, what: string): void {
  if (!ok) throw new MctpError(what);
}

function checkAddress(o: { dst: number; src: number; tag: number }): void {
  check(isByte(o.dst), `dst EID ${o.dst} is not a byte`);
  check(isByte(o.src), `src EID ${o.src} is not a byte`);
  check(Number.isInteger(o.tag) && o.tag >= 0 && o.tag <= 7, `tag ${o.tag} is not 0..7`);
}

/** The packet's bytes. Throws {@link MctpError} for a field out of range or a payload over 64 bytes. */
export function encodePacket(p: MctpPacket): Uint8Array {
  checkAddress(p);
  check(Number.isInteger(p.seq) && p.seq >= 0 && p.seq <= 3, `seq ${p.seq} is not 0..3`);
  check(
    p.payload.length <= MCTP_BASELINE_TRANSMISSION_UNIT,
    `payload of ${p.payload.length} bytes exceeds the ${MCTP_BASELINE_TRANSMISSION_UNIT}-byte transmission unit: use splitMessage`,
  );
  const out = new Uint8Array(MCTP_HEADER_LENGTH + p.payload.length);
  out[0] = MCTP_HEADER_VERSION;
  out[1] = p.dst;
  out[2] = p.src;
  out[3] = (p.som ? 0x80 : 0) | (p.eom ? 0x40 : 0) | (p.seq << 4) | (p.tagOwner ? 0x08 : 0) | p.tag;
  out.set(p.payload, MCTP_HEADER_LENGTH);
  return out;
}

/**
 * Why {@link decodePacket} refused bytes: `too-short` (under the 4 header bytes), `version`
 * (byte 0 not 01h), `oversize` (payload over the transmission unit).
 */
export type PacketErrorReason = 'too-short' | 'version' | 'oversize';

/** The outcome of {@link decodePacket}. */
export type PacketDecodeResult =
  | { readonly ok: true; readonly packet: MctpPacket }
  | { readonly ok: false; readonly reason: PacketErrorReason; readonly detail: string };

/** Parses a packet; never throws, whatever the bytes. The payload is a copy. */
export function decodePacket(bytes: ArrayLike<number>): PacketDecodeResult {
  if (bytes.length < MCTP_HEADER_LENGTH) {
    return { ok: false, reason: 'too-short', detail: `${bytes.length} bytes, a packet has at least the ${MCTP_HEADER_LENGTH} header bytes` };
  }
  const b = Uint8Array.from(bytes);
  if (b[0] !== MCTP_HEADER_VERSION) {
    return { ok: false, reason: 'version', detail: `header byte 0 is ${b[0]!.toString(16).padStart(2, '0')}h, expected 01h (reserved 0, version 1)` };
  }
  if (b.length > MCTP_MAX_PACKET_LENGTH) {
    return { ok: false, reason: 'oversize', detail: `${b.length - MCTP_HEADER_LENGTH} payload bytes, the transmission unit is ${MCTP_BASELINE_TRANSMISSION_UNIT}` };
  }
  const f = b[3]!;
  return {
    ok: true,
    packet: {
      dst: b[1]!,
      src: b[2]!,
      som: (f & 0x80) !== 0,
      eom: (f & 0x40) !== 0,
      seq: (f >> 4) & 3,
      tagOwner: (f & 0x08) !== 0,
      tag: f & 7,
      payload: b.slice(MCTP_HEADER_LENGTH),
    },
  };
}

/** Addressing of {@link splitMessage}. */
export interface SplitOptions {
  readonly dst: number;
  readonly src: number;
  /** The TO bit: true on a request, false on its response. */
  readonly tagOwner: boolean;
  /** 0..7. */
  readonly tag: number;
  /** seq of the SOM packet, 0..3. @defaultValue 0 */
  readonly seqStart?: number;
}

/**
 * Splits a message (type byte first) into packets SOM…EOM of full transmission units, the last
 * one shorter, seq counting mod 4. Throws {@link MctpError} for an empty message or a field out
 * of range.
 */
export function splitMessage(message: Uint8Array, options: SplitOptions): MctpPacket[] {
  const seqStart = options.seqStart ?? 0;
  checkAddress(options);
  check(Number.isInteger(seqStart) && seqStart >= 0 && seqStart <= 3, `seqStart ${seqStart} is not 0..3`);
  check(message.length > 0, 'an empty message has no message type byte');
  const packets: MctpPacket[] = [];
  const unit = MCTP_BASELINE_TRANSMISSION_UNIT;
  for (let at = 0, i = 0; at < message.length; at += unit, i++) {
    packets.push({
      dst: options.dst,
      src: options.src,
      som: at === 0,
      eom: at + unit >= message.length,
      seq: (seqStart + i) & 3,
      tagOwner: options.tagOwner,
      tag: options.tag,
      payload: message.slice(at, at + unit),
    });
  }
  return packets;
}

/**
 * Why the {@link Reassembler} dropped packets:
 * - `seq`: a packet whose seq is not the previous one + 1 mod 4 (a lost packet or a duplicate);
 * - `no-som`: a middle or EOM packet with no message in progress for its (src, tag, TO);
 * - `restarted`: a SOM while a message was in progress: the partial one is dropped;
 * - `size`: a packet after the SOM whose payload differs from the SOM's (the transmission unit
 *   the first packet established; the EOM may be shorter);
 * - `empty`: a SOM packet without payload, so without a message type byte.
 */
export type ReassemblyErrorReason = 'seq' | 'no-som' | 'restarted' | 'size' | 'empty';

/** Who a message or a drop belongs to: DSP0236's reassembly key (src, tag, TO). */
export interface MessageKey {
  readonly src: number;
  readonly tag: number;
  readonly tagOwner: boolean;
}

/** A complete message. */
export interface MessageCompleteEvent extends MessageKey {
  readonly kind: 'message';
  /** dst of its SOM packet. */
  readonly dst: number;
  /** Type byte first. */
  readonly message: Uint8Array;
  /** Packets it took. */
  readonly packets: number;
}

/** Packets dropped, with why. */
export interface MessageDropEvent extends MessageKey {
  readonly kind: 'dropped';
  readonly reason: ReassemblyErrorReason;
  /** Packets dropped: those of the partial message, and the offending one unless it starts a new message. */
  readonly packets: number;
  /** Expected against received. */
  readonly detail: string;
}

/** What the {@link Reassembler} reports, in packet order. */
export type ReassemblyEvent = MessageCompleteEvent | MessageDropEvent;

interface InProgress {
  readonly dst: number;
  readonly unit: number;
  readonly chunks: Uint8Array[];
  seq: number;
}

/**
 * Reassembles messages from packets, interleaved from any number of sources and tags: each
 * (src, tag, TO) has at most one message in progress. Every packet pushed ends up in exactly one
 * event's `packets`, or in a message still in progress.
 */
export class Reassembler {
  readonly #partials = new Map<number, InProgress>();

  /** Messages in progress. */
  get pending(): number {
    return this.#partials.size;
  }

  /** Takes the next packet; returns the message it completes and the drops it causes. */
  push(p: MctpPacket): ReassemblyEvent[] {
    const key: MessageKey = { src: p.src, tag: p.tag, tagOwner: p.tagOwner };
    const id = (p.src << 4) | (p.tagOwner ? 8 : 0) | p.tag;
    const events: ReassemblyEvent[] = [];
    const drop = (reason: ReassemblyErrorReason, packets: number, detail: string): ReassemblyEvent[] => {
      events.push({ kind: 'dropped', reason, ...key, packets, detail });
      return events;
    };
    let partial = this.#partials.get(id);
    if (p.som) {
      if (partial) {
        this.#partials.delete(id);
        drop('restarted', partial.chunks.length, `a SOM (seq ${p.seq}) after ${partial.chunks.length} packets without EOM`);
      }
      if (p.payload.length === 0) return drop('empty', 1, 'a SOM packet with no payload: a message starts with its type byte');
      partial = { dst: p.dst, unit: p.payload.length, chunks: [], seq: p.seq };
    } else {
      if (!partial) return drop('no-som', 1, `a ${p.eom ? 'EOM' : 'middle'} packet (seq ${p.seq}) with no message in progress`);
      const expected = (partial.seq + 1) & 3;
      const n = partial.chunks.length + 1;
      if (p.seq !== expected) {
        this.#partials.delete(id);
        return drop('seq', n, `expected seq ${expected}, got ${p.seq}${p.seq === partial.seq ? ' (a duplicate, or three packets lost)' : ''}`);
      }
      if (p.eom ? p.payload.length > partial.unit : p.payload.length !== partial.unit) {
        this.#partials.delete(id);
        return drop('size', n, `a ${p.eom ? 'EOM' : 'middle'} payload of ${p.payload.length} bytes, the SOM set the unit at ${partial.unit}`);
      }
      partial.seq = p.seq;
    }
    partial.chunks.push(p.payload);
    if (!p.eom) {
      this.#partials.set(id, partial);
      return events;
    }
    this.#partials.delete(id);
    const message = new Uint8Array(partial.chunks.reduce((s, c) => s + c.length, 0));
    let at = 0;
    for (const c of partial.chunks) {
      message.set(c, at);
      at += c.length;
    }
    events.push({ kind: 'message', ...key, dst: partial.dst, message, packets: partial.chunks.length });
    return events;
  }
}
