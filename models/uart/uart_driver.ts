/**
 * The management processor's UART driver: line settings, sending, draining the RX FIFO, FIFO
 * levels and events, over a {@link RegPort}, so the same code runs against the RTL (an APB
 * master) and against {@link UartModel} (through `modelPort`). Every multi-access step is one
 * batch: on the RTL, one round trip.
 */
import { readOp, writeOp, type RegPort } from '../common/reg_port.js';
import type { LineSettings } from './line.js';
import { UART_LCR, UART_LEVEL, UART_OFFSET as R, UART_RXDATA } from './uart_pkg.js';

/** LCR's modes beside the line settings. */
export interface LineMode {
  /** LCR.LOOPBACK. @defaultValue false */
  readonly loopback?: boolean;
  /** LCR.P2P: separate wires, full duplex. @defaultValue false */
  readonly p2p?: boolean;
}

/** The LCR value for the settings and modes. */
export function lcrValue(s: LineSettings, mode: LineMode = {}): number {
  return UART_LCR.PARITY.put(s.parity) | UART_LCR.STOP2.put(s.stop2 ? 1 : 0)
    | UART_LCR.LOOPBACK.put(mode.loopback ? 1 : 0) | UART_LCR.P2P.put(mode.p2p ? 1 : 0);
}

/** The FIFO fill levels (LEVEL). */
export interface UartLevels {
  readonly tx: number;
  readonly rx: number;
}

/** One UART behind a register port. */
export class UartDriver {
  /** `fifoDepth`: entries of each FIFO (the RTL's FifoDepth). @defaultValue 16 */
  constructor(readonly port: RegPort, readonly fifoDepth = 16) {}

  /** DIV and LCR. */
  async configure(s: LineSettings, mode: LineMode = {}): Promise<void> {
    await this.port.batch([writeOp(R.DIV, s.divisor), writeOp(R.LCR, lcrValue(s, mode))]);
  }

  /** Queues `bytes` in the TX FIFO (beyond its room they are dropped, as TXDATA drops them). */
  async send(bytes: readonly number[]): Promise<void> {
    await this.port.batch(bytes.map((b) => writeOp(R.TXDATA, b)));
  }

  /**
   * The firmware's drain: `reads` reads of RXDATA at once, keeping the characters whose VALID
   * is set. @defaultValue reads: the FIFO's depth
   */
  async drain(reads = this.fifoDepth): Promise<number[]> {
    const got = await this.port.batch(Array.from({ length: reads }, () => readOp(R.RXDATA)));
    return got.filter((r) => UART_RXDATA.VALID.get(r.data)).map((r) => UART_RXDATA.DATA.get(r.data));
  }

  /** LEVEL. */
  async levels(): Promise<UartLevels> {
    const v = (await this.port.read(R.LEVEL)).data;
    return { tx: UART_LEVEL.TX.get(v), rx: UART_LEVEL.RX.get(v) };
  }

  /** Free entries of the TX FIFO (from LEVEL). */
  async txRoom(): Promise<number> {
    return this.fifoDepth - (await this.levels()).tx;
  }

  /** EVENTS. */
  async events(): Promise<number> {
    return (await this.port.read(R.EVENTS)).data;
  }

  /** Clears the EVENTS flags of `mask` (write 1 to clear). */
  async clearEvents(mask: number): Promise<void> {
    await this.port.write(R.EVENTS, mask);
  }
}
