import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildTop, coverageOn } from './build.js';
import { reportsDir } from './paths.js';
import { Connection, type ConnectionOptions } from './connection.js';
import {
  BridgeError, CancelledError, HarnessError, HarnessLostError, SignalAccessError, SimEndedError, SimIdleError, TaskFailedError,
} from './errors.js';
import { buildDut, type AnyHandle, type MemoryData, type SignalHandle, type SignalOwner } from './handle.js';
import {
  AgentKind, Decoder, Encoder, ErrCode, Msg, Op, Phase, PROTOCOL_VERSION, ProtocolError, STEP_RUN, Status, readHeader,
} from './protocol.js';
import { Agents, type AgentHandler } from './sim/agents.js';
import { type DigestPart, RunDigest, Seen } from './sim/digest.js';
import { OpQueue } from './sim/ops.js';
import { Snapshot, type TableEntry } from './sim/snapshot.js';
import { Counters, type SimStats } from './sim/stats.js';
import { Waits } from './sim/waits.js';
import { Dir, type SignalInfo } from './signals.js';
import { type Flow, Task, currentFlow, currentTask, onFlowChange, rootFlow, type TaskHost } from './task.js';
import type { TopSpec } from './top.js';
import type { Trigger } from './triggers.js';
import { fromSteps, toSteps, type TimeUnit } from './units.js';

export { DRIVER_ONLY, type AgentHandler } from './sim/agents.js';
export type { SimStats } from './sim/stats.js';

/**
 * How agent data travels from the harness (bridge/PROTOCOL.md, Agents). It never changes what a
 * test sees: a wait delivers what its own `batch` says, whatever the chunking.
 */
export interface TransportOptions {
  /** Items per AGENT_DATA message sent mid-run (streams: records; sinks: frames). */
  readonly chunk?: number;
  /** Messages a streaming agent may have in flight before it waits for the bridge. */
  readonly credits?: number;
}

/** Options of {@link Simulator.start}. */
export interface StartOptions extends ConnectionOptions {
  /** `+plusargs` for the simulation (`$test$plusargs`, `$value$plusargs`). */
  readonly plusargs?: readonly string[];
  /** Attach to a harness started by hand instead of spawning one. @defaultValue `$SIM_ENDPOINT` */
  readonly endpoint?: string;
  /**
   * Overrides every agent's chunking and credits (for determinism checks).
   * @defaultValue `$SIM_TRANSPORT` (`chunk=7,credits=1`), else each agent's own
   */
  readonly transport?: TransportOptions;
  /** Keep a digest of what the test sees ({@link Simulator.digest}). @defaultValue `SIM_TRACE_DIGEST=1` */
  readonly digest?: boolean;
}

/** `chunk=7,credits=1` → `{ chunk: 7, credits: 1 }`. */
function transportFromEnv(text: string | undefined): TransportOptions {
  if (!text) return {};
  const out: { chunk?: number; credits?: number } = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if ((k !== 'chunk' && k !== 'credits') || !Number.isInteger(n) || n < 1) {
      throw new BridgeError(`SIM_TRANSPORT='${text}': expected e.g. 'chunk=7,credits=1' (positive integers)`);
    }
    out[k] = n;
  }
  return out;
}

/** Where `COVERAGE=1` runs put their .dat files (merged into reports/ at the end of the run). */
export function coverageDatDir(): string {
  return path.join(reportsDir(), 'rtl-coverage', 'dat');
}

function covDir(): { coverageDir?: string } {
  if (!coverageOn()) return {};
  const dir = coverageDatDir();
  mkdirSync(dir, { recursive: true });
  return { coverageDir: dir };
}

const STATUS_TEXT: Record<number, string> = {
  [Status.Finished]: '$finish',
  [Status.Failed]: '$fatal, $stop or a failed assertion',
};

/**
 * One simulation: a harness process (or an attached one) and the scheduler of the test's tasks.
 * The harness runs time while every task waits on a trigger; it stops when one fires, and the
 * reply carries the values of every port and watched signal, so reads cost nothing.
 *
 * Its parts live in `sim/`: the signal table and snapshot, the armed waits, the per-flow op
 * queues, the agents, the counters and the digest. This class is the session that joins them:
 * when time runs (`flush`), one request at a time, the reply that resumes the test.
 */
