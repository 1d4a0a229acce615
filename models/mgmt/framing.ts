/**
 * DMTF DSP0253 (MCTP serial binding) framing of the management link, as DESIGN.md §4 fixes it:
 * `7Eh · rev 01h · byte_count · MCTP packet (escaped) · FCS-16 MSB first · 7Eh`. Only the packet
 * is escaped (7Eh → 7Dh 5Eh, 7Dh → 7Dh 5Dh); rev, byte_count and the FCS go as they are, as Linux's
 * mctp-serial and Zephyr's MCTP UART binding send them. The FCS is CRC-16/MCRF4XX over rev,
 * byte_count and the unescaped packet.
 *
 * The receiver ({@link Unframer}) follows from that: it counts byte_count unescaped packet bytes,
 * then reads exactly two raw FCS bytes, then expects the closing 7Eh. A raw 7Eh where the packet or
 * byte_count should be cannot be data (the sender escapes it), so it ends the frame as truncated
 * and opens the next one. In the FCS, though, 7Eh is an ordinary value, read by count and never
 * taken for a flag at first; only when the closing flag then fails to come does the receiver go
 * back and parse on from an FCS byte of 7Eh as an opening flag. So a frame cut short anywhere (a
 * UART collision) or with a corrupted byte_count costs only itself: every frame whose opening
 * flag arrives intact is received, whatever came before it.
 */
import { crc16Mcrf4xx } from '../common/crc.js';
import { MCTP_MAX_PACKET_LENGTH } from './mctp.js';

/** The flag that opens and closes a frame. */
export const FRAME_FLAG = 0x7e;
/** The escape byte: the next byte is the escaped one xor 20h. */
export const FRAME_ESCAPE = 0x7d;
/** DSP0253's revision byte, the only one this link speaks. */
export const SERIAL_REVISION = 0x01;
/**
 * The largest packet a frame carries: an MCTP packet at the baseline transmission unit (4 header
 * bytes + 64 payload bytes), as Linux's mctp-serial fixes its MTU. byte_count, one byte, could
 * say 255, but no endpoint of this link builds or accepts more.
 */
export const MAX_FRAMED_PACKET_LENGTH = MCTP_MAX_PACKET_LENGTH;

/** A packet the sender must never frame (empty, or longer than {@link MAX_FRAMED_PACKET_LENGTH}). */
export class FramingError extends Error {
  override name = 'FramingError';
}

/**
 * Frames one MCTP packet for the UART. Throws {@link FramingError} for a packet of 0 bytes or of
 * more than {@link MAX_FRAMED_PACKET_LENGTH}.
 */
export function frame(packet: Uint8Array): Uint8Array {
  if (packet.length < 1 || packet.length > MAX_FRAMED_PACKET_LENGTH) {
    throw new FramingError(
      `cannot frame a packet of ${packet.length} bytes: a frame carries 1..${MAX_FRAMED_PACKET_LENGTH} (4 header + 64 payload); split the message with splitMessage`,
    );
  }
  const fcs = crc16Mcrf4xx(packet, crc16Mcrf4xx([SERIAL_REVISION, packet.length]));
  const out: number[] = [FRAME_FLAG, SERIAL_REVISION, packet.length];
  for (const b of packet) {
    if (b === FRAME_FLAG || b === FRAME_ESCAPE) out.push(FRAME_ESCAPE, b ^ 0x20);
    else out.push(b);
  }
  out.push(fcs >> 8, fcs & 0xff, FRAME_FLAG);
  return Uint8Array.from(out);
}

/**
 * Why the {@link Unframer} rejected bytes:
 * - `garbage`: bytes before the first opening flag of the stream;
 * - `revision`: the byte after a flag is neither 01h nor another flag (a frame of another
 *   revision, or noise between frames);
 * - `undersize` / `oversize`: byte_count is 0, or more than {@link MAX_FRAMED_PACKET_LENGTH};
 * - `truncated`: a raw 7Eh (or the end of the stream) before byte_count packet bytes and the FCS;
 * - `invalid-escape`: 7Dh followed by anything but 5Eh/5Dh, 7Dh right before a flag included;
 * - `fcs`: the received FCS differs from the one computed;
 * - `missing-flag`: the byte after the FCS is not the closing 7Eh.
 */
export type FrameErrorReason =
  | 'garbage'
  | 'revision'
  | 'undersize'
  | 'oversize'
  | 'truncated'
  | 'invalid-escape'
  | 'fcs'
  | 'missing-flag';

/** A frame received whole, with a good FCS: its unescaped packet. */
export interface PacketEvent {
  readonly kind: 'packet';
  readonly packet: Uint8Array;
}

/** Rejected bytes. The unframer then discards bytes up to the next 7Eh without further reports. */
export interface FrameErrorEvent {
  readonly kind: 'error';
  readonly reason: FrameErrorReason;
  /** Stream offset (bytes since the unframer was made) of the byte that revealed the error. */
  readonly offset: number;
  /** Expected against received, in hex. */
  readonly detail: string;
}

/** What the {@link Unframer} reports, in stream order. */
export type FrameEvent = PacketEvent | FrameErrorEvent;

enum St {
  /** Outside a frame, discarding up to the next flag. */
  Hunt,
  /** After a flag: rev, or another flag. */
  Rev,
  Count,
  Data,
  Escape,
  FcsMsb,
  FcsLsb,
  Close,
}

const hex = (b: number, digits = 2): string => `${b.toString(16).toUpperCase().padStart(digits, '0')}h`;

