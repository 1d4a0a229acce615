/**
 * A passive observer of the management line: every character that went out whole, deframed
 * (DSP0253), reassembled (DSP0236) and decoded, with the cycle its last character ended. The
 * scenarios assert on this log, never on what the firmware says of itself.
 */
import { Unframer } from '../mgmt/framing.js';
import { decodePacket, eidCell, Reassembler } from '../mgmt/mctp.js';
import { decodeMessage, MessageError, type Message, type MessageName } from '../mgmt/messages.js';

/** One message seen on the line. */
export interface BusMessage extends Message {
  readonly time: number;
  /** Cell indices (dst undefined for broadcast). */
  readonly src: number;
  readonly dst: number | undefined;
}

/** The deframer on the line. */
export class BusMonitor {
  readonly messages: BusMessage[] = [];
  readonly #unframer = new Unframer();
  readonly #reassembler = new Reassembler();
  /** The character being pushed (the unframer takes a buffer; one is reused, not made per character). */
  readonly #one = [0];
  /** Frames with a bad FCS or cut short (collisions, noise). */
  badFrames = 0;

  /** One character from the line. */
  char(ch: number, time: number): void {
    this.#one[0] = ch;
    for (const e of this.#unframer.push(this.#one)) {
      if (e.kind !== 'packet') {
        this.badFrames++;
        continue;
      }
      const d = decodePacket(e.packet);
      if (!d.ok) continue;
      for (const r of this.#reassembler.push(d.packet)) {
        if (r.kind !== 'message') continue;
        try {
          this.messages.push({ ...decodeMessage(r.message), time, src: eidCell(r.src) ?? -1, dst: eidCell(r.dst) });
        } catch (err) {
          if (!(err instanceof MessageError)) throw err;
        }
      }
    }
  }

  /** Messages of one name, optionally requests or responses only. */
  named(name: MessageName, request?: boolean): BusMessage[] {
    return this.messages.filter((m) => m.name === name && (request === undefined || m.request === request));
  }

  /** The conversation between two cells (either direction), in order, as `Name` / `Name:cc`. */
  conversation(a: number, b: number): string[] {
    return this.messages
      .filter((m) => m.name !== 'Announce' && ((m.src === a && m.dst === b) || (m.src === b && m.dst === a)))
      .map((m) => `${m.src}>${m.dst} ${m.name}${m.request ? '' : `:${m.cc}`}`);
  }
}
