/**
 * What the management firmware may touch: its cell's CSR bus, its cell's interrupt, and time in
 * clock cycles. Nothing else (no bridge, no globals), so one firmware runs on the register model
 * of models/cell/ (through models/fleet/) and on the RTL (through the bridge's APB master).
 */
import type { RegOp, RegPort, RegResult } from '../common/reg_port.js';
import { WINDOW_BYTES, type CellWindow } from '../cell/cell_pkg.js';

/** The firmware's world. */
export interface Platform {
  /** The cell's APB bus: 12-bit addresses (window × 256 + offset). */
  readonly regs: RegPort;
  /**
   * Resolves when the cell's interrupt is high (true) or after `timeoutCycles` (false), whichever
   * comes first; at once when it is high already.
   */
  waitInterrupt(timeoutCycles: number): Promise<boolean>;
  /** The current clock cycle. */
  now(): number;
}

/** `ops` of one block's window, as accesses of the whole cell bus (to batch several blocks' accesses). */
export function inWindow(window: CellWindow, ops: readonly RegOp[]): RegOp[] {
  const base = window * WINDOW_BYTES;
  return ops.map((op) => (op.kind === 'read' ? { kind: 'read', offset: base + op.offset } : { kind: 'write', offset: base + op.offset, data: op.data }));
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
