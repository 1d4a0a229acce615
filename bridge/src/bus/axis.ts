import { SignalAccessError, UsageError } from '../errors.js';
import type { SignalHandle } from '../handle.js';
import { AgentKind, type Decoder, type Encoder } from '../protocol.js';
import { DRIVER_ONLY, Simulator, type AgentHandler } from '../simulator.js';
import { SampledStream, type StreamBatch } from '../stream.js';
import { withdraw, withdrawable } from '../task.js';
import { AgentDone, type Trigger, withdrawableBody } from '../triggers.js';
import { bind } from './prefix.js';
import { type Stamp, Stamped } from './stamp.js';
import { encodeThrottle, type Throttle } from './throttle.js';

type AnySignal = SignalHandle<number> | SignalHandle<bigint>;

/** One AXI-Stream frame. */
export interface AxisFrame {
  readonly data: Uint8Array;
  /** @defaultValue 0 */
  readonly dest?: number;
  /** @defaultValue 0 */
  readonly id?: number;
}

/** A frame as a sink received it: with the time and edge at which its last beat was taken. */
export interface ReceivedFrame extends AxisFrame, Stamp {
  readonly dest: number;
  readonly id: number;
}

class RxFrame extends Stamped implements ReceivedFrame {
  constructor(readonly data: Uint8Array, readonly dest: number, readonly id: number, time: bigint, cycle: number) {
    super(time, cycle);
  }
}

const NONE = 0xffffffff;

interface Pins {
  data: AnySignal;
  keep?: AnySignal;
  last?: AnySignal;
  valid: AnySignal;
  ready: AnySignal;
  dest?: AnySignal;
  tid?: AnySignal;
}

function pins(dut: object, prefix: string): Pins {
  const p: Pins = {
    data: bind(dut, prefix, 'tdata', true)!,
    keep: bind(dut, prefix, 'tkeep', false),
    last: bind(dut, prefix, 'tlast', false),
    valid: bind(dut, prefix, 'tvalid', true)!,
    ready: bind(dut, prefix, 'tready', true)!,
    dest: bind(dut, prefix, 'tdest', false),
    tid: bind(dut, prefix, 'tid', false),
  };
  if (p.data.width % 8 || p.data.width > 64) throw new SignalAccessError(`${p.data.name}: tdata must be 8..64 bits in whole bytes`);
  return p;
}

function encodePins(enc: Encoder, p: Pins): void {
  for (const s of [p.data, p.keep, p.last, p.valid, p.ready, p.dest, p.tid]) enc.u32(s ? s.id : NONE);
}

/** Options of the AXI-Stream components. */
export interface AxisOptions {
  /** Valid (source) or ready (sink) throttling. @defaultValue always on */
  readonly throttle?: Throttle;
}

/** Options of {@link AxisSink}: throttling, and the transport (which changes nothing a test sees). */
export interface AxisSinkOptions extends AxisOptions {
  /** Frames per message the harness sends mid-run. @defaultValue 256 */
  readonly chunk?: number;
  /** Messages it may have in flight before it waits for the bridge. @defaultValue 16 */
  readonly credits?: number;
}

/**
 * Drives whole frames into an AXI-Stream slave port from inside the harness (cocotbext-axi's
 * `AxiStreamSource`). Drives tdata/tkeep/tlast/tdest/tid/tvalid, never tready.
 */
export class AxisSource {
  private readonly sim: Simulator<unknown>;
  private readonly id: number;
  private queued = 0;

  private readonly name: string;

  private constructor(dut: object, prefix: string, clock: SignalHandle<number>, options: AxisOptions) {
    this.sim = Simulator.owning(clock);
    this.name = `AxisSource ${prefix}`;
    const p = pins(dut, prefix);
    this.id = this.sim.openAgent(AgentKind.AxisSource, clock, true, (enc) => {
      encodePins(enc, p);
      encodeThrottle(enc, options.throttle);
    }, DRIVER_ONLY);
  }

  /** Binds `<prefix>_tdata`… (with or without `_i`/`_o`) on `dut`. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, options: AxisOptions = {}): AxisSource {
    return new AxisSource(dut, prefix, clock, options);
  }

  /** Queues a frame; awaiting the result waits until its last beat was taken. */
  send(frame: AxisFrame | Uint8Array): Trigger {
    const f: AxisFrame = frame instanceof Uint8Array ? { data: frame } : frame;
    if (f.data.length === 0) throw new UsageError('an AXI-Stream frame needs at least one byte');
    const payload = new Uint8Array(12 + f.data.length);
    const v = new DataView(payload.buffer);
    v.setUint32(0, f.dest ?? 0, true);
    v.setUint32(4, f.id ?? 0, true);
    v.setUint32(8, f.data.length, true);
    payload.set(f.data, 12);
    this.sim.pushAgent(this.id, payload);
    const k = ++this.queued;
    return AgentDone(this.sim, this.id, k, () => `${this.name}: frame ${k} sent`);
  }

