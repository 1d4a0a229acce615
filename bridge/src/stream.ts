import { BridgeError, SignalAccessError } from './errors.js';
import type { SignalHandle } from './handle.js';
import { AgentKind, type Decoder, type Encoder, Qualifier } from './protocol.js';
import type { AgentHandler, Simulator } from './simulator.js';
import { AgentDone } from './triggers.js';

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
  /**
   * Records per wait: each batch the iteration yields holds exactly this many (the last, at
   * close, may hold fewer), and a wait stops the simulation when its batch is complete.
   * @defaultValue 4096
   */
  readonly batch?: number;
  /** Records per message the harness sends mid-run (transport only). @defaultValue `batch`, at most 4096 */
  readonly chunk?: number;
  /** Messages it may have in flight before it waits for the bridge (transport only). @defaultValue 4 */
  readonly credits?: number;
}

interface Column {
  words: number;
  data: Uint32Array;
}

/** Exact doubles (below 2^53) of little-endian u64 word pairs. */
function u64s(words: Uint32Array): Float64Array {
  const out = new Float64Array(words.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = words[2 * i]! + words[2 * i + 1]! * 4294967296;
  return out;
}

/** One batch of records, as columns: `cycles[i]`, `times[i]` and each signal's `column(sig)[i]`. */
export class StreamBatch {
  private cycles_?: Float64Array;
  private times_?: Float64Array;

  /** @internal `cycleWords` and `timeWords` hold the u64 stamps as word pairs, decoded on first use. */
  constructor(
    private readonly cycleWords: Uint32Array,
    private readonly timeWords: Uint32Array,
    private readonly columns: Map<number, Column>,
    private readonly names: Map<number, string>,
  ) {}

  /** Edge number of each record (the first edge after opening is 1). */
  get cycles(): Float64Array {
    return (this.cycles_ ??= u64s(this.cycleWords));
  }

  /** Simulated time of each record, in steps (exact below 2^53 steps: 2.5 h at 1 ps). */
  get times(): Float64Array {
    return (this.times_ ??= u64s(this.timeWords));
  }

  get length(): number {
    return this.cycleWords.length / 2;
  }

  private col(sig: AnySignal): Column {
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

/** Records received and not yet yielded: chunks as they came, cut into batches on demand. */
interface Chunk {
  /** Records in it. */
  n: number;
  /** u64 edge numbers and times as word pairs (decoded only when a test reads them). */
  cycles: Uint32Array;
  times: Uint32Array;
  columns: Column[];
}

/**
 * A monitor without round trips per cycle: the harness samples the signals at every qualifying
 * edge and ships them in chunks. `for await` yields batches of exactly `batch` records; a wait
 * for one stops the simulation when its last record is sampled, so the consumer resumes at a
 * definite time whatever the chunking, credits or the consumer's own speed.
 */
export class SampledStream implements AsyncIterable<StreamBatch>, AgentHandler {
  private readonly id: number;
  private readonly chunks: Chunk[] = [];
  private buffered = 0;
  private done = false;
  private failure?: Error;
  private received = 0;
  private readonly batchSize: number;
  private readonly names: Map<number, string>;
  private readonly ids: number[];

  private constructor(private readonly sim: Simulator<unknown>, options: StreamOptions) {
    this.batchSize = options.batch ?? 4096;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new BridgeError(`a stream's batch must be a positive whole number of records (got ${options.batch})`);
    const t = sim.transport;
    // A chunk smaller than the batch lets most of a batch arrive, and be decoded, while the
    // harness runs on towards the batch's end.
    const chunk = t.chunk ?? options.chunk ?? Math.max(1, Math.min(4096, Math.ceil(this.batchSize / 4)));
    const credits = t.credits ?? options.credits ?? 4;
    if (options.signals.length === 0) throw new BridgeError('a stream needs at least one signal');
    this.names = new Map(options.signals.map((s) => [s.id, s.name]));
    this.ids = options.signals.map((s) => s.id);
    const quals = options.when && options.when !== 'change' ? options.when.allOf : [];
    const kind = options.when === 'change' ? Qualifier.OnChange : quals.length ? Qualifier.AllOf : Qualifier.Always;
    this.id = sim.openAgent(AgentKind.Stream, options.clock, (options.edge ?? 'rising') === 'rising', (enc: Encoder) => {
      enc.u8(kind).u32(quals.length);
      for (const q of quals) enc.u32(q.id);
      enc.u32(options.signals.length);
      for (const s of options.signals) enc.u32(s.id);
      enc.u32(chunk).u32(credits);
    }, this);
  }

  /** Opens a stream on `sim` (from the next resume on). */
  static open(sim: Simulator<unknown>, options: StreamOptions): SampledStream {
    return new SampledStream(sim, options);
  }

  /** @internal */
  data(d: Decoder, last: boolean): () => void {
    const n = d.u32();
    const nSig = d.u32();
    const cycles = d.words(2 * n);
    const times = d.words(2 * n);
    const columns: Column[] = [];
    for (let k = 0; k < nSig; k++) {
      const words = d.u32();
      columns.push({ words, data: d.words(n * words) });
    }
    return () => {
      if (n > 0) {
        this.chunks.push({ n, cycles, times, columns });
        this.buffered += n;
        this.received += n;
      }
      if (last) this.done = true;
    };
  }

  /** @internal */
  end(reason: Error): void {
    this.failure ??= reason;
    this.done = true;
  }

  /** Records received so far. */
  get count(): number {
    return this.received;
  }

  /** Stops sampling; the iteration ends after the last batch. */
  close(): void {
    if (!this.done) this.sim.closeAgent(this.id);
  }

  /** The first `n` buffered records as one batch. */
  private take(n: number): StreamBatch {
    const first = this.chunks[0]!;
    let cycles: Uint32Array;
    let times: Uint32Array;
    let cols: Column[];
    if (first.n === n) {
      // A batch that is one whole chunk: handed over as it is.
      this.chunks.shift();
      ({ cycles, times, columns: cols } = first);
    } else {
      cycles = new Uint32Array(2 * n);
      times = new Uint32Array(2 * n);
      cols = first.columns.map((c) => ({ words: c.words, data: new Uint32Array(n * c.words) }));
      let at = 0;
      while (at < n) {
        const c = this.chunks[0]!;
        const m = Math.min(n - at, c.n);
        cycles.set(c.cycles.subarray(0, 2 * m), 2 * at);
        times.set(c.times.subarray(0, 2 * m), 2 * at);
        cols.forEach((col, k) => col.data.set(c.columns[k]!.data.subarray(0, m * col.words), at * col.words));
        if (m === c.n) {
          this.chunks.shift();
        } else {
          c.n -= m;
          c.cycles = c.cycles.subarray(2 * m);
          c.times = c.times.subarray(2 * m);
          c.columns = c.columns.map((col) => ({ words: col.words, data: col.data.subarray(m * col.words) }));
        }
        at += m;
      }
    }
    this.buffered -= n;
    this.sim.observe(cycles, times, ...cols.map((c) => c.data));
    return new StreamBatch(cycles, times, new Map(this.ids.map((id, k) => [id, cols[k]!])), this.names);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamBatch> {
    for (;;) {
      if (this.buffered >= this.batchSize) {
        yield this.take(this.batchSize);
        continue;
      }
      if (this.done) {
        if (this.buffered > 0) yield this.take(this.buffered);
        if (this.failure && !(this.failure.name === 'CancelledError')) throw this.failure;
        return;
      }
      // Run until the batch is complete (or the stream closes): one round trip per batch.
      try {
        await AgentDone(this.sim, this.id, this.received + this.batchSize - this.buffered, () => `stream of ${[...this.names.values()].join(', ')}: batch of ${this.batchSize}`);
      } catch (e) {
        if (!this.done) throw e;  // an ended stream still yields what it holds, then its reason
      }
    }
  }
}