export class Simulator<D = unknown> implements SignalOwner, TaskHost {
  private static active: Simulator<unknown> | undefined;

  /** The simulator that triggers without a handle (Timer, ReadOnly…) belong to. */
  static get current(): Simulator<unknown> {
    if (!Simulator.active) throw new BridgeError('no simulator is running: start one (Simulator.start or the simTest fixture)');
    return Simulator.active;
  }

  /** The simulator a handle belongs to; the current one for triggers without a handle. */
  static owning(h: { readonly owner: SignalOwner } | undefined): Simulator<unknown> {
    return h && h.owner instanceof Simulator ? (h.owner as Simulator<unknown>) : Simulator.current;
  }

  /** Makes this the simulator of handle-less triggers (Timer, ReadOnly…) and of `First`. */
  activate(): this {
    Simulator.active = this as Simulator<unknown>;
    return this;
  }

  /** The DUT's signals: `sim.dut.clk_i`, `sim.dut.u_core.state_q`. */
  readonly dut: D;
  /** Top module name. */
  readonly top: string;
  /** Simulator precision, as a power of ten of seconds (−12 for 1 ps). */
  readonly precision: number;
  readonly handles: readonly AnyHandle[];
  /** @internal Transport settings that override every agent's own. */
  readonly transport: TransportOptions;

  private readonly snapshot: Snapshot;
  private readonly waits = new Waits();
  private readonly ops = new OpQueue();
  private readonly agents: Agents;
  private readonly counters: Counters;
  /** Per flow, a hash of what it saw (its resumes, the items it took); undefined when off. */
  private readonly hashes?: RunDigest;
  private readonly req = new Encoder();
  private seq = 0;
  private flushQueued = false;
  private busy = false;
  private tasks = new Set<Task<unknown>>();
  private nowSteps = 0n;
  private phase = Phase.Active;
  private ended?: SimEndedError;
  private failure?: Error;
  private readonly restartHooks = new Set<() => void>();
  private readonly dropListener: () => void;

  private constructor(
    private readonly conn: Connection,
    hello: Decoder,
    options: StartOptions,
  ) {
    hello.u16();
    hello.u16();
    this.precision = hello.i8();
    hello.u8();
    hello.u16();
    this.top = hello.str();
    this.snapshot = new Snapshot(this, this.top, hello);
    this.handles = this.snapshot.handles;
    this.dut = buildDut(this.top, this.handles) as D;
    this.counters = new Counters(this.precision);
    this.agents = new Agents((frame) => conn.post(frame));
    this.transport = options.transport ?? transportFromEnv(process.env.SIM_TRANSPORT);
    if (options.digest ?? process.env.SIM_TRACE_DIGEST === '1') this.hashes = new RunDigest();
    conn.onAgentData = (frame) => this.agents.receive(frame);
    this.dropListener = onFlowChange(() => this.scheduleFlush());
  }

  /**
   * Builds `top` (or finds it in the cache), spawns its harness and handshakes. With
   * `endpoint` (or `SIM_ENDPOINT`) it attaches to a running harness instead.
   */
  static async start<D>(top: TopSpec<D>, options: StartOptions = {}): Promise<Simulator<D>> {
    const endpoint = options.endpoint ?? process.env.SIM_ENDPOINT;
    const conn = endpoint
      ? await Connection.attach(endpoint, options)
      : await Connection.spawn((await buildTop(top)).harness, options.plusargs ?? [], { ...options, ...covDir() });
    try {
      const enc = new Encoder().reset(Msg.Hello, 0, 0).u16(PROTOCOL_VERSION).u16(0);
      const reply = await conn.request(enc.frame());
      const d = Simulator.expect(reply, Msg.HelloOk);
      const sim = new Simulator<D>(conn, d, options);
      const want = top.module ?? top.name;
      if (sim.top !== want) {
        throw new BridgeError(`the harness at ${conn.endpoint} simulates top '${sim.top}', but this test needs '${want}'`);
      }
      await sim.sync();
      return sim.activate();
    } catch (e) {
      await conn.close();
      throw e;
    }
  }

