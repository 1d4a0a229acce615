/**
 * The shared management line of the fleet, a transmission at a time, with the UART's rules
 * (DESIGN.md section 3): a UART starts only after one idle character time following another
 * sender's last character; its own queued characters go back to back, and the UART whose character
 * was the last on the line may start again at once (rtl/uart's own_last: a firmware refilling its
 * FIFO between the frames of one message keeps the line); UARTs that start on the same
 * bit arbitrate bit by bit, LSB first, the wired-AND's 0 winning (receivers see the winner's
 * character intact; a loser flushes its whole TX FIFO and flags COLLISION), so a frame is
 * collided or not as a whole, as on the RTL. Costs come from the bit rate: a character is
 * `charCycles`; RX_TIMEOUT fires {@link IDLE_TIMEOUT_CHARS} idle characters after the last one.
 *
 * The line is fed from the UARTs' TX FIFOs (the firmware fills them through the registers, as on
 * the RTL) but it does not step character by character: the UARTs' FIFOs are brought up to date
 * lazily ({@link MgmtBus.sync}, before anything reads them) and the line wakes the cells only at
 * the characters where an interrupt can change — a receiver's RX threshold, the sender's TX
 * threshold, the end of a transmission, the idle timeout, a collision — so a frame costs a few
 * events, not a few per character and cell. Every character still ends at the cycle it would on
 * the wire, and the passive tap sees each with that cycle.
 */
import type { Scheduler } from '../cell/scheduler.js';
import type { UartModel } from '../uart/uart.js';

/** One cell's UART as the line sees it (undefined while the cell is off). */
export type UartAt = (cell: number) => UartModel | undefined;

/** Taps the line: every character that went out whole, with its cycle (a passive observer). */
export type LineTap = (ch: number, time: number) => void;

/** The receivers' RX idle timeout, in characters (the firmware sets TIMEOUT.CHARS = 2). */
export const IDLE_TIMEOUT_CHARS = 2;

interface Sender {
  readonly cell: number;
  readonly uart: UartModel;
}

/** Characters from one winner, back to back (several senders only until arbitration sorts them). */
interface Transmission {
  /** Cycle of the next character boundary: the one in flight ends, the next may start. */
  next: number;
  senders: Sender[];
  /** The character in flight as its senders drive it. */
  ch: number;
}

/** The line. */
export class MgmtBus {
  #tx: Transmission | undefined;
  #lastEnd = -Infinity;
  /** The cells whose character was the last on the line (they need no idle character before their next). */
  #owners = new Set<number>();
  /** The idle timeout after #lastEnd was delivered, or a new transmission came first. */
  #idleDone = true;
  #cancel: (() => void) | undefined;
  #dirty = true;
  #noise: (ch: number) => number = (ch) => ch;
  /** Characters on the line, and characters lost to collisions (flushed FIFOs), for the bench. */
  readonly counts = { chars: 0, collisions: 0 };

  constructor(private readonly q: Scheduler, private readonly cells: number, private readonly uart: UartAt, private readonly charCycles: number, private readonly tap: LineTap, private readonly changed: (cell: number) => void) {}

  /** Corrupts each character on the line from now on (a fault): returns the value receivers see. */
  set noise(fn: (ch: number) => number) {
    this.sync();
    this.#noise = fn;
  }

  /** A UART's registers were touched (its FIFOs, thresholds or enables): plan the line again. */
  touch(): void {
    this.#dirty = true;
  }

  /**
   * Brings every UART up to now: the characters that started or ended since, delivered to the
   * receivers and the tap with their own cycles, and the idle timeout. Call before anything reads
   * a UART, and before a cell goes off or comes up (who receives changes).
   */
  sync(): void {
    const now = this.q.now();
    while (this.#tx && this.#tx.next <= now) this.#boundary(this.#tx);
    if (!this.#tx && !this.#idleDone && this.#lastEnd + IDLE_TIMEOUT_CHARS * this.charCycles <= now) {
      this.#idleDone = true;
      for (let i = 0; i < this.cells; i++) this.uart(i)?.lineIdle();
    }
  }

  /** Plans the line's next wake-up after the UARTs were touched (the fleet calls it once the firmware waits). */
  update(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#cancel?.();
    const at = this.#nextEvent();
    this.#cancel = at === undefined ? undefined : this.q.at(Math.max(at, this.q.now()), () => this.#wake());
  }

  #wake(): void {
    this.#cancel = undefined;
    this.sync();
    if (!this.#tx) this.#begin();
    for (let i = 0; i < this.cells; i++) if (this.uart(i)) this.changed(i);
    this.#dirty = true;
    this.update();
  }

  /** UARTs with a character queued and none in flight. */
  #ready(): Sender[] {
    const out: Sender[] = [];
    for (let i = 0; i < this.cells; i++) {
      const u = this.uart(i);
      if (u && u.sending === undefined && u.txFifo.length > 0) out.push({ cell: i, uart: u });
    }
    return out;
  }

