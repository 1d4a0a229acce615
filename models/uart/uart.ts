/**
 * The UART at its register interface: the generated register map plus what the logic behind
 * it does (TX and RX FIFOs, sticky error events, FIFO thresholds, interrupts), at character
 * level. The line side is driven by the caller: `transmit` is the TX engine taking a character,
 * `receive` a character arriving from another sender, `collide` a lost arbitration, `lineIdle`
 * the RX idle timeout running out.
 */
import { RegBlockModel, type RegAccess } from '../common/regmap.js';
import { parityBit, type LineSettings } from './line.js';
import { Parity, UART_TXDATA, uartRegs } from './uart_pkg.js';

/** A character as the receiver decided it. */
export interface RxChar {
  readonly value: number;
  readonly framingError?: boolean;
  readonly parityError?: boolean;
  readonly break?: boolean;
}

/** Flags of EVENTS (w1c), by field name. */
export type UartEvent = 'OVERRUN' | 'FRAMING' | 'PARITY' | 'BREAK' | 'COLLISION' | 'RX_TIMEOUT';

const EVENTS: readonly UartEvent[] = ['OVERRUN', 'FRAMING', 'PARITY', 'BREAK', 'COLLISION', 'RX_TIMEOUT'];

export class UartModel {
  readonly regs: RegBlockModel;
  /** TX FIFO, oldest first. */
  readonly txFifo: number[] = [];
  /** RX FIFO, oldest first. */
  readonly rxFifo: number[] = [];
  /** The character the TX engine is sending, if any. */
  sending?: number;

  /** @param depth FIFO entries (the RTL's FifoDepth). @defaultValue 16 */
  constructor(readonly depth = 16) {
    this.regs = new RegBlockModel(uartRegs, {
      onWrite: (reg, data) => {
        if (reg === 'TXDATA' && this.txFifo.length < depth) this.txFifo.push(UART_TXDATA.DATA.get(data));
      },
      onRead: (reg) => {
        if (reg === 'RXDATA') this.rxFifo.shift();
      },
    });
    this.refresh();
  }

  /** An APB write. */
  write(offset: number, data: number): RegAccess {
    const r = this.regs.write(offset, data);
    this.refresh();
    return r;
  }

  /** An APB read (RXDATA pops). */
  read(offset: number): RegAccess {
    this.refresh();
    const r = this.regs.read(offset);
    this.refresh();
    return r;
  }

  /** LCR.P2P: separate wires, no carrier sense, collision detection or echo suppression. */
  pointToPoint(): boolean {
    return this.regs.field('LCR', 'P2P') === 1;
  }

  /** The line settings DIV and LCR program. */
  settings(): LineSettings {
    const p = this.regs.field('LCR', 'PARITY');
    return { divisor: this.regs.field('DIV', 'DIVISOR'), parity: p in Parity ? (p as Parity) : Parity.None, stop2: this.regs.field('LCR', 'STOP2') === 1 };
  }

  /** The TX engine takes the next character; undefined when the FIFO is empty. */
  transmit(): number | undefined {
    this.sending = this.txFifo.shift();
    this.refresh();
    return this.sending;
  }

  /** The character being sent went out whole. */
  transmitted(): void {
    this.sending = undefined;
    this.refresh();
  }

  /**
   * The line has been idle for TIMEOUT.CHARS character times since the last character: the
   * end of a frame, flagged when the RX FIFO holds data (and CHARS is not 0).
   */
  lineIdle(): void {
    if (this.regs.field('TIMEOUT', 'CHARS') !== 0 && this.rxFifo.length > 0) this.raise('RX_TIMEOUT');
  }

  /** Lost the bus: the character is abandoned and the TX FIFO flushed. */
  collide(): void {
    this.sending = undefined;
    this.txFifo.length = 0;
    this.raise('COLLISION');
  }

  /**
   * A character from another sender: pushed with its flags, or dropped with OVERRUN when full.
   * A framing error whose every bit was 0 is a break on the line, whatever the sender meant.
   */
  receive(ch: RxChar): void {
    const p = parityBit(ch.value, this.settings().parity);
    const allLow = (ch.value & 0xff) === 0 && (p === undefined || (p ^ (ch.parityError ? 1 : 0)) === 0);
    if (ch.break || (ch.framingError && allLow)) return this.raise('BREAK');
    if (this.rxFifo.length === this.depth) return this.raise('OVERRUN');
    this.rxFifo.push(ch.value & 0xff);
    if (ch.framingError) this.regs.raise('EVENTS', 'FRAMING');
    if (ch.parityError) this.regs.raise('EVENTS', 'PARITY');
    this.refresh();
  }

  /** Is an EVENTS flag set? */
  event(name: UartEvent): boolean {
    return this.regs.field('EVENTS', name) === 1;
  }

  /** STATUS.RX_THRESH: the RX FIFO holds at least FIFOCTL.RXTHR characters (0 acts as 1). */
  rxThreshold(): boolean {
    return this.rxFifo.length >= Math.max(1, this.regs.field('FIFOCTL', 'RXTHR'));
  }

  /** STATUS.TX_THRESH: the TX FIFO holds at most FIFOCTL.TXTHR characters. */
  txThreshold(): boolean {
    return this.txFifo.length <= this.regs.field('FIFOCTL', 'TXTHR');
  }

  /** irq_o: any enabled STATUS condition or EVENTS flag. */
  irq(): boolean {
    const ie = (f: string): boolean => this.regs.field('IE', f) === 1;
    const txEmpty = this.txFifo.length === 0 && this.sending === undefined;
    return (ie('TX_EMPTY') && txEmpty) || (ie('RX_AVAIL') && this.rxFifo.length > 0)
      || (ie('RX_THRESH') && this.rxThreshold()) || (ie('TX_THRESH') && this.txThreshold())
      || EVENTS.some((e) => ie(e) && this.event(e));
  }

  private raise(e: UartEvent): void {
    this.regs.raise('EVENTS', e);
    this.refresh();
  }

  /** Puts the FIFO state on the read-only fields. */
  private refresh(): void {
    const r = this.regs;
    r.setHw('RXDATA', 'DATA', this.rxFifo[0] ?? 0);
    r.setHw('RXDATA', 'VALID', this.rxFifo.length > 0 ? 1 : 0);
    r.setHw('STATUS', 'TX_EMPTY', this.txFifo.length === 0 && this.sending === undefined ? 1 : 0);
    r.setHw('STATUS', 'TX_FULL', this.txFifo.length === this.depth ? 1 : 0);
    r.setHw('STATUS', 'RX_AVAIL', this.rxFifo.length > 0 ? 1 : 0);
    r.setHw('STATUS', 'RX_FULL', this.rxFifo.length === this.depth ? 1 : 0);
    r.setHw('STATUS', 'TX_BUSY', this.sending === undefined ? 0 : 1);
    r.setHw('STATUS', 'RX_THRESH', this.rxThreshold() ? 1 : 0);
    r.setHw('STATUS', 'TX_THRESH', this.txThreshold() ? 1 : 0);
    r.setHw('LEVEL', 'TX', this.txFifo.length);
    r.setHw('LEVEL', 'RX', this.rxFifo.length);
  }
}
