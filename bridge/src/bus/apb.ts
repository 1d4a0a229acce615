import type { SignalHandle } from '../handle.js';
import { AgentKind, type Decoder } from '../protocol.js';
import { Simulator, type AgentHandler } from '../simulator.js';
import { AgentDone, withdrawableBody } from '../triggers.js';
import { bind } from './prefix.js';
import { type Stamp, Stamped } from './stamp.js';

/** The outcome of one APB transfer. */
export interface ApbResponse {
  /** prdata of a read; 0 for a write. */
  readonly data: number;
  readonly slverr: boolean;
}

/** An APB transfer's outcome with the time and edge of its ACCESS cycle's end. */
export interface ApbResult extends ApbResponse, Stamp {}

class Result extends Stamped implements ApbResult {
  constructor(readonly data: number, readonly slverr: boolean, time: bigint, cycle: number) {
    super(time, cycle);
  }
}

/** One transfer of {@link ApbMaster.batch}. */
export type ApbTransfer =
  | { readonly kind: 'read'; readonly addr: number }
  | { readonly kind: 'write'; readonly addr: number; readonly data: number };

const NONE = 0xffffffff;

/**
 * An APB3 master inside the harness (DESIGN.md section 3: `apb_psel_i`…): queued reads and
 * writes run back to back, each SETUP then ACCESS until pready; `pslverr` is reported.
 */
export class ApbMaster implements AgentHandler {
  private readonly sim: Simulator<unknown>;
  private readonly id: number;
  private readonly results: ApbResult[] = [];
  private queued = 0;
  private failure?: Error;
  private readonly name: string;

  private constructor(dut: object, prefix: string, clock: SignalHandle<number>) {
    this.sim = Simulator.owning(clock);
    this.name = `ApbMaster ${prefix}`;
    const req = (n: string) => bind(dut, prefix, n, true)!;
    const pins = [req('psel'), req('penable'), req('pwrite'), req('paddr'), req('pwdata'), req('prdata'),
      bind(dut, prefix, 'pready', false), bind(dut, prefix, 'pslverr', false)];
    this.id = this.sim.openAgent(AgentKind.ApbMaster, clock, true, (enc) => {
      for (const p of pins) enc.u32(p ? p.id : NONE);
    }, this);
  }

  /** Binds `<prefix>_psel`… (with or without `_i`/`_o`) on `dut`. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>): ApbMaster {
    return new ApbMaster(dut, prefix, clock);
  }

  /** @internal */
  data(d: Decoder): () => void {
    const results: ApbResult[] = [];
    const n = d.u32();
    for (let i = 0; i < n; i++) {
      const time = d.u64();
      const cycle = Number(d.u64());
      const data = d.u32();
      const slverr = d.u8() !== 0;
      d.u8();
      d.u16();
      results.push(new Result(data, slverr, time, cycle));
    }
    return () => {
      for (const r of results) this.results.push(r);
    };
  }

  /** @internal */
  end(reason: Error): void {
    this.failure ??= reason;
  }

  /** Queues one transfer in the harness; returns its number (1, 2, … in this master's order). */
  private push(write: boolean, addr: number, data: number): number {
    const payload = new Uint8Array(9);
    const v = new DataView(payload.buffer);
    v.setUint8(0, write ? 1 : 0);
    v.setUint32(1, addr >>> 0, true);
    v.setUint32(5, data >>> 0, true);
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
        this.sim.observe(r.time, r.cycle, r.data, r.slverr ? 1 : 0);
        out.push(r);
      }
      return out;
    });
  }

  private async transfer(write: boolean, addr: number, data: number): Promise<ApbResult> {
    const k = this.push(write, addr, data);
    const [r] = await this.collect(k, k, () => `${this.name}: ${write ? 'write' : 'read'} 0x${(addr >>> 0).toString(16)} (transfer ${k})`);
    return r!;
  }

  /** Writes `data` at `addr`; resolves when the transfer completes. */
  write(addr: number, data: number): Promise<ApbResult> {
    return this.transfer(true, addr, data);
  }

  /** Reads `addr`; resolves with prdata and pslverr. */
  read(addr: number): Promise<ApbResult> {
    return this.transfer(false, addr, 0);
  }

  /**
   * Runs `transfers` back to back and resolves once, when the last completes: one round trip
   * for the lot (awaiting each of several {@link read}s resumes the test at each one's end).
   * Each result carries its own completion time; an empty batch resolves at once.
   */
  async batch(transfers: readonly ApbTransfer[]): Promise<ApbResult[]> {
    if (transfers.length === 0) return [];
    let first = 0;
    let last = 0;
    for (const t of transfers) {
      last = this.push(t.kind === 'write', t.addr, t.kind === 'write' ? t.data : 0);
      first ||= last;
    }
    return this.collect(first, last, () => `${this.name}: a batch of ${transfers.length} transfers (${first}..${last})`);
  }
}