  /** Those of `ready` carrier sense lets start at `now`: the last character's owners from its end, anyone one idle character later. */
  #startable(ready: Sender[], now: number): Sender[] {
    if (now >= this.#lastEnd + this.charCycles) return ready;
    return now >= this.#lastEnd ? ready.filter((s) => this.#owners.has(s.cell)) : [];
  }

  /** Carrier sense allowed it: every UART it allows with a character queued starts now. */
  #begin(): void {
    const senders = this.#startable(this.#ready(), this.q.now());
    if (!senders.length) return;
    // A start before the idle timeout ran out cancels it (sync delivered it if it had).
    this.#idleDone = true;
    this.#start({ next: this.q.now(), senders, ch: 0 });
  }

  /** A character boundary: the character in flight ends; the senders with more go on back to back. */
  #boundary(tx: Transmission): void {
    const end = tx.next;
    const seen = this.#noise(tx.ch);
    this.counts.chars++;
    this.tap(seen, end);
    // A sender that went off finishes its character in flight, and no more.
    const on = tx.senders.filter((s) => this.uart(s.cell) === s.uart);
    for (const s of on) s.uart.transmitted();
    const rx = { value: seen };
    for (let i = 0; i < this.cells; i++) if (!sends(tx.senders, i)) this.uart(i)?.receive(rx);
    tx.senders = on.filter((s) => s.uart.txFifo.length > 0);
    if (!tx.senders.length) {
      this.#tx = undefined;
      this.#lastEnd = end;
      this.#owners = new Set(on.map((s) => s.cell));
      this.#idleDone = false;
      return;
    }
    this.#start(tx);
  }

  /** Each sender takes its next character; bitwise arbitration, LSB first: where some send 0, those sending 1 lose. */
  #start(tx: Transmission): void {
    const sent = tx.senders.map((s) => ({ s, ch: s.uart.transmit()! }));
    let alive = sent;
    for (let b = 0; b < 8 && alive.length > 1; b++) {
      if (alive.some((x) => !((x.ch >> b) & 1))) alive = alive.filter((x) => !((x.ch >> b) & 1));
    }
    for (const x of sent) {
      if (alive.includes(x)) continue;
      this.counts.collisions++;
      x.s.uart.collide();
    }
    tx.senders = alive.map((x) => x.s);
    tx.ch = alive[0]!.ch;
    tx.next += this.charCycles;
    this.#tx = tx;
  }

  /** The next cycle at which a UART's interrupt can change, or the line can start. */
  #nextEvent(): number | undefined {
    const C = this.charCycles;
    const tx = this.#tx;
    if (!tx) {
      const idle = this.#idleDone ? undefined : this.#lastEnd + IDLE_TIMEOUT_CHARS * C;
      const ready = this.#ready();
      const now = this.q.now();
      const start = !ready.length ? undefined : this.#startable(ready, now).length ? now : Math.max(now, this.#lastEnd + C);
      return idle === undefined ? start : start === undefined ? idle : Math.min(idle, start);
    }
    // Several senders: they arbitrate character by character (a loser's collision is an interrupt).
    if (tx.senders.length > 1) return tx.next;
    const w = tx.senders[0]!;
    // Characters after the one in flight (none when the sender went off).
    const queued = this.uart(w.cell) === w.uart ? w.uart.txFifo.length : 0;
    // The boundary at which its FIFO is found empty: the end of the transmission (TX_EMPTY).
    let at = tx.next + queued * C;
    const ie = (u: UartModel, f: string): boolean => u.regs.field('IE', f) === 1;
    const txThr = w.uart.regs.field('FIFOCTL', 'TXTHR');
    if (ie(w.uart, 'TX_THRESH') && queued > txThr) at = Math.min(at, tx.next + (queued - txThr - 1) * C);
    for (let i = 0; i < this.cells; i++) {
      const u = this.uart(i);
      if (!u || i === w.cell) continue;
      const len = u.rxFifo.length;
      // Characters until an enabled RX condition holds (those that hold already changed nothing).
      let need = Infinity;
      const until = (n: number): void => {
        if (n > 0 && n < need) need = n;
      };
      if (ie(u, 'RX_AVAIL')) until(1 - len);
      if (ie(u, 'RX_THRESH')) until(Math.max(1, u.regs.field('FIFOCTL', 'RXTHR')) - len);
      if (ie(u, 'OVERRUN')) until(u.depth + 1 - len);
      // The n-th character from now ends at tx.next + (n - 1) C, if the sender has it.
      if (need <= queued + 1) at = Math.min(at, tx.next + (need - 1) * C);
    }
    return at;
  }
}

/** Whether cell `cell` is one of `senders` (a loop: this runs for every cell at every character). */
function sends(senders: readonly Sender[], cell: number): boolean {
  for (const s of senders) if (s.cell === cell) return true;
  return false;
}
