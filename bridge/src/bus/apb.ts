import type { SignalHandle } from '../handle.js';
import { AgentKind, type Decoder } from '../protocol.js';
import { Simulator, type AgentHandler } from '../simulator.js';
import { AgentDone, withdrawableBody } from '../triggers.js';
import { CancelledError, UsageError } from '../errors.js';
import { bind } from './prefix.js';
import { type Stamp, Stamped } from './stamp.js';

/** The outcome of one APB transfer. */
export interface ApbResponse {
  /** prdata of a read (of a drain: its last read); 0 for a write; of a wait, 1 when its condition came, 0 at its timeout. */
  readonly data: number;
  readonly slverr: boolean;
  /** A drain's reads whose `while` bit was set (a FIFO's entries), in order; absent for the other kinds. */
  readonly reads?: readonly number[];
}

/** An APB transfer's outcome with the time and edge of its ACCESS cycle's end. */
export interface ApbResult extends ApbResponse, Stamp {}

class Result extends Stamped implements ApbResult {
  constructor(readonly data: number, readonly slverr: boolean, time: bigint, cycle: number) {
    super(time, cycle);
  }
}

class DrainResult extends Result {
  constructor(data: number, slverr: boolean, time: bigint, cycle: number, readonly reads: readonly number[]) {
    super(data, slverr, time, cycle);
  }
}

/**
 * One step of {@link ApbMaster.batch}. Beside reads and writes, the steps that let a wake-up be
 * one round trip, all run by the harness without the test:
 * - `writeFrom`: writes (prdata of the transfer `back` places earlier, 1 to 1023) & `mask`: events
 *   read and cleared in one go, as they were seen (write-one-to-clear), none lost between;
 * - `drain`: reads `addr` until a read has `while`'s bit clear, at most `max` reads (a FIFO emptied);
 * - `wait`: holds the later steps until the master's `condition` signal (an interrupt) has
 *   `value` at a clock edge, or `timeoutCycles` edges have passed; its data says which.
 */
export type ApbTransfer =
  | { readonly kind: 'read'; readonly addr: number }
  | { readonly kind: 'write'; readonly addr: number; readonly data: number }
  | { readonly kind: 'writeFrom'; readonly addr: number; readonly back: number; readonly mask: number }
  | { readonly kind: 'drain'; readonly addr: number; readonly while: number; readonly max: number }
  | { readonly kind: 'wait'; readonly value: number; readonly timeoutCycles: number };

/** Options of {@link ApbMaster.fromPrefix}. */
export interface ApbMasterOptions {
  /** The signal a `wait` step waits on (1 bit: an interrupt); without it a batch may not wait. */
  readonly condition?: SignalHandle<number>;
}

const NONE = 0xffffffff;
const KIND = { read: 0, write: 1, writeFrom: 2, drain: 3, wait: 4 } as const;
/** The harness keeps the prdata of this many transfers for a `writeFrom` (bridge/harness/apb.cpp). */
const RECENT = 1024;

/**
 * An APB3 master inside the harness (DESIGN.md section 3: `apb_psel_i`…): queued reads and
 * writes run back to back, each SETUP then ACCESS until pready; `pslverr` is reported.
 */
export class ApbMaster implements AgentHandler {
  private readonly sim: Simulator<unknown>;
  private readonly id: number;
  private readonly results: ApbResult[] = [];
  /** Records of a drain still reading (a reply may come between two of its reads). */
  private partial: { data: number; slverr: boolean; time: bigint; cycle: number }[] = [];
  /** The `while` bit of each queued drain, by transfer number. */
  private readonly drains = new Map<number, number>();
  private queued = 0;
  private failure?: Error;
  private readonly name: string;
  private readonly hasCondition: boolean;

  private constructor(dut: object, prefix: string, clock: SignalHandle<number>, options: ApbMasterOptions) {
    this.sim = Simulator.owning(clock);
    this.name = `ApbMaster ${prefix}`;
    const req = (n: string) => bind(dut, prefix, n, true)!;
    const pins = [req('psel'), req('penable'), req('pwrite'), req('paddr'), req('pwdata'), req('prdata'),
      bind(dut, prefix, 'pready', false), bind(dut, prefix, 'pslverr', false), options.condition];
    if (options.condition && options.condition.owner !== this.sim) throw new UsageError(`${this.name}: its condition ${options.condition.name} belongs to another simulator`);
    this.hasCondition = options.condition !== undefined;
    this.id = this.sim.openAgent(AgentKind.ApbMaster, clock, true, (enc) => {
      for (const p of pins) enc.u32(p ? p.id : NONE);
    }, this);
  }

  /** Binds `<prefix>_psel`… (with or without `_i`/`_o`) on `dut`. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, options: ApbMasterOptions = {}): ApbMaster {
    return new ApbMaster(dut, prefix, clock, options);
  }

  /** @internal */
  data(d: Decoder): () => void {
    const records: { data: number; slverr: boolean; more: boolean; time: bigint; cycle: number }[] = [];
    const n = d.u32();
    for (let i = 0; i < n; i++) {
      const time = d.u64();
      const cycle = Number(d.u64());
      const data = d.u32();
      const slverr = d.u8() !== 0;
      const more = d.u8() !== 0;
      d.u16();
      records.push({ data, slverr, more, time, cycle });
    }
    return () => {
      for (const r of records) {
        if (r.more) {
          this.partial.push(r);
          continue;
        }
        const k = this.results.length + 1;
        const mask = this.drains.get(k);
        if (mask === undefined) {
          this.results.push(new Result(r.data, r.slverr, r.time, r.cycle));
          continue;
        }
        this.drains.delete(k);
        const reads = [...this.partial, r].filter((x) => (x.data & mask) !== 0).map((x) => x.data);
        this.partial = [];
        this.results.push(new DrainResult(r.data, r.slverr, r.time, r.cycle, reads));
      }
    };
  }