  private static expect(frame: Buffer, type: Msg): Decoder {
    const d = new Decoder(frame);
    const h = readHeader(d);
    if (h.type === Msg.Error) {
      const code = d.u16() as ErrCode;
      d.u16();
      throw new HarnessError(code, d.str());
    }
    if (h.type !== type) throw new ProtocolError(`expected ${Msg[type]}, got message type 0x${h.type.toString(16)}`);
    return d;
  }

  // ---- time ---------------------------------------------------------------------------------

  /** Current simulated time in `unit`. @param unit @defaultValue `'ns'` */
  time(unit: TimeUnit = 'ns'): number {
    return fromSteps(this.nowSteps, unit, this.precision);
  }

  /** Current simulated time in steps (10^precision s). */
  get now(): bigint {
    return this.nowSteps;
  }

  /** `time` in `unit` as a whole number of steps. */
  steps(time: number | bigint, unit: TimeUnit): bigint {
    return toSteps(time, unit, this.precision);
  }

  /** The current time for messages, e.g. `1234.5 ns`. */
  describeTime(): string {
    return `${this.time('ns')} ns`;
  }

  // ---- signal access (SignalOwner) ----------------------------------------------------------

  /** A handle by hierarchical name (`'u_core.state_q'`). */
  signal(name: string): AnyHandle {
    return this.snapshot.lookup(name);
  }

  readValue(id: number): number | bigint {
    return this.snapshot.read(id);
  }

  /** Encodes `value` for signal `id` as little-endian words, checking it fits. */
  words(id: number, value: number | bigint | boolean): Uint32Array {
    return this.snapshot.encode(id, value);
  }

  private checkWrite(id: number, what: string): TableEntry {
    const info = this.snapshot.table[id]!;
    if (info.depth) throw new SignalAccessError(`${info.name} is a memory: use its read()/write()`);
    if (this.phase === Phase.ReadOnly || this.phase === Phase.End) {
      throw new SignalAccessError(`${what} ${info.name} in the ReadOnly phase (t=${this.describeTime()}): await a trigger that leaves it, e.g. NextTimeStep() or a clock edge`);
    }
    return info;
  }

  deposit(id: number, value: number | bigint | boolean): void {
    const info = this.checkWrite(id, 'write to');
    if (!info.writable) {
      throw new SignalAccessError(`${info.name} is not writable (${info.dir === Dir.Out ? 'an output' : 'an internal signal that is not public_flat_rw'})`);
    }
    const w = this.words(id, value);  // validated before anything is queued
    this.op(Op.Write).u32(id).words(w);
  }

  force(id: number, value: number | bigint | boolean): void {
    const info = this.checkWrite(id, 'force of');
    if (!info.forceable) throw new SignalAccessError(`${info.name} is not forceable: add \`forceable -module <m> -var <v>\` (and public_flat_rw) to the top's .vlt`);
    const w = this.words(id, value);
    this.op(Op.Force).u32(id).words(w);
  }

  release(id: number): void {
    const info = this.checkWrite(id, 'release of');
    if (!info.forceable) throw new SignalAccessError(`${info.name} is not forceable`);
    this.op(Op.Release).u32(id);
  }

  async readMemory(id: number, offset: number, count: number): Promise<MemoryData> {
    const info = this.snapshot.memory(id, offset, count);
    const enc = this.request(Msg.MemRead).u32(id).u32(offset).u32(count);
    const d = await this.aux(enc.frame(), Msg.MemData);
    const stride = d.u32();
    const bytes = new Uint8Array(count * stride);
    bytes.set(d.bytes(count * stride));
    switch (stride) {
      case 1: return bytes;
      case 2: return new Uint16Array(bytes.buffer);
      case 4: return new Uint32Array(bytes.buffer);
      case 8: return new BigUint64Array(bytes.buffer);
      default: throw new SignalAccessError(`${info.name}: memories wider than 64 bits are not supported`);
    }
  }

  async writeMemory(id: number, offset: number, data: MemoryData | ArrayLike<number>): Promise<void> {
    const info = this.snapshot.memory(id, offset, data.length);
    const stride = info.width <= 8 ? 1 : info.width <= 16 ? 2 : info.width <= 32 ? 4 : 8;
    if (info.width > 64) throw new SignalAccessError(`${info.name}: memories wider than 64 bits are not supported`);
    const enc = this.request(Msg.MemWrite).u32(id).u32(offset).u32(data.length).bytes(memoryBytes(info, offset, stride, data));
    await this.aux(enc.frame(), Msg.Ok);
  }

