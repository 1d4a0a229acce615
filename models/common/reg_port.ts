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
  /** A drain's reads that had its `while` bit set, in order (absent for the other kinds). */
  readonly reads?: readonly number[];
}

/**
 * One access of a batch. Beside reads and writes, the two a wake-up needs to cost one batch:
 * `writeFrom` writes (the data of the access `back` places earlier in the batch) & `mask`, so
 * events are cleared exactly as they were read (write-one-to-clear, none lost between);
 * `drain` reads `offset` until a read has the `while` bit clear, at most `max` reads (a FIFO
 * emptied), its result the last read with `reads` the ones that had the bit.
 */
export type RegOp =
  | { readonly kind: 'read'; readonly offset: number }
  | { readonly kind: 'write'; readonly offset: number; readonly data: number }
  | { readonly kind: 'writeFrom'; readonly offset: number; readonly back: number; readonly mask: number }
  | { readonly kind: 'drain'; readonly offset: number; readonly while: number; readonly max: number };

/** A read of `offset`, for {@link RegPort.batch}. */
export const readOp = (offset: number): RegOp => ({ kind: 'read', offset });
/** A write of `data` at `offset`, for {@link RegPort.batch}. */
export const writeOp = (offset: number, data: number): RegOp => ({ kind: 'write', offset, data: data >>> 0 });
/** A write at `offset` of what the access `back` places earlier in the batch returned, `& mask`. */
export const writeFromOp = (offset: number, back: number, mask = 0xffffffff): RegOp => ({ kind: 'writeFrom', offset, back, mask: mask >>> 0 });
/** Reads of `offset` until one has `bit` clear, at most `max`. */
export const drainOp = (offset: number, bit: number, max: number): RegOp => ({ kind: 'drain', offset, while: bit >>> 0, max });

/** `op` at `offset + base` (a block's access as one of the whole bus). */
export function movedOp(op: RegOp, base: number): RegOp {
  return { ...op, offset: op.offset + base };
}

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

class TimedDrain extends TimedAccess {
  constructor(data: number, slverr: boolean, time: bigint, readonly reads: readonly number[]) {
    super(data, slverr, time);
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
  const batch = (ops: readonly RegOp[]): RegResult[] => {
    const out: RegResult[] = [];
    for (const op of ops) {
      switch (op.kind) {
        case 'read': out.push(timed(target.read(op.offset), now())); break;
        case 'write': out.push(timed(target.write(op.offset, op.data), now())); break;
        case 'writeFrom': {
          const from = op.back >= 1 ? out[out.length - op.back] : undefined;
          if (!from) throw new RangeError(`modelPort: writeFrom back ${op.back} names no earlier access of the batch`);
          out.push(timed(target.write(op.offset, (from.data & op.mask) >>> 0), now()));
          break;
        }
        case 'drain': {
          // As the APB master's drain: a read with the bit set is an entry; max reads in all.
          const reads: number[] = [];
          for (let n = 1; ; n++) {
            const r = target.read(op.offset);
            const more = (r.data & op.while) !== 0;
            if (more) reads.push(r.data);
            if (!more || r.slverr || n >= op.max) {
              out.push(new TimedDrain(r.data, r.slverr, now(), reads));
              break;
            }
          }
          break;
        }
      }
    }
    return out;
  };
  return {
    read: async (offset) => timed(target.read(offset), now()),
    write: async (offset, data) => timed(target.write(offset, data), now()),
    batch: async (ops) => batch(ops),
  };
}
