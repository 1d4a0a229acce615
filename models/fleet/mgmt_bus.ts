/**
 * The shared management line of the fleet, character by character, with the UART's rules
 * (DESIGN.md section 3): a UART starts only after one idle character time following another
 * sender's character, its own queued characters go back to back, and UARTs that start on the
 * same bit arbitrate bit by bit, LSB first, the wired-AND's 0 winning (receivers see the winner's
 * character intact; a loser flushes its whole TX FIFO and flags COLLISION). So a frame is
 * collided or not as a whole, as on the RTL. Costs come from the bit rate: a character is
 * charCycles; RX_TIMEOUT fires after the receivers' TIMEOUT.CHARS idle characters.
 */
import type { Scheduler } from '../cell/scheduler.js';
import type { UartModel } from '../uart/uart.js';

/** One cell's UART as the line sees it (undefined while the cell is off). */
export type UartAt = (cell: number) => UartModel | undefined;

/** Taps the line: every character that went out whole, with its cycle (a passive observer). */
export type LineTap = (ch: number, time: number) => void;

/** The line. */
export class MgmtBus {
  #lastEnd = -Infinity;
  /** Cells whose character ended at #lastEnd and may go on back to back. */
  #senders = new Set<number>();
  #busy = false;
  #pending: (() => void) | undefined;
  /** Characters on the line, and characters lost to collisions (flushed FIFOs), for the bench. */
  readonly counts = { chars: 0, collisions: 0 };
  /** Corrupts a character on the line (a fault): returns the value receivers see. */
  noise: (ch: number) => number = (ch) => ch;

  constructor(private readonly q: Scheduler, private readonly cells: number, private readonly uart: UartAt, private readonly charCycles: number, private readonly tap: LineTap, private readonly changed: (cell: number) => void) {}

  /** Something changed at a UART (its TX FIFO filled): start a character when the line allows. */
  kick(): void {
    if (this.#busy || this.#pending) return;
    const now = this.q.now();
    const ready = this.#ready();
    if (!ready.length) return;
    const again = ready.some((i) => this.#senders.has(i)) && now === this.#lastEnd;
    const at = again ? now : Math.max(now, this.#lastEnd + this.charCycles);
    this.#pending = this.q.at(at, () => {
      this.#pending = undefined;
      this.#start();
    });
  }

  #ready(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.cells; i++) {
      const u = this.uart(i);
      if (u && u.sending === undefined && u.txFifo.length > 0) out.push(i);
    }
    return out;
  }

  #start(): void {
    const now = this.q.now();
    let ready = this.#ready();
    // Back to back, only the senders of the last character go on: the others wait for idle.
    if (now === this.#lastEnd && ready.some((i) => this.#senders.has(i))) ready = ready.filter((i) => this.#senders.has(i));
    if (!ready.length) return this.kick();
    const sent = ready.map((i) => ({ i, ch: this.uart(i)!.transmit()! }));
    // Bitwise arbitration, LSB first: at the first bit where some send 0, those sending 1 lose.
    let alive = sent;
    for (let b = 0; b < 8 && alive.length > 1; b++) {
      if (alive.some((s) => !((s.ch >> b) & 1))) alive = alive.filter((s) => !((s.ch >> b) & 1));
    }
    const winner = alive[0]!.ch;
    // Busy before the losers' wake-ups, which ask the line to start the next character.
    this.#busy = true;
    for (const s of sent) {
      if (alive.includes(s)) continue;
      this.counts.collisions++;
      this.uart(s.i)?.collide();
      this.changed(s.i);
    }
    const end = now + this.charCycles;
    this.q.at(end, () => {
      this.#busy = false;
      this.#lastEnd = end;
      this.#senders = new Set(alive.map((s) => s.i));
      this.counts.chars++;
      const seen = this.noise(winner);
      this.tap(seen, end);
      // Every UART's side of this character first, then the wake-ups: a sender's next character
      // must be ready (transmitted) before any wake-up asks the line who goes on back to back.
      for (let i = 0; i < this.cells; i++) {
        const u = this.uart(i);
        if (!u) continue;
        if (this.#senders.has(i)) u.transmitted();
        else u.receive({ value: seen });
      }
      for (let i = 0; i < this.cells; i++) if (this.uart(i)) this.changed(i);
      this.q.at(end + 2 * this.charCycles, () => this.#idle(end));
      this.kick();
    });
  }

  /** RX_TIMEOUT: idle since `end` for the receivers' timeout (the firmware sets TIMEOUT.CHARS = 2). */
  #idle(end: number): void {
    if (this.#lastEnd !== end || this.#busy) return;
    for (let i = 0; i < this.cells; i++) {
      this.uart(i)?.lineIdle();
      this.changed(i);
    }
  }

  /** The cell's UART was replaced (a reset): it no longer goes on back to back. */
  forget(cell: number): void {
    this.#senders.delete(cell);
  }
}