  /** @internal */
  end(reason: Error): void {
    this.failure ??= reason;
  }

  /**
   * Closes the master: transfers still queued are dropped and their waits fail; the pins keep
   * what it drove last. (A cell held in reset: the next boot opens a fresh master.)
   */
  close(): void {
    this.failure ??= new CancelledError(`${this.name} was closed`);
    this.sim.closeAgent(this.id);
  }

  /** Why `t`, as transfer number `k`, cannot be queued (undefined: it can). */
  private refusal(t: ApbTransfer, k: number): string | undefined {
    switch (t.kind) {
      case 'writeFrom':
        return Number.isInteger(t.back) && t.back >= 1 && t.back < Math.min(k, RECENT) ? undefined : `writeFrom back ${t.back} must name an earlier transfer (1 = the one before, at most ${RECENT - 1})`;
      case 'drain':
        return (t.while >>> 0) !== 0 && Number.isInteger(t.max) && t.max >= 1 ? undefined : `a drain needs a nonzero while bit and max >= 1 (got ${t.while}, ${t.max})`;
      case 'wait':
        if (!this.hasCondition) return 'a wait needs the condition signal (ApbMaster.fromPrefix(…, { condition }))';
        return Number.isInteger(t.timeoutCycles) && t.timeoutCycles >= 1 ? undefined : `a wait's timeoutCycles must be a whole number >= 1 (got ${t.timeoutCycles})`;
      default:
        return undefined;
    }
  }

  /** Queues one transfer in the harness (checked by {@link refusal}); returns its number (1, 2, … in this master's order). */
  private push(t: ApbTransfer): number {
    const k = this.queued + 1;
    const tail = t.kind === 'writeFrom' ? 12 : t.kind === 'drain' ? 8 : t.kind === 'wait' ? 12 : 0;
    const payload = new Uint8Array(9 + tail);
    const v = new DataView(payload.buffer);
    v.setUint8(0, KIND[t.kind]);
    v.setUint32(1, t.kind === 'wait' ? 0 : t.addr >>> 0, true);
    v.setUint32(5, t.kind === 'write' ? t.data >>> 0 : t.kind === 'wait' ? t.value >>> 0 : 0, true);
    if (t.kind === 'writeFrom') {
      v.setBigUint64(9, BigInt(k - t.back), true);
      v.setUint32(17, t.mask >>> 0, true);
    } else if (t.kind === 'drain') {
      v.setUint32(9, t.while >>> 0, true);
      v.setUint32(13, t.max, true);
      this.drains.set(k, t.while >>> 0);
    } else if (t.kind === 'wait') {
      v.setUint32(9, 1, true);
      v.setBigUint64(13, BigInt(t.timeoutCycles), true);
    }
    this.sim.pushAgent(this.id, payload);
    return ++this.queued;
  }

  /** Waits for transfers `first`..`last` (one wake-up, at the end of `last`'s ACCESS cycle). */
  private collect(first: number, last: number, what: () => string): Promise<ApbResult[]> {
    // Withdrawable (a loser of First): the transfers still run; their results are left unclaimed.
    return withdrawableBody(this.sim, async (wait) => {
      await wait(AgentDone(this.sim, this.id, last, what));
      const out: ApbResult[] = [];
      for (let k = first; k <= last; k++) {
        const r = this.results[k - 1];
        if (!r) throw this.failure ?? new Error(`${this.name}: transfer ${k} completed without a result`);
        this.sim.observe(r.time, r.cycle, r.data, r.slverr ? 1 : 0, ...(r.reads ?? []));
        out.push(r);
      }
      return out;
    });
  }

  private async transfer(t: ApbTransfer & { readonly kind: 'read' | 'write' }): Promise<ApbResult> {
    const k = this.push(t);
    const [r] = await this.collect(k, k, () => `${this.name}: ${t.kind} 0x${(t.addr >>> 0).toString(16)} (transfer ${k})`);
    return r!;
  }

  /** Writes `data` at `addr`; resolves when the transfer completes. */
  write(addr: number, data: number): Promise<ApbResult> {
    return this.transfer({ kind: 'write', addr, data });
  }

  /** Reads `addr`; resolves with prdata and pslverr. */
  read(addr: number): Promise<ApbResult> {
    return this.transfer({ kind: 'read', addr });
  }

  /**
   * Runs `transfers` back to back and resolves once, when the last completes: one round trip
   * for the lot (awaiting each of several {@link read}s resumes the test at each one's end).
   * One result per step, each with its own completion time; an empty batch resolves at once.
   */
  async batch(transfers: readonly ApbTransfer[]): Promise<ApbResult[]> {
    if (transfers.length === 0) return [];
    // All checked before any is queued: a refused step leaves the batch out whole.
    transfers.forEach((t, i) => {
      const why = this.refusal(t, this.queued + 1 + i);
      if (why) throw new UsageError(`${this.name}: step ${i} of the batch: ${why}`);
    });
    let first = 0;
    let last = 0;
    for (const t of transfers) {
      last = this.push(t);
      first ||= last;
    }
    return this.collect(first, last, () => `${this.name}: a batch of ${transfers.length} transfers (${first}..${last})`);
  }
}
