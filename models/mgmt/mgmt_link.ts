/**
 * The firmware's side of the management bus: messages split into MCTP packets (mctp.ts), framed
 * (framing.ts) and fed to the UART's TX FIFO a whole frame at a time (the cell's FIFO holds one:
 * UART_FIFO_DEPTH), so a collision (the UART flushed its FIFO) loses exactly the frame in flight,
 * which goes again after a seeded back-off; and the RX FIFO drained at a frame's end (RX_TIMEOUT)
 * or when nearly full (RX_THRESH) into the unframer and the reassembler. Interrupt-driven
 * through {@link MgmtLink.service}: one or two register batches per frame, never a poll per character.
 */
import { Rng } from '../common/rng.js';
import type { LineSettings } from '../uart/line.js';
import { charCycles } from '../uart/line.js';
import { UartDriver } from '../uart/uart_driver.js';
import { drainOp, readOp, writeFromOp, writeOp, type RegOp, type RegResult } from '../common/reg_port.js';
import { sameBytes } from '../common/words.js';
import { UART_EVENTS, UART_FIFOCTL, UART_IE, UART_LEVEL, UART_OFFSET, UART_RXDATA, UART_STATUS, UART_TIMEOUT } from '../uart/uart_pkg.js';
import { frame, Unframer } from './framing.js';
import { BROADCAST_EID, decodePacket, encodePacket, Reassembler, splitMessage } from './mctp.js';

/** A message received for this cell (or broadcast). */
export interface Received {
  readonly src: number;
  readonly dst: number;
  readonly tagOwner: boolean;
  readonly body: Uint8Array;
}

/**
 * RX wakes with room left for this many characters (as many character times to drain before an
 * overrun); a frame's end wakes it sooner (RX_TIMEOUT).
 */
const RX_MARGIN = 32;
/** TX wakes to refill with at most this many characters left (only a frame longer than the FIFO needs it). */
const TX_REFILL = 16;

const READ_LEVEL = readOp(UART_OFFSET.LEVEL);

/** What one wake-up does to the UART, before the firmware looks ({@link MgmtLink.wakeOps}'s results, in order). */
export type LinkSnapshot = readonly RegResult[];

/** The management bus, as one cell's firmware drives it. */
export class MgmtLink {
  readonly #frames: Uint8Array[] = [];
  #current: { readonly bytes: Uint8Array; pushed: number } | undefined;
  #retryAt: number | undefined;
  #attempts = 0;
  readonly #unframer = new Unframer();
  readonly #reassembler = new Reassembler();
  readonly #char: number;
  readonly #wakeOps: readonly RegOp[];
  /** IE as last written. */
  #ie = this.#interrupts();
  /** Frames lost to collisions and sent again (tests and the bench). */
  collisions = 0;
  /** Messages not queued because a copy still waited whole (tests). */
  duplicates = 0;

