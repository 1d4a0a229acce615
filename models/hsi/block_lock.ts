/**
 * hsi_block_lock cycle by cycle: 64b/66b block lock after IEEE 802.3 figure 49-14 (lock after
 * `windowHeaders` valid sync headers in a row, lost at `badHeaders` invalid ones within a window,
 * a one-bit slip on every invalid header while hunting), with the RTL's slip: the aligned block
 * is taken from the previous and the current raw block at a bit offset 0..65.
 */
import { SyncHeader } from './hsi_pkg.js';

const M66 = (1n << 66n) - 1n;

/** Whether a sync header is one of the two codes (00 and 11 are not). */
export const syncValid = (header: number): boolean => header === SyncHeader.Data || header === SyncHeader.Ctrl;

/** Options of {@link HsiBlockLock} (the RTL's parameters). */
export interface BlockLockOptions {
  /** @defaultValue 64 */
  readonly windowHeaders?: number;
  /** @defaultValue 16 */
  readonly badHeaders?: number;
}

/** What the RTL's outputs show after a cycle. */
export interface BlockLockOut {
  readonly valid: boolean;
  readonly block: bigint;
  readonly lock: boolean;
}

/** The lock machine, a cycle per {@link HsiBlockLock.step}. */
export class HsiBlockLock {
  private readonly window: number;
  private readonly bad: number;
  private rawPrev = 0n;
  /** A first raw block fills the window: only the next is tested. */
  private primed = false;
  /** Bit offset of the block boundary in the raw window, 0..65. */
  offset = 0;
  private shCnt = 0;
  private badCnt = 0;
  private locked = false;
  private out: BlockLockOut = { valid: false, block: 0n, lock: false };

  constructor(options: BlockLockOptions = {}) {
    this.window = options.windowHeaders ?? 64;
    this.bad = options.badHeaders ?? 16;
    if (this.bad < 1 || this.bad > this.window) throw new RangeError(`badHeaders must be 1..windowHeaders (got ${this.bad} of ${this.window})`);
  }

  /** The outputs as they stand (after the last step). */
  get outputs(): BlockLockOut {
    return this.out;
  }

  /** One clock edge with `valid`/`raw` on the inputs; returns the outputs after it. */
  step(valid: boolean, raw: bigint): BlockLockOut {
    const aligned = (((raw << 66n) | this.rawPrev) >> BigInt(this.offset)) & M66;
    const test = valid && this.primed;
    if (test) {
      const good = syncValid(Number(aligned & 3n));
      const done = this.shCnt + 1 === this.window;
      let slip = false;
      if (!this.locked) {
        if (!good) slip = true;
        else if (done) this.locked = true;
      } else if (!good) {
        if (this.badCnt + 1 === this.bad) {
          this.locked = false;
          slip = true;
        } else {
          this.badCnt = done ? 0 : this.badCnt + 1;
        }
      } else if (done) {
        this.badCnt = 0;
      }
      this.shCnt = done ? 0 : this.shCnt + 1;
      if (slip) {
        this.shCnt = 0;
        this.badCnt = 0;
        this.offset = (this.offset + 1) % 66;
      }
    }
    if (valid) {
      this.rawPrev = raw;
      this.primed = true;
    }
    this.out = { valid: test, block: aligned, lock: this.locked };
    return this.out;
  }
}