/**
 * Incremental DSP0253 receiver: feed it the UART's bytes in any chunking; it never throws on
 * what the line brings, and reports the same events whatever the chunking.
 */
export class Unframer {
  #state = St.Hunt;
  /** Whether the bytes discarded in Hunt are already covered by a report. */
  #reported = false;
  #offset = 0;
  #count = 0;
  readonly #packet = new Uint8Array(MAX_FRAMED_PACKET_LENGTH);
  #length = 0;
  #fcs = 0;

  /** Consumes the next bytes of the stream; returns the packets and errors they complete. */
  push(bytes: ArrayLike<number>): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (let i = 0; i < bytes.length; i++, this.#offset++) this.#byte(bytes[i]! & 0xff, events);
    return events;
  }

  /** Ends the stream: a frame still open is reported `truncated`; the unframer starts afresh. */
  end(): FrameEvent[] {
    const events: FrameEvent[] = [];
    if (this.#state !== St.Hunt && this.#state !== St.Rev) {
      events.push(this.#error('truncated', 'the stream ended inside a frame'));
    }
    this.#state = St.Hunt;
    this.#reported = false;
    this.#offset = 0;
    return events;
  }

  #error(reason: FrameErrorReason, detail: string): FrameErrorEvent {
    return { kind: 'error', reason, offset: this.#offset, detail };
  }

  /** Reports an error and, unless the byte was a flag (which opens the next frame), hunts. */
  #fail(events: FrameEvent[], reason: FrameErrorReason, detail: string, flag: boolean): void {
    events.push(this.#error(reason, detail));
    this.#state = flag ? St.Rev : St.Hunt;
    this.#reported = true;
  }

  #data(b: number): void {
    this.#packet[this.#length++] = b;
    if (this.#length === this.#count) this.#state = St.FcsMsb;
  }

  #byte(b: number, events: FrameEvent[]): void {
    const flag = b === FRAME_FLAG;
    switch (this.#state) {
      case St.Hunt:
        if (flag) this.#state = St.Rev;
        else if (!this.#reported) {
          events.push(this.#error('garbage', `expected the opening flag 7Eh, got ${hex(b)}`));
          this.#reported = true;
        }
        return;
      case St.Rev:
        // Repeated flags are idle fill between frames.
        if (flag) return;
        if (b !== SERIAL_REVISION) return this.#fail(events, 'revision', `expected rev 01h after a flag, got ${hex(b)}`, false);
        this.#state = St.Count;
        return;
      case St.Count:
        if (flag) return this.#fail(events, 'truncated', 'a flag where byte_count belongs', true);
        if (b === 0) return this.#fail(events, 'undersize', 'byte_count 00h: a frame carries at least one packet byte', false);
        if (b > MAX_FRAMED_PACKET_LENGTH) {
          return this.#fail(events, 'oversize', `byte_count ${hex(b)} exceeds the ${hex(MAX_FRAMED_PACKET_LENGTH)}-byte maximum`, false);
        }
        this.#count = b;
        this.#length = 0;
        this.#state = St.Data;
        return;
      case St.Data:
        if (flag) return this.#fail(events, 'truncated', `a flag after ${this.#length} of ${this.#count} packet bytes`, true);
        if (b === FRAME_ESCAPE) this.#state = St.Escape;
        else this.#data(b);
        return;
      case St.Escape:
        if (b !== 0x5e && b !== 0x5d) {
          return this.#fail(events, 'invalid-escape', `7Dh followed by ${hex(b)}, expected 5Eh or 5Dh`, flag);
        }
        this.#state = St.Data;
        this.#data(b ^ 0x20);
        return;
      case St.FcsMsb:
        this.#fcs = b << 8;
        this.#state = St.FcsLsb;
        return;
      case St.FcsLsb:
        this.#fcs |= b;
        this.#state = St.Close;
        return;
      case St.Close: {
        if (!flag) {
          this.#fail(events, 'missing-flag', `expected the closing flag 7Eh after the FCS, got ${hex(b)}`, false);
          // An FCS byte of 7Eh may have been the next frame's opening flag, swallowed because this
          // frame was cut short or its byte_count corrupted: parse on from it as a flag. Only
          // these two positions can hold a raw 7Eh not taken as a flag, so no frame whose opening
          // flag arrives intact is ever lost. Errors while replaying mean it was just an FCS byte,
          // already reported as this frame's.
          const msb = this.#fcs >> 8;
          const lsb = this.#fcs & 0xff;
          const replay = msb === FRAME_FLAG ? [lsb, b] : lsb === FRAME_FLAG ? [b] : [];
          if (replay.length) this.#state = St.Rev;
          for (const r of replay) this.#byte(r, []);
          return;
        }
        const packet = this.#packet.slice(0, this.#length);
        const fcs = crc16Mcrf4xx(packet, crc16Mcrf4xx([SERIAL_REVISION, this.#length]));
        if (fcs !== this.#fcs) {
          return this.#fail(events, 'fcs', `received FCS ${hex(this.#fcs, 4)}, computed ${hex(fcs, 4)} over ${this.#length} packet bytes`, true);
        }
        events.push({ kind: 'packet', packet });
        this.#state = St.Rev;
        return;
      }
    }
  }
}

/** Unframes a whole buffer: {@link Unframer.push} then {@link Unframer.end}. */
export function unframe(bytes: ArrayLike<number>): FrameEvent[] {
  const u = new Unframer();
  return [...u.push(bytes), ...u.end()];
}
