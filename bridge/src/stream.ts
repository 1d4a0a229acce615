import { BridgeError, SignalAccessError } from './errors.js';
import type { SignalHandle } from './handle.js';
import { AgentKind, type Decoder, type Encoder } from './protocol.js';
import type { AgentHandler, Simulator } from './simulator.js';
import { awaitAgentData } from './agent-wait.js';

type AnySignal = SignalHandle<number> | SignalHandle<bigint>;

/** Options of a sampled stream ({@link SampledStream.open}). */
export interface StreamOptions {
  /** The harness clock whose edges sample. */
  readonly clock: SignalHandle<number>;
  /** The signals recorded, in column order. */
  readonly signals: readonly AnySignal[];
  /**
   * Which edges record: every one, only where every `allOf` signal is 1 (e.g. `[valid, ready]`),
   * or only where a recorded signal changed since the last record (line checkers).
   * @defaultValue every edge
   */
  readonly when?: { readonly allOf: readonly AnySignal[] } | 'change';
  /** @defaultValue `'rising'` */
  readonly edge?: 'rising' | 'falling';
  /** Records per batch the harness sends while it runs. @defaultValue 4096 */
  readonly batch?: number;
  /** Batches the harness may send ahead of the consumer. @defaultValue 4 */
  readonly credits?: number;
}

/** One batch of records, as columns: `cycles[i]` and each signal's `column(sig)[i]`. */
export class StreamBatch {
  constructor(
    /** Edge number of each record (the first edge after opening is 1). */
    readonly cycles: Float64Array,
    private readonly columns: Map<number, { words: number; data: Uint32Array }>,
    private readonly names: Map<number, string>,
  ) {}

  get length(): number {
    return this.cycles.length;
  }

  private col(sig: AnySignal): { words: number; data: Uint32Array } {
    const c = this.columns.get(sig.id);
    if (!c) throw new SignalAccessError(`${sig.name} is not recorded by this stream (it records ${[...this.names.values()].join(', ')})`);
    return c;
  }

  /** The values of a signal of up to 32 bits, one per record. */
  column(sig: SignalHandle<number>): Uint32Array {
    const c = this.col(sig);
    if (c.words !== 1) throw new SignalAccessError(`${sig.name} is wider than 32 bits: use value()`);
    return c.data;
  }

  /** The value of any signal in record `i` (bigint above 32 bits). */
  value(sig: AnySignal, i: number): number | bigint {
    const c = this.col(sig);
    if (c.words === 1) return c.data[i]!;
    let v = 0n;
    for (let w = c.words - 1; w >= 0; w--) v = (v << 32n) | BigInt(c.data[i * c.words + w]!);
    return v;
  }

  /** Per-record view, for convenience (slower than the columns). */
  *records(): Generator<{ cycle: number; values: (number | bigint)[] }> {
    const sigs = [...this.columns.keys()];
    for (let i = 0; i < this.length; i++) {
      yield {
        cycle: this.cycles[i]!,
        values: sigs.map((id) => {
          const c = this.columns.get(id)!;
          if (c.words === 1) return c.data[i]!;
          let v = 0n;
          for (let w = c.words - 1; w >= 0; w--) v = (v << 32n) | BigInt(c.data[i * c.words + w]!);
          return v;
        }),
      };
    }
  }
}

/**
 * A monitor without round trips: the harness samples the signals at every qualifying edge and
 * ships column batches, at each synchronisation point, when a batch fills, and when closed, so
 * no sample is lost or reordered. Iterate it with `for await`; each batch taken returns a credit
 * to the harness, so a slow consumer holds the simulation back instead of filling memory.
 */
export class SampledStream implements AsyncIterable<StreamBatch>, AgentHandler {
  private readonly id: number;
  private readonly queue: { batch: StreamBatch; credited: boolean }[] = [];
  private wake?: () => void;
  private done = false;
  private failure?: Error;
  private received = 0;
  private readonly batchSize: number;
  private readonly names: Map<number, string>;

  private constructor(private readonly sim: Simulator<unknown>, options: StreamOptions) {
    this.batchSize = options.batch ?? 4096;
    const credits = options.credits ?? 4;
    if (options.signals.length === 0) throw new BridgeError('a stream needs at least one signal');
    this.names = new Map(options.signals.map((s) => [s.id, s.name]));
    const quals = options.when && options.when !== 'change' ? options.when.allOf : [];
    const kind = options.when === 'change' ? 2 : quals.length ? 1 : 0;
    this.id = sim.openAgent(AgentKind.Stream, options.clock, (options.edge ?? 'rising') === 'rising', (enc: Encoder) => {
      enc.u8(kind).u32(quals.length);
      for (const q of quals) enc.u32(q.id);
      enc.u32(options.signals.length);
      for (const s of options.signals) enc.u32(s.id);
      enc.u32(this.batchSize).u32(credits);
    }, this);
  }

  /** Opens a stream on `sim` (from the next resume on). */
  static open(sim: Simulator<unknown>, options: StreamOptions): SampledStream {
    return new SampledStream(sim, options);
  }

  /** @internal */
  data(d: Decoder, last: boolean): void {
    const n = d.u32();
    const nSig = d.u32();
    const credited = d.u8() !== 0;
    d.u8();
    d.u16();
    const cycles = new Float64Array(n);
    for (let i = 0; i < n; i++) cycles[i] = Number(d.u64());
    const columns = new Map<number, { words: number; data: Uint32Array }>();
    const ids = [...this.names.keys()];
    for (let k = 0; k < nSig; k++) {
      const words = d.u32();
      columns.set(ids[k]!, { words, data: d.words(n * words) });
    }
    if (n > 0) {
      this.queue.push({ batch: new StreamBatch(cycles, columns, this.names), credited });
      this.received += n;
    }
    if (last) this.done = true;
    this.wake?.();
  }

  /** @internal */
  end(reason: Error): void {
    this.failure ??= reason;
    this.done = true;
    this.wake?.();
  }

  /** Records received so far. */
  get count(): number {
    return this.received;
  }

  /** Stops sampling; the iteration ends after the last batch. */
  close(): void {
    if (!this.done) this.sim.closeAgent(this.id);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamBatch> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        if (next.credited) this.sim.creditAgent(this.id, 1);
        yield next.batch;
        continue;
      }
      if (this.done) {
        if (this.failure && !(this.failure.name === 'CancelledError')) throw this.failure;
        return;
      }
      // Nothing buffered: batches stream in while other triggers run time; if none does, run
      // until a batch is complete (one round trip per batch).
      await awaitAgentData(this.sim, this.id, this.received + this.batchSize, (w) => {
        this.wake = w;
      }).catch(() => undefined);
      this.wake = undefined;
    }
  }
}
