/**
 * The firmware's side of the management bus: messages split into MCTP packets (mctp.ts), framed
 * (framing.ts) and fed to the UART's TX FIFO as it drains (TX_THRESH), one frame at a time, so a
 * collision (the UART flushed its FIFO) loses exactly the frame in flight, which goes again
 * after a seeded back-off; and the RX FIFO drained on RX_THRESH / RX_TIMEOUT into the unframer
 * and the reassembler. Interrupt-driven through {@link MgmtLink.service}: a few register
 * batches per frame, never a poll per character.
 */
import { Rng } from '../common/rng.js';
import type { LineSettings } from '../uart/line.js';
import { charCycles } from '../uart/line.js';
import { UartDriver } from '../uart/uart_driver.js';
import { UART_EVENTS, UART_FIFOCTL, UART_IE, UART_OFFSET, UART_STATUS, UART_TIMEOUT } from '../uart/uart_pkg.js';
import { frame, Unframer } from './framing.js';
import { BROADCAST_EID, decodePacket, encodePacket, Reassembler, splitMessage } from './mctp.js';

/** A message received for this cell (or broadcast). */
export interface Received {
  readonly src: number;
  readonly dst: number;
  readonly tagOwner: boolean;
  readonly body: Uint8Array;
}

/** FIFO thresholds: wake with room for half a FIFO, or half a FIFO to drain. */
const THRESHOLD = 8;

/** The management bus, as one cell's firmware drives it. */
export class MgmtLink {
  readonly #frames: Uint8Array[] = [];
  #current: { readonly bytes: Uint8Array; pushed: number } | undefined;
  #retryAt: number | undefined;
  #attempts = 0;
  readonly #unframer = new Unframer();
  readonly #reassembler = new Reassembler();
  readonly #char: number;
  /** Frames lost to collisions and sent again (tests and the bench). */
  collisions = 0;

  constructor(private readonly uart: UartDriver, private readonly eid: number, private readonly settings: LineSettings, private readonly rng: Rng, private readonly now: () => number) {
    this.#char = charCycles(settings);
  }

  /** Line settings, FIFO thresholds, idle timeout, interrupt enables. */
  async init(): Promise<void> {
    await this.uart.configure(this.settings);
    await this.uart.port.batch([
      { kind: 'write', offset: UART_OFFSET.FIFOCTL, data: UART_FIFOCTL.RXTHR.put(THRESHOLD) | UART_FIFOCTL.TXTHR.put(THRESHOLD) },
      { kind: 'write', offset: UART_OFFSET.TIMEOUT, data: UART_TIMEOUT.CHARS.put(2) },
      { kind: 'write', offset: UART_OFFSET.EVENTS, data: 0xffffffff },
    ]);
    await this.#enable();
  }

  /** Queues a message (type byte first) for `dst`. */
  send(dst: number, body: Uint8Array, tagOwner: boolean): void {
    for (const p of splitMessage(body, { dst, src: this.eid, tagOwner, tag: 0 })) this.#frames.push(frame(encodePacket(p)));
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

  /** Handles the UART: collisions, received bytes, TX refill. Returns the messages completed. */
  async service(): Promise<Received[]> {
    const events = await this.uart.events();
    if (events) await this.uart.clearEvents(events);
    if (events & UART_EVENTS.COLLISION.mask && this.#current) {
      // The UART flushed its TX FIFO: this frame is lost; it goes again after a back-off.
      this.collisions++;
      this.#frames.unshift(this.#current.bytes);
      this.#current = undefined;
      this.#attempts++;
      this.#retryAt = this.now() + this.#char * (2 + this.rng.below(4 << Math.min(this.#attempts, 4)));
    }
    const out: Received[] = [];
    for (let lv = await this.uart.levels(); lv.rx > 0; lv = await this.uart.levels()) {
      for (const e of this.#unframer.push(await this.uart.drain(lv.rx))) {
        if (e.kind !== 'packet') continue;
        const d = decodePacket(e.packet);
        if (!d.ok || (d.packet.dst !== this.eid && d.packet.dst !== BROADCAST_EID)) continue;
        for (const m of this.#reassembler.push(d.packet)) {
          if (m.kind === 'message') out.push({ src: m.src, dst: m.dst, tagOwner: m.tagOwner, body: m.message });
        }
      }
    }
    await this.#refill();
    return out;
  }

  async #refill(): Promise<void> {
    const lv = await this.uart.levels();
    if (this.#current && this.#current.pushed === this.#current.bytes.length && lv.tx === 0) {
      // All of it went out without a collision (TX_EMPTY would not be set otherwise).
      const st = (await this.uart.port.read(UART_OFFSET.STATUS)).data;
      if (UART_STATUS.TX_EMPTY.get(st)) {
        this.#current = undefined;
        this.#attempts = 0;
      }
    }
    if (!this.#current && this.#frames.length && (this.#retryAt === undefined || this.now() >= this.#retryAt)) {
      this.#current = { bytes: this.#frames.shift()!, pushed: 0 };
      this.#retryAt = undefined;
    }
    const c = this.#current;
    if (c && c.pushed < c.bytes.length) {
      const n = Math.min(this.uart.fifoDepth - lv.tx, c.bytes.length - c.pushed);
      await this.uart.send(Array.from(c.bytes.subarray(c.pushed, c.pushed + n)));
      c.pushed += n;
    }
    await this.#enable();
  }

  /** RX and collisions always; TX_THRESH while bytes wait, TX_EMPTY while the last ones leave. */
  async #enable(): Promise<void> {
    const c = this.#current;
    const ie = UART_IE.RX_THRESH.mask | UART_IE.RX_TIMEOUT.mask | UART_IE.COLLISION.mask
      | (c && c.pushed < c.bytes.length ? UART_IE.TX_THRESH.mask : 0)
      | (c && c.pushed === c.bytes.length ? UART_IE.TX_EMPTY.mask : 0);
    await this.uart.port.write(UART_OFFSET.IE, ie);
  }
}