  /** Adds internal signals to every snapshot from now on (ports always are). */
  async watch(...handles: readonly (SignalHandle<number> | SignalHandle<bigint>)[]): Promise<void> {
    for (const h of handles) {
      if (this.snapshot.has(h.id)) continue;
      if (h.info.depth) throw new SignalAccessError(`${h.name} is a memory: use its read()/write()`);
      this.op(Op.Watch).u32(h.id);
      this.snapshot.add(h.id);
    }
    await this.sync();
  }

  // ---- clocks -----------------------------------------------------------------------------------

  /** @internal Used by {@link Clock}. */
  startClock(id: number, period: bigint, high: bigint, phase: bigint, startHigh: boolean): void {
    if (phase === 0n) this.checkWrite(id, 'clock on');
    this.counters.clockStarted(period);
    this.op(Op.Clock).u32(id).u64(period).u64(high).u64(phase).u8(startHigh ? 1 : 0);
  }

  /** @internal Used by {@link Clock}. */
  stopClock(id: number): void {
    this.op(Op.ClockStop).u32(id);
  }

  // ---- agents (streams, transactors) -------------------------------------------------------

  /**
   * @internal Opens a harness agent on `clock` (its edges sample and drive); `body` encodes the
   * kind's fields. Returns the agent id.
   */
  openAgent(kind: AgentKind, clock: SignalHandle<number>, rising: boolean, body: (enc: Encoder) => void, handler: AgentHandler): number {
    if (clock.owner !== this) throw new SignalAccessError(`${clock.name} belongs to another simulator`);
    const id = this.agents.open(handler);
    body(this.op(Op.AgentOpen).u32(id).u8(kind).u32(clock.id).u8(rising ? 0 : 1));
    return id;
  }

  /** @internal Queues one transaction for agent `id`. */
  pushAgent(id: number, payload: Uint8Array): void {
    this.op(Op.AgentPush).u32(id).u32(payload.length).bytes(payload);
    if (this.waits.running) this.scheduleFlush();
  }

  /** @internal Closes agent `id`; its last data arrives with the next reply. */
  closeAgent(id: number): void {
    if (this.agents.has(id)) this.op(Op.AgentClose).u32(id);
  }

  // ---- triggers and tasks -------------------------------------------------------------------

  /**
   * Arms `trigger` in the harness (with the next resume) and returns its id and a promise that
   * resolves when it fires. Used by `await trigger` and by `First`.
   */
  arm(trigger: Trigger, options: { background?: boolean } = {}): { id: number; promise: Promise<void> } {
    const id = this.waits.id();
    const task = currentTask.getStore();
    const promise = new Promise<void>((resolve, reject) => {
      const stop = this.failure ?? this.ended ?? (task?.cancelled ? new CancelledError(`task '${task.name}' was cancelled`) : undefined);
      if (stop) {
        reject(stop);
        return;
      }
      trigger.encode(this.op(Op.Arm).u32(id));
      const background = options.background ?? false;
      // The flow that armed it waits on it; a watchdog holds no flow.
      this.waits.add(id, currentFlow(), background ? '' : trigger.describe(), background, task, resolve, reject);
      this.scheduleFlush();
    });
    return { id, promise };
  }

  /** Disarms a trigger that nobody waits for any more (its promise never settles). */
  cancelTrigger(id: number): void {
    if (this.waits.forget(id)) this.op(Op.Cancel).u32(id);
  }

  /** Starts `fn` as a concurrent task (cocotb's `start_soon`). */
  startSoon<T>(fn: () => Promise<T>, name = `task${this.tasks.size + 1}`): Task<T> {
    const t = new Task<T>(this, fn, name);
    this.tasks.add(t as Task<unknown>);
    return t;
  }

  cancelWaitsOf(task: Task<unknown>, err: CancelledError): void {
    for (const id of this.waits.of(task)) {
      const w = this.waits.forget(id)!;
      this.op(Op.Cancel).u32(id);
      w.reject(err);
    }
  }

