/**
 * What the management firmware may touch: its cell's CSR bus, its cell's interrupt, and time in
 * clock cycles. Nothing else (no bridge, no globals), so one firmware runs on the register model
 * of models/cell/ (through models/fleet/) and on the RTL (through the bridge's APB master).
 */
import { movedOp, type RegOp, type RegPort, type RegResult } from '../common/reg_port.js';
import { WINDOW_BYTES, type CellWindow } from '../cell/cell_pkg.js';

/** How a {@link Platform.waitInterrupt} ended. */
export interface Wake {
  readonly irq: boolean;
  /** The results of its `then` accesses, in order. */
  readonly regs: readonly RegResult[];
}

/** The firmware's world. */
export interface Platform {
  /** The cell's APB bus: 12-bit addresses (window × 256 + offset). */
  readonly regs: RegPort;
  /**
   * Resolves when the cell's interrupt is high (`irq` true) or after `timeoutCycles` (false),
   * whichever comes first (at once when it is high already), with the results of `then`: the
   * accesses run the moment the wait ends, so a wake-up and what it reads cost one batch (on the
   * RTL one round trip, the APB master's wait step).
   */
  waitInterrupt(timeoutCycles: number, then: readonly RegOp[]): Promise<Wake>;
  /** The current clock cycle. */
  now(): number;
}

/** `ops` of one block's window, as accesses of the whole cell bus (to batch several blocks' accesses). */
export function inWindow(window: CellWindow, ops: readonly RegOp[]): RegOp[] {
  const base = window * WINDOW_BYTES;
  return ops.map((op) => movedOp(op, base));
}

/** `port` seen from one block's window: offsets inside the window, as that block's drivers use them. */
export function windowPort(port: RegPort, window: CellWindow): RegPort {
  const base = window * WINDOW_BYTES;
  return {
    read: (offset): Promise<RegResult> => port.read(base + offset),
    write: (offset, data): Promise<RegResult> => port.write(base + offset, data),
    batch: (ops) => port.batch(inWindow(window, ops)),
  };
}
