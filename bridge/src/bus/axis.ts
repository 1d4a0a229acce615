import { SignalAccessError } from '../errors.js';
import type { SignalHandle } from '../handle.js';
import { AgentKind, type Decoder, type Encoder } from '../protocol.js';
import { Simulator, type AgentHandler } from '../simulator.js';
import { SampledStream, type StreamBatch } from '../stream.js';
import { AgentDone } from '../triggers.js';
import { awaitAgentData } from '../agent-wait.js';
import { bind } from './prefix.js';
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

/**
 * Drives whole frames into an AXI-Stream slave port from inside the harness (cocotbext-axi's
 * `AxiStreamSource`). Drives tdata/tkeep/tlast/tdest/tid/tvalid, never tready.
 */
export class AxisSource {
  private readonly sim: Simulator<unknown>;
  private readonly id: number;
  private queued = 0;

  private constructor(dut: object, prefix: string, clock: SignalHandle<number>, options: AxisOptions) {
    this.sim = Simulator.owning(clock);
    const p = pins(dut, prefix);
    this.id = this.sim.openAgent(AgentKind.AxisSource, clock, true, (enc) => {
      encodePins(enc, p);
      encodeThrottle(enc, options.throttle);
    }, { data: () => undefined, end: () => undefined });
  }

  /** Binds `<prefix>_tdata`… (with or without `_i`/`_o`) on `dut`. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, options: AxisOptions = {}): AxisSource {
    return new AxisSource(dut, prefix, clock, options);
  }

  /** Queues a frame; awaiting the result waits until its last beat was taken. */
  send(frame: AxisFrame | Uint8Array): PromiseLike<void> {
    const f: AxisFrame = frame instanceof Uint8Array ? { data: frame } : frame;
    if (f.data.length === 0) throw new SignalAccessError('an AXI-Stream frame needs at least one byte');
    const payload = new Uint8Array(12 + f.data.length);
    const v = new DataView(payload.buffer);
    v.setUint32(0, f.dest ?? 0, true);
    v.setUint32(4, f.id ?? 0, true);
    v.setUint32(8, f.data.length, true);
    payload.set(f.data, 12);
    this.sim.pushAgent(this.id, payload);
    return AgentDone(this.sim, this.id, ++this.queued);
  }

  /**
   * Resolves once every frame queued so far has been sent. Armed at once: while it waits, time
   * runs and sinks' and monitors' batches stream in without a round trip per frame.
   */
  idle(): Promise<void> {
    return AgentDone(this.sim, this.id, this.queued).wait();
  }
}

/**
 * Receives whole frames from an AXI-Stream master port inside the harness (cocotbext-axi's
 * `AxiStreamSink`); drives only tready. Frames come in batches, never one round trip each.
 */
export class AxisSink implements AgentHandler {
  private readonly sim: Simulator<unknown>;
  private readonly id: number;
  private readonly frames: AxisFrame[] = [];
  private head = 0;
  private credited: number[] = [];  // frames left to read in each credited batch
  private wake?: () => void;
  private received = 0;
  private failure?: Error;
  private readonly batch: number;

  private constructor(dut: object, prefix: string, clock: SignalHandle<number>, options: AxisOptions & { batch?: number; credits?: number }) {
    this.sim = Simulator.owning(clock);
    const p = pins(dut, prefix);
    this.batch = options.batch ?? 256;
    this.id = this.sim.openAgent(AgentKind.AxisSink, clock, true, (enc) => {
      encodePins(enc, p);
      encodeThrottle(enc, options.throttle);
      enc.u32(this.batch).u32(options.credits ?? 16);
    }, this);
  }

  /** Binds `<prefix>_tdata`… on `dut`; `batch` frames per message, `credits` messages ahead. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, options: AxisOptions & { batch?: number; credits?: number } = {}): AxisSink {
    return new AxisSink(dut, prefix, clock, options);
  }

  /** @internal */
  data(d: Decoder): void {
    const n = d.u32();
    const credited = d.u8() !== 0;
    d.u8();
    d.u16();
    for (let i = 0; i < n; i++) {
      const dest = d.u32();
      const id = d.u32();
      const data = new Uint8Array(d.bytes(d.u32()));
      this.frames.push({ data, dest, id });
    }
    this.received += n;
    if (credited) this.credited.push(n);
    this.wake?.();
  }

  /** @internal */
  end(reason: Error): void {
    this.failure ??= reason;
    this.wake?.();
  }

  /** Frames received so far (read or not). */
  get count(): number {
    return this.received;
  }

  /** Frames received and not yet taken by {@link recv}. */
  get pending(): number {
    return this.frames.length - this.head;
  }

  /** The next frame, waiting (one round trip per batch) when none is buffered. */
  async recv(): Promise<AxisFrame> {
    while (this.head >= this.frames.length) {
      if (this.failure) throw this.failure;
      await awaitAgentData(this.sim, this.id, this.received + 1, (w) => {
        this.wake = w;
      });
      this.wake = undefined;
    }
    const f = this.frames[this.head++]!;
    if (this.head > 4096 && this.head * 2 > this.frames.length) {
      this.frames.splice(0, this.head);
      this.head = 0;
    }
    if (this.credited.length && --this.credited[0]! === 0) {
      this.credited.shift();
      this.sim.creditAgent(this.id, 1);
    }
    return f;
  }
}

/**
 * A monitor of an AXI-Stream port built on a sampled stream: records tdata (and tlast, tkeep,
 * tdest, tid when present) at every handshake; drives nothing.
 */
export class AxisMonitor {
  readonly stream: SampledStream;
  readonly pins: Pins;

  private constructor(dut: object, prefix: string, clock: SignalHandle<number>, batch: number) {
    this.pins = pins(dut, prefix);
    const p = this.pins;
    const signals = [p.data, p.last, p.keep, p.dest, p.tid].filter((s): s is AnySignal => s !== undefined);
    this.stream = SampledStream.open(Simulator.owning(clock), { clock, signals, when: { allOf: [p.valid, p.ready] }, batch });
  }

  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, options: { batch?: number } = {}): AxisMonitor {
    return new AxisMonitor(dut, prefix, clock, options.batch ?? 4096);
  }

  /** Batches of beats, as the stream delivers them. */
  beats(): AsyncIterable<StreamBatch> {
    return this.stream;
  }

  close(): void {
    this.stream.close();
  }
}