  taskFailed(task: Task<unknown>, err: unknown): void {
    const msg = err instanceof Error ? err.message : String(err);
    this.fail(new TaskFailedError(`task '${task.name}' failed at ${this.describeTime()}: ${msg}`, { cause: err }));
  }

  /** True while a request (a time step) is under way in the harness. */
  get inRequest(): boolean {
    return this.busy;
  }

  /**
   * Fails the test with `err` and, when the harness is in the middle of a step, gives it up (a
   * spawned one is killed): the next test gets a fresh harness instead of waiting behind it.
   */
  abandon(err: Error): void {
    const stuck = this.busy;
    this.fail(err);
    if (stuck) this.conn.abandon(new HarnessLostError(`the harness was stopped: ${err.message}`));
  }

  /** Fails the test: every waiting trigger rejects with `err`, and nothing runs any more. */
  fail(err: Error): void {
    this.failure ??= err;
    this.waits.rejectAll(this.failure);
    this.agents.end(this.failure);
  }

  /** The error that failed this test, if any (a task's, a timeout's, the harness's). */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Returns and clears the failure, for a test that provokes one on purpose. */
  takeFailure(): Error | undefined {
    const f = this.failure;
    this.failure = undefined;
    return f;
  }

  /** Why the simulation ended ($finish, $fatal…), if it did. */
  get endedBy(): SimEndedError | undefined {
    return this.ended;
  }

  /** The flows of this simulation's test code: the code outside tasks and every live task. */
  private flows(): Flow[] {
    const out = [rootFlow];
    for (const t of this.tasks) if (!t.finished) out.push(t.flow);
    return out;
  }

  /** What every flow of the test waits on, for hang and deadlock reports. */
  describeWaits(): string {
    return this.flows().filter((f) => f !== rootFlow || f.blocked).map((f) => f.describe()).join('; ');
  }

  // ---- the session: requests, one at a time ---------------------------------------------------

  /** Starts an op in the current flow's queue. */
  private op(code: Op): Encoder {
    return this.ops.op(currentFlow(), code);
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // setImmediate runs once every microtask has drained: every task has reached its next await.
    setImmediate(() => {
      this.flushQueued = false;
      void this.flush();
    });
  }

  /** The encoder of the next request other than a STEP (requests never overlap). */
  private request(type: Msg): Encoder {
    return this.req.reset(type, 0, ++this.seq);
  }

  private takeOps(type: Msg, flags: number): Buffer {
    return this.ops.take(type, flags, ++this.seq);
  }

  /**
   * Runs time when, and only when, every flow of the test waits on the simulator: code that
   * runs, or awaits a timer or a file, holds simulated time until it waits again, so nothing a
   * test sees depends on wall-clock time.
   */
  private async flush(): Promise<void> {
    if (this.busy || this.failure || this.ended) return;
    const flows = this.flows();
    if (!flows.every((f) => f.blocked)) return;
    if (this.waits.running === 0) {
      // Everyone waits, and on nothing the harness could ever fire: no task can wake another.
      this.fail(new BridgeError(`deadlock at ${this.describeTime()}: every task waits and no trigger is armed, so none can ever resume (${this.describeWaits()})`));
      return;
    }
    this.busy = true;
    try {
      await this.exchangeEvent(this.takeOps(Msg.Step, STEP_RUN));
    } catch (e) {
      this.fail(e as Error);
    } finally {
      this.busy = false;
    }
    if (this.waits.running) this.scheduleFlush();
  }

  /** Sends pending ops without running time (and refreshes the snapshot). */
  async sync(): Promise<void> {
    await this.serial(() => this.exchangeEvent(this.takeOps(Msg.Step, 0)));
  }

  /** Runs a request that is not a time step; time stays put until it is answered. */
  private aux(frame: Buffer, type: Msg): Promise<Decoder> {
    return this.serial(() => this.roundTrip(frame).then((reply) => Simulator.expect(reply, type)));
  }