  /** Fires once every frame queued so far has been sent. */
  idle(): Trigger {
    const k = this.queued;
    return AgentDone(this.sim, this.id, k, () => `${this.name}: idle after ${k} frames`);
  }
}

/**
 * Receives whole frames from an AXI-Stream master port inside the harness (cocotbext-axi's
 * `AxiStreamSink`); drives only tready. A wait for frames stops the simulation when they have
 * all arrived (one round trip per wait, however many frames it asks for); frames that arrived
 * while the test waited on something else are handed out at once.
 */
export class AxisSink implements AgentHandler {
  private readonly sim: Simulator<unknown>;
  private readonly id: number;
  private readonly name: string;
  private readonly frames: ReceivedFrame[] = [];
  private head = 0;
  private received = 0;
  private failure?: Error;

  private constructor(dut: object, prefix: string, clock: SignalHandle<number>, options: AxisSinkOptions) {
    this.sim = Simulator.owning(clock);
    this.name = `AxisSink ${prefix}`;
    const p = pins(dut, prefix);
    const t = this.sim.transport;
    this.id = this.sim.openAgent(AgentKind.AxisSink, clock, true, (enc) => {
      encodePins(enc, p);
      encodeThrottle(enc, options.throttle);
      enc.u32(t.chunk ?? options.chunk ?? 256).u32(t.credits ?? options.credits ?? 16);
    }, this);
  }

  /** Binds `<prefix>_tdata`… on `dut`. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, options: AxisSinkOptions = {}): AxisSink {
    return new AxisSink(dut, prefix, clock, options);
  }

  /** @internal */
  data(d: Decoder): () => void {
    const n = d.u32();
    const frames: ReceivedFrame[] = [];
    for (let i = 0; i < n; i++) {
      const time = d.u64();
      const cycle = Number(d.u64());
      const dest = d.u32();
      const id = d.u32();
      const data = new Uint8Array(d.bytes(d.u32()));
      frames.push(new RxFrame(data, dest, id, time, cycle));
    }
    return () => {
      for (const f of frames) this.frames.push(f);
      this.received += n;
    };
  }

  /** @internal */
  end(reason: Error): void {
    this.failure ??= reason;
  }

  /** Frames received so far (read or not). */
  get count(): number {
    return this.received;
  }

  /** Frames received and not yet taken by {@link recv}. */
  get pending(): number {
    return this.frames.length - this.head;
  }

  /** The next frame; when none has arrived, waits (one round trip) until it has. */
  recv(): Promise<ReceivedFrame> {
    const many = this.recvMany(1);
    return withdrawable(many.then((f) => f[0]!), () => withdraw(many));
  }

  /**
   * The next `n` frames, with one wait (one round trip) for those not yet arrived: the test
   * resumes when the last of them completed. How many frames one wait covers is the test's
   * choice; it is what keeps a long transfer at a round trip per `n` frames.
   */
  recvMany(n: number): Promise<ReceivedFrame[]> {
    if (!Number.isInteger(n) || n < 1) return Promise.reject(new UsageError(`${this.name}: recvMany(${n}) needs a positive whole number of frames`));
    // Withdrawable (a loser of First): frames that come later stay for the next recv.
    return withdrawableBody(this.sim, async (wait) => {
      while (this.pending < n) {
        if (this.failure) throw this.failure;
        const more = n - this.pending;
        await wait(AgentDone(this.sim, this.id, this.received + more, () => `${this.name}: ${more} more frame(s)`));
      }
      const out = this.frames.slice(this.head, this.head + n);
      this.head += n;
      if (this.head > 4096 && this.head * 2 > this.frames.length) {
        this.frames.splice(0, this.head);
        this.head = 0;
      }
      for (const f of out) this.sim.observe(f.time, f.cycle, f.dest, f.id, f.data);
      return out;
    });
  }
}

/**
 * A monitor of an AXI-Stream port built on a sampled stream: records tdata (and tlast, tkeep,
 * tdest, tid when present) at every handshake; drives nothing.
 */
export class AxisMonitor {
  readonly stream: SampledStream;
  readonly pins: Pins;

  private constructor(dut: object, prefix: string, clock: SignalHandle<number>, options: { batch?: number; chunk?: number; credits?: number }) {
    this.pins = pins(dut, prefix);
    const p = this.pins;
    const signals = [p.data, p.last, p.keep, p.dest, p.tid].filter((s): s is AnySignal => s !== undefined);
    this.stream = SampledStream.open(Simulator.owning(clock), { clock, signals, when: { allOf: [p.valid, p.ready] }, ...options });
  }

  /** `batch` beats per wait (the stream's option), `chunk` and `credits` its transport. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, options: { batch?: number; chunk?: number; credits?: number } = {}): AxisMonitor {
    return new AxisMonitor(dut, prefix, clock, options);
  }

  /** Batches of beats, `batch` at a time (the last one, at close, may be shorter). */
  beats(): AsyncIterable<StreamBatch> {
    return this.stream;
  }

  close(): void {
    this.stream.close();
  }
}
