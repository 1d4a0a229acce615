/**
 * The register-access interface every driver and the management firmware talk through: reads
 * and writes by byte offset in a block's window, each result with the time it completed, and
 * batches of accesses issued together (on the RTL, an APB master runs them back to back and
 * the whole batch costs one round trip). The same driver code runs against the RTL (through
 * the bridge's APB master: tb/common/apb_port.ts) and against a register model ({@link modelPort}).
 */
import type { RegAccess } from './regmap.js';

/** The outcome of one access, with its completion time. */
export interface RegResult extends RegAccess {
  /**
   * When the access completed, in the port's time base: simulated time steps on the RTL, the
   * model's clock on a model port. Not enumerable, so a result still equals the plain
   * {@link RegAccess} a model predicts (`toEqual` compares what it is, not when it came).
   */
  readonly time: bigint;
}

/** One access of a batch. */
export type RegOp =
  | { readonly kind: 'read'; readonly offset: number }
  | { readonly kind: 'write'; readonly offset: number; readonly data: number };

/** A read of `offset`, for {@link RegPort.batch}. */
export const readOp = (offset: number): RegOp => ({ kind: 'read', offset });
/** A write of `data` at `offset`, for {@link RegPort.batch}. */
export const writeOp = (offset: number, data: number): RegOp => ({ kind: 'write', offset, data: data >>> 0 });

/** Register access to one block's window. */
export interface RegPort {
  read(offset: number): Promise<RegResult>;
  write(offset: number, data: number): Promise<RegResult>;
  /** `ops` issued together and run in order; the results in the same order. */
  batch(ops: readonly RegOp[]): Promise<RegResult[]>;
}

/**
 * A result whose `time` is a getter of its class, not an own property: it stays out of equality
 * as a non-enumerable property would, without the cost of defining one per access (a model port
 * answers millions of them in a fleet run).
 */
class TimedAccess implements RegResult {
  readonly #time: bigint;

  constructor(readonly data: number, readonly slverr: boolean, time: bigint) {
    this.#time = time;
  }

  get time(): bigint {
    return this.#time;
  }
}

/** `access` with `time` attached, not enumerable (see {@link RegResult.time}). */
export function timed(access: RegAccess, time: bigint): RegResult {
  return new TimedAccess(access.data, access.slverr, time);
}

/** Something with APB-like register accesses that answer at once: a block's register model. */
export interface RegTarget {
  read(offset: number): RegAccess;
  write(offset: number, data: number): RegAccess;
}

/**
 * A {@link RegPort} on a register model. Accesses complete at `now()` (the model's clock).
 * @defaultValue now: always 0n (a model without time)
 */
export function modelPort(target: RegTarget, now: () => bigint = () => 0n): RegPort {
  const run = (op: RegOp): RegResult => timed(op.kind === 'read' ? target.read(op.offset) : target.write(op.offset, op.data), now());
  return {
    read: async (offset) => run(readOp(offset)),
    write: async (offset, data) => run(writeOp(offset, data)),
    batch: async (ops) => ops.map(run),
  };
}