  /** Runs `fn` when no other request is in flight (the harness answers one at a time). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) return new Promise((r) => setImmediate(r)).then(() => this.serial(fn));
    this.busy = true;
    const done = (): void => {
      this.busy = false;
      if (this.waits.running) this.scheduleFlush();
    };
    return fn().then(
      (v) => {
        done();
        return v;
      },
      (e: unknown) => {
        done();
        throw e;
      },
    );
  }

  private roundTrip(frame: Buffer): Promise<Buffer> {
    const t0 = performance.now();
    return this.conn.request(frame).then(
      (reply) => {
        this.counters.roundTrip(performance.now() - t0);
        this.agents.commit();
        return reply;
      },
      (e: Error) => {
        this.counters.roundTrip(performance.now() - t0);
        this.agents.discard();
        throw this.withTime(e);
      },
    );
  }

  private withTime(e: Error): Error {
    // The harness may have run on after its last reply: its time then is all this side knows.
    const known = '(last simulated time known';
    if (e instanceof BridgeError && !(e instanceof HarnessError) && !e.message.includes(known)) e.message = `${e.message}\n${known}, from the harness's last reply: ${this.describeTime()})`;
    return e;
  }

  /** An EVENT reply: the new time and snapshot, then the resumption of what fired, in order. */
  private async exchangeEvent(frame: Buffer): Promise<void> {
    const d = Simulator.expect(await this.roundTrip(frame), Msg.Event);
    this.nowSteps = d.u64();
    const status = d.u8() as Status;
    this.phase = d.u8() as Phase;
    d.u16();
    const evals = Number(d.u64());
    this.counters.harness(evals, Number(d.u64()) / 1e6);
    const fired = d.words(d.u32());
    const nSig = d.u32();
    if (nSig !== this.snapshot.count) throw new ProtocolError(`snapshot has ${nSig} signals, expected ${this.snapshot.count}`);
    this.snapshot.update(d.words(d.u32()));
    switch (status) {
      case Status.Fired:
      case Status.Paused: {  // a STEP without run can fire triggers too (closing an agent)
        for (const w of this.waits.fired(fired)) {
          if (this.hashes && !w.background) this.hashes.seen(w.flow, Seen.Resume, Buffer.from(w.what), this.nowSteps, status, this.phase, this.snapshot.words);
          w.resolve();
        }
        break;
      }
      case Status.Finished:
      case Status.Failed: {
        // The harness flushed its stdout before replying; give the pipe a moment to deliver it.
        await new Promise((r) => setTimeout(r, 30));
        this.ended = new SimEndedError(`simulation ended by ${STATUS_TEXT[status]} at ${this.describeTime()}${this.conn.output()}`);
        this.waits.rejectAll(this.ended);
        this.agents.end(this.ended);
        break;
      }
      case Status.Idle:
        this.waits.rejectAll(new SimIdleError(`at ${this.describeTime()} nothing is left to simulate (no clock, timer or HDL event), so the awaited triggers can never fire: start a Clock or await a Timer`));
        break;
      default:
        break;
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Writes an FST waveform from now on to `file`, a path under the repository's `waves/`
   * (a remote harness writes it under its own `--waves-dir`), or stops with `undefined`.
   */
  async trace(file: string | undefined): Promise<void> {
    const enc = this.request(Msg.Trace).u8(file ? 1 : 0).str(file ? this.conn.waveName(file) : '');
    await this.aux(enc.frame(), Msg.Ok);
    this.conn.tracing = file !== undefined;
  }

  /**
   * Recreates the model at time 0 in the same process: tasks of the previous run are cancelled,
   * triggers, clocks, forces and watches dropped.
   */
  async restart(): Promise<void> {
    const before = this.perf();
    for (const t of this.tasks) t.cancel();
    this.tasks.clear();
    this.waits.rejectAll(new CancelledError('the simulator restarted'));
    this.agents.end(new CancelledError('the simulator restarted'));
    this.ops.clear();
    this.failure = undefined;
    this.ended = undefined;
    this.snapshot.reset();
    const frame = this.request(Msg.Restart).frame();
    if (this.hashes) this.hashes.seen(currentFlow(), Seen.Restart);
    this.counters.carry(before);
    await this.serial(() => this.exchangeEvent(frame));
    this.conn.newRun();
    this.resetStats();
    for (const hook of this.restartHooks) hook();
  }

  /**
   * Runs `hook` after every {@link restart}, e.g. to re-arm a watchdog that the restart
   * dropped with every other trigger. Returns its removal.
   */
  afterRestart(hook: () => void): () => void {
    this.restartHooks.add(hook);
    return () => this.restartHooks.delete(hook);
  }

  /** Cancels every task still running (at the end of a test). */
  cancelAll(): void {
    for (const t of this.tasks) t.cancel();
    this.tasks.clear();
  }

  /** Counters since the last reset (or restart). */
  perf(): SimStats {
    return this.counters.perf(this.nowSteps);
  }

  /**
   * Counters of every run of the model since {@link resetTotals}, across restarts (what a
   * property test with one restart per case spent in all); `wallMs` is of the runs alone.
   */
  totals(): SimStats {
    return this.counters.totals(this.nowSteps);
  }

  /** Starts {@link totals} from zero (and the current run's counters). */
  resetTotals(): void {
    this.counters.resetTotals(this.nowSteps);
  }

  resetStats(): void {
    this.counters.reset(this.nowSteps);
  }

  /** Measures one raw round trip (PING/PONG) through the whole stack, for benchmarks. */
  ping(payload?: Uint8Array): Promise<unknown> {
    const enc = this.request(Msg.Ping);
    return this.aux((payload ? enc.bytes(payload) : enc).frame(), Msg.Pong);
  }

  /** @internal Adds an item handed to the current flow (a frame, a batch, a bus result) to the digest. */
  observe(...parts: DigestPart[]): void {
    if (this.hashes) this.hashes.seen(currentFlow(), Seen.Item, ...parts);
  }

  /**
   * A hash of everything the test has seen since {@link resetDigest}: per flow of test code,
   * each resume (which of its waits, the time, phase and snapshot) and every item handed to it,
   * with its time; the flows in key order. The same test and seed give the same digest on every
   * run, whatever the transport or the machine's load. `undefined` unless enabled
   * ({@link StartOptions.digest}, `SIM_TRACE_DIGEST=1`).
   */
  digest(): string | undefined {
    return this.hashes?.digest();
  }

  /** Starts the digest afresh (the fixture does, per test). */
  resetDigest(): void {
    this.hashes?.reset();
  }

  /** Stops the harness (closing its waveform) and releases everything. */
  async close(): Promise<void> {
    this.dropListener();
    this.cancelAll();
    this.waits.rejectAll(new CancelledError('the simulator was closed'));
    if (Simulator.active === (this as Simulator<unknown>)) Simulator.active = undefined;
    await this.conn.close();
  }

  /**
   * The coverage files (`COVERAGE=1`) this simulator's harness has written so far, one per run
   * of the model, written when the run ends (at a restart or at close); names in
   * {@link coverageDatDir}. Empty without coverage or for an attached harness.
   */
  coverageFiles(): string[] {
    const pid = this.pid;
    if (!coverageOn() || pid === undefined || !existsSync(coverageDatDir())) return [];
    const prefix = `${this.top}-${pid}-`;
    return readdirSync(coverageDatDir()).filter((f) => f.startsWith(prefix) && f.endsWith('.dat')).sort();
  }

  /** Process id of the harness, when this side spawned it. */
  get pid(): number | undefined {
    return this.conn.process?.pid;
  }

  /** The harness's recent stdout/stderr. */
  get output(): string {
    return this.conn.output();
  }
}

/** The bytes of a memory write: `data` as it is when already of the element size, else checked and packed. */
function memoryBytes(info: SignalInfo, offset: number, stride: number, data: MemoryData | ArrayLike<number>): Uint8Array {
  if (ArrayBuffer.isView(data) && data.BYTES_PER_ELEMENT === stride) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const limit = 2 ** Math.min(info.width, 53);
  const typed = stride === 8 ? new BigUint64Array(data.length) : stride === 4 ? new Uint32Array(data.length) : stride === 2 ? new Uint16Array(data.length) : new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (typeof v === 'number' && (!Number.isInteger(v) || v < 0 || v >= limit)) {
      throw new SignalAccessError(`${info.name}[${offset + i}]: ${v} does not fit in ${info.width} bits`);
    }
    if (typed instanceof BigUint64Array) typed[i] = BigInt(v);
    else typed[i] = Number(v);
  }
  return new Uint8Array(typed.buffer);
}