  constructor(private readonly uart: UartDriver, private readonly eid: number, private readonly settings: LineSettings, private readonly rng: Rng, private readonly now: () => number) {
    this.#char = charCycles(settings);
    this.#wakeOps = [
      readOp(UART_OFFSET.EVENTS),
      writeFromOp(UART_OFFSET.EVENTS, 1),
      drainOp(UART_OFFSET.RXDATA, UART_RXDATA.VALID.mask, uart.fifoDepth),
      READ_LEVEL,
      readOp(UART_OFFSET.STATUS),
    ];
  }

  /** Line settings, FIFO thresholds, idle timeout, interrupt enables. */
  async init(): Promise<void> {
    await this.uart.configure(this.settings);
    await this.uart.port.batch([
      writeOp(UART_OFFSET.FIFOCTL, UART_FIFOCTL.RXTHR.put(this.uart.fifoDepth - RX_MARGIN) | UART_FIFOCTL.TXTHR.put(TX_REFILL)),
      writeOp(UART_OFFSET.TIMEOUT, UART_TIMEOUT.CHARS.put(2)),
      writeOp(UART_OFFSET.EVENTS, 0xffffffff),
      writeOp(UART_OFFSET.IE, this.#ie),
    ]);
  }

  /**
   * Queues a message (type byte first) for `dst`, unless the same message still waits whole in
   * the queue: a retry, or a cached reply to one, whose first copy has not started adds nothing
   * but load to a congested line (frames leave in order, so its first frame waiting means all do).
   */
  send(dst: number, body: Uint8Array, tagOwner: boolean): void {
    const frames = splitMessage(body, { dst, src: this.eid, tagOwner, tag: 0 }).map((p) => frame(encodePacket(p)));
    if (this.#frames.some((f) => sameBytes(f, frames[0]!))) {
      this.duplicates++;
      return;
    }
    this.#frames.push(...frames);
  }

  /** Frames waiting or in flight. */
  get pending(): number {
    return this.#frames.length + (this.#current ? 1 : 0);
  }

  /** No frame in flight, one waits and its back-off (if any) is over: {@link service} starts it. */
  get startable(): boolean {
    return !this.#current && this.#frames.length > 0 && (this.#retryAt === undefined || this.now() >= this.#retryAt);
  }

  /** When the link wants to run again without an interrupt (a back-off ending). */
  deadline(): number | undefined {
    return this.#current ? undefined : this.#frames.length ? this.#retryAt : undefined;
  }

  /**
   * A wake-up's accesses, to batch with the caller's own (on the RTL after the wait for the
   * interrupt, in one round trip): EVENTS read and cleared as read, the RX FIFO drained, then
   * LEVEL and STATUS. Made once: every wake-up is the same.
   */
  wakeOps(): readonly RegOp[] {
    return this.#wakeOps;
  }

  /**
   * Handles the UART: collisions, received bytes, TX refill. Returns the messages completed.
   * `snap`: {@link wakeOps}' results, run by the caller's wake-up. Another batch
   * drains what came during the drain, and one refills the TX FIFO when it can take a frame:
   * one or two round trips per frame on the RTL, whatever its length.
   */
  async service(snap: LinkSnapshot): Promise<Received[]> {
    const [ev, , drain, level, st] = snap;
    const events = ev!.data;
    if (events & UART_EVENTS.COLLISION.mask && this.#current) {
      // The UART flushed its TX FIFO: this frame is lost; it goes again after a back-off.
      this.collisions++;
      this.#frames.unshift(this.#current.bytes);
      this.#current = undefined;
      this.#attempts++;
      this.#retryAt = this.now() + this.#char * (2 + this.rng.below(4 << Math.min(this.#attempts, 4)));
    }
    const out: Received[] = [];
    this.#receive(drain!.reads ?? [], out);
    // Characters that came during the drain (or beyond its reads) are drained now, not left for
    // an RX_TIMEOUT that was already cleared.
    for (let lv = UART_LEVEL.RX.get(level!.data); lv > 0;) {
      const [more, after] = await this.uart.port.batch([drainOp(UART_OFFSET.RXDATA, UART_RXDATA.VALID.mask, lv), READ_LEVEL]);
      this.#receive(more!.reads ?? [], out);
      lv = UART_LEVEL.RX.get(after!.data);
    }
    await this.#refill(UART_LEVEL.TX.get(level!.data), UART_STATUS.TX_EMPTY.get(st!.data) === 1);
    return out;
  }

  /**
   * Starts the next frame ({@link startable}) without reading the UART first: with no frame in
   * flight the TX FIFO is empty (the last one went out, or a collision flushed it).
   */
  async start(): Promise<void> {
    await this.#refill(0, false);
  }

  /** `reads`: RXDATA as read, each with VALID set. */
  #receive(reads: readonly number[], out: Received[]): void {
    if (!reads.length) return;
    for (const e of this.#unframer.push(reads.map((d) => UART_RXDATA.DATA.get(d)))) {
      if (e.kind !== 'packet') continue;
      const d = decodePacket(e.packet);
      if (!d.ok || (d.packet.dst !== this.eid && d.packet.dst !== BROADCAST_EID)) continue;
      for (const m of this.#reassembler.push(d.packet)) {
        if (m.kind === 'message') out.push({ src: m.src, dst: m.dst, tagOwner: m.tagOwner, body: m.message });
      }
    }
  }

  /** `txLevel`, `txEmpty`: LEVEL.TX and STATUS.TX_EMPTY of this wake's snapshot (the FIFO only drained since). */
  async #refill(txLevel: number, txEmpty: boolean): Promise<void> {
    if (this.#current && this.#current.pushed === this.#current.bytes.length && txLevel === 0 && txEmpty) {
      // All of it went out without a collision (TX_EMPTY would not be set otherwise).
      this.#current = undefined;
      this.#attempts = 0;
    }
    if (!this.#current && this.#frames.length && (this.#retryAt === undefined || this.now() >= this.#retryAt)) {
      this.#current = { bytes: this.#frames.shift()!, pushed: 0 };
      this.#retryAt = undefined;
    }
    const ops: RegOp[] = [];
    const c = this.#current;
    if (c && c.pushed < c.bytes.length) {
      const n = Math.min(this.uart.fifoDepth - txLevel, c.bytes.length - c.pushed);
      for (const b of c.bytes.subarray(c.pushed, c.pushed + n)) ops.push(writeOp(UART_OFFSET.TXDATA, b));
      c.pushed += n;
    }
    const ie = this.#interrupts();
    if (ie !== this.#ie) ops.push(writeOp(UART_OFFSET.IE, ie));
    this.#ie = ie;
    if (ops.length) await this.uart.port.batch(ops);
  }

  /** RX and collisions always; TX_THRESH while bytes wait, TX_EMPTY while the last ones leave. */
  #interrupts(): number {
    const c = this.#current;
    return UART_IE.RX_THRESH.mask | UART_IE.RX_TIMEOUT.mask | UART_IE.COLLISION.mask
      | (c && c.pushed < c.bytes.length ? UART_IE.TX_THRESH.mask : 0)
      | (c && c.pushed === c.bytes.length ? UART_IE.TX_EMPTY.mask : 0);
  }
}
