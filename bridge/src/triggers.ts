import { SignalAccessError, SimTimeoutError, UsageError } from './errors.js';
import type { SignalHandle } from './handle.js';
import { EdgeKind, type Encoder, TrigKind } from './protocol.js';
import { Simulator } from './simulator.js';
import { Task, withdraw, withdrawable } from './task.js';
import type { TimeUnit } from './units.js';

type AnySignal = SignalHandle<number> | SignalHandle<bigint>;

/** Something a test can await in `First`/`Combine`: a trigger, a task, or any promise. */
export type Awaitable<T = unknown> = PromiseLike<T>;

/**
 * A trigger the harness evaluates; awaiting it costs one round trip (shared with every other
 * trigger armed at the same time). It resolves with nothing: a thenable cannot be an await's
 * result in JavaScript, so `First` tells the winner by index.
 */
export abstract class Trigger implements PromiseLike<void> {
  /** @param sim The simulator that evaluates this trigger. */
  constructor(readonly sim: Simulator<unknown>) {}

  /** Writes the ARM op's kind and fields (bridge/PROTOCOL.md). */
  abstract encode(enc: Encoder): void;

  /** What it waits for, as a person reads it (`RisingEdge(clk_i)`): hang and deadlock reports. */
  abstract describe(): string;

  /** Arms the trigger once; resolves when it fires. The calling task waits on it until then. */
  wait(): Promise<void> {
    return this.sim.arm(this).promise;
  }

  then<A = void, B = never>(
    onFulfilled?: ((v: void) => A | PromiseLike<A>) | null,
    onRejected?: ((e: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.wait().then(onFulfilled, onRejected);
  }
}

function oneBit(s: AnySignal, what: string): void {
  if (s.width !== 1) throw new SignalAccessError(`${what} needs a 1-bit signal; ${s.name} has ${s.width} bits: use Edge`);
}

class EdgeTrigger extends Trigger {
  constructor(
    private readonly kind: TrigKind,
    readonly signal: AnySignal,
  ) {
    super(Simulator.owning(signal));
  }
  encode(enc: Encoder): void {
    enc.u8(this.kind).u32(this.signal.id);
  }
  describe(): string {
    return `${TrigKind[this.kind] === 'Rising' ? 'RisingEdge' : TrigKind[this.kind] === 'Falling' ? 'FallingEdge' : 'Edge'}(${this.signal.name})`;
  }
}

/** Fires on the next 0→1 change of a 1-bit signal, after the edge is evaluated (flops updated). */
export function RisingEdge(signal: AnySignal): Trigger {
  oneBit(signal, 'RisingEdge');
  return new EdgeTrigger(TrigKind.Rising, signal);
}

/** Fires on the next 1→0 change of a 1-bit signal. */
export function FallingEdge(signal: AnySignal): Trigger {
  oneBit(signal, 'FallingEdge');
  return new EdgeTrigger(TrigKind.Falling, signal);
}

/** Fires on the next change of any bit of the signal. */
export function Edge(signal: AnySignal): Trigger {
  return new EdgeTrigger(TrigKind.Edge, signal);
}

class TimerTrigger extends Trigger {
  private readonly steps: bigint;
  constructor(sim: Simulator<unknown>, time: number | bigint, unit: TimeUnit, private readonly kind = TrigKind.Timer) {
    super(sim);
    this.steps = sim.steps(time, unit);
    if (this.steps <= 0n) throw new UsageError(`Timer(${time} ${unit}) must be at least one step`);
  }
  encode(enc: Encoder): void {
    enc.u8(this.kind).u64(this.steps);
  }
  describe(): string {
    return `${this.kind === TrigKind.Limit ? 'the time limit' : 'Timer'}(${this.steps} steps, from ${this.sim.describeTime()})`;
  }
}

/**
 * Fires `time` later, at the start of that time step (before its clock edges are applied).
 * @param unit @defaultValue `'step'`
 */
export function Timer(time: number | bigint, unit: TimeUnit = 'step'): Trigger {
  return new TimerTrigger(Simulator.owning(undefined), time, unit);
}

/**
 * @internal A watchdog: fires when simulated time passes `time` from now, but never makes time
 * advance by itself, so a test with nothing left to simulate still ends with `SimIdleError`.
 */
export function Limit(sim: Simulator<unknown>, time: number | bigint, unit: TimeUnit): Trigger {
  return new TimerTrigger(sim, time, unit, TrigKind.Limit);
}

class CyclesTrigger extends Trigger {
  constructor(
    readonly signal: AnySignal,
    private readonly count: number,
    private readonly edge: EdgeKind,
  ) {
    super(Simulator.owning(signal));
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`ClockCycles(${signal.name}, ${count}): the count must be a positive integer`);
  }
  encode(enc: Encoder): void {
    enc.u8(TrigKind.Cycles).u32(this.signal.id).u8(this.edge).u64(this.count);
  }
  describe(): string {
    return `ClockCycles(${this.signal.name}, ${this.count}) from ${this.sim.describeTime()}`;
  }
}

/**
 * Fires on the `count`-th edge of `signal`, counted in the harness: one round trip whatever the
 * count. @param rising @defaultValue true (false counts falling edges)
 */
export function ClockCycles(signal: AnySignal, count: number, rising = true): Trigger {
  return new CyclesTrigger(signal, count, rising ? EdgeKind.Rising : EdgeKind.Falling);
}

class PhaseTrigger extends Trigger {
  constructor(private readonly kind: TrigKind) {
    super(Simulator.owning(undefined));
  }
  encode(enc: Encoder): void {
    enc.u8(this.kind);
  }
  describe(): string {
    return `${TrigKind[this.kind]}()`;
  }
}

/** Fires when the current time step has settled; writes are then refused until time moves. */
export function ReadOnly(): Trigger {
  return new PhaseTrigger(TrigKind.ReadOnly);
}

/** Fires once the current time step is stable; writes made then are evaluated in the same step. */
export function ReadWrite(): Trigger {
  return new PhaseTrigger(TrigKind.ReadWrite);
}

/** Fires at the start of the next time step that has any event. */
export function NextTimeStep(): Trigger {
  return new PhaseTrigger(TrigKind.NextTimeStep);
}

class AgentTrigger extends Trigger {
  constructor(
    sim: Simulator<unknown>,
    private readonly agent: number,
    private readonly count: number,
    private readonly what: () => string,
  ) {
    super(sim);
  }
  encode(enc: Encoder): void {
    enc.u8(TrigKind.Agent).u32(this.agent).u64(this.count);
  }
  describe(): string {
    return `${this.what()} (until ${this.count} done)`;
  }
}

/**
 * @internal Fires once harness agent `agent` has completed `count` transactions (frames sent or
 * received, bus transfers, samples); its data has reached the bridge by then. `what` names the
 * wait in reports (`AxisSink m_axis`); a function, since a report is rare and a wait is not (a
 * source makes one per frame it queues).
 */
export function AgentDone(sim: Simulator<unknown>, agent: number, count: number, what: () => string = () => `agent ${agent}`): Trigger {
  return new AgentTrigger(sim, agent, count, what);
}

/**
 * @internal The promise of `body`, whose simulator waits go through `wait`, made withdrawable
 * (see `First`): withdrawing cancels the trigger it waits on, and its promise then never settles,
 * so nothing it would have taken (a frame, a character) is consumed.
 */
export function withdrawableBody<T>(sim: Simulator<unknown>, body: (wait: (t: Trigger) => Promise<void>) => Promise<T>): Promise<T> {
  let current: number | undefined;
  let withdrawn = false;
  const wait = async (t: Trigger): Promise<void> => {
    if (withdrawn) return new Promise<void>(() => undefined);
    const { id, promise } = sim.arm(t);
    current = id;
    try {
      await promise;
    } finally {
      current = undefined;
    }
  };
  return withdrawable(body(wait), () => {
    withdrawn = true;
    if (current !== undefined) sim.cancelTrigger(current);
  });
}

/** Options of {@link Until}. */
export interface UntilOptions {
  /** Bits compared. @defaultValue all */
  readonly mask?: number | bigint;
  /** Fire when the value differs instead. @defaultValue false */
  readonly notEqual?: boolean;
  /** Which edges of the clock sample the condition. @defaultValue `'rising'` */
  readonly edge?: 'rising' | 'falling' | 'both';
}

class UntilTrigger extends Trigger {
  private readonly mask: Uint32Array;
  private readonly val: Uint32Array;
  constructor(
    readonly clock: AnySignal,
    readonly signal: AnySignal,
    value: number | bigint,
    private readonly options: UntilOptions,
  ) {
    super(Simulator.owning(clock));
    const all = (1n << BigInt(signal.width)) - 1n;
    this.mask = this.sim.words(signal.id, options.mask ?? all);
    this.val = this.sim.words(signal.id, value);
  }
  encode(enc: Encoder): void {
    const edge = { rising: EdgeKind.Rising, falling: EdgeKind.Falling, both: EdgeKind.Any }[this.options.edge ?? 'rising'];
    enc.u8(TrigKind.Until).u32(this.clock.id).u8(edge).u32(this.signal.id).u8(this.options.notEqual ? 1 : 0);
    enc.words(this.mask).words(this.val);
  }
  describe(): string {
    const v = (w: Uint32Array): string => `0x${[...w].reverse().map((x, i) => (i ? x.toString(16).padStart(8, '0') : x.toString(16))).join('')}`;
    const masked = this.options.mask !== undefined ? ` & ${v(this.mask)}` : '';
    return `Until(${this.clock.name}, ${this.signal.name}${masked} ${this.options.notEqual ? '!=' : '=='} ${v(this.val)})`;
  }
}

/**
 * The wait-until trigger: on each edge of `clock` the harness compares `signal & mask` with
 * `value` (after the edge is evaluated) and fires on the first match. One round trip replaces
 * `while (dut.x.value !== v) await RisingEdge(clk)`, however many cycles that takes; unlike that
 * loop it does not look at the value before the first edge.
 */
export function Until(clock: AnySignal, signal: AnySignal, value: number | bigint, options: UntilOptions = {}): Trigger {
  return new UntilTrigger(clock, signal, value, options);
}

/** Which awaitable of a {@link First} completed first, and its result. */
export interface FirstResult<T> {
  readonly index: number;
  readonly value: T;
}

/**
 * Resolves with the index and result of the first awaitable to complete; the harness triggers
 * that lost are cancelled.
 */
export async function First<T extends readonly Awaitable[]>(...items: T): Promise<FirstResult<Awaited<T[number]>>> {
  const armed: { sim: Simulator<unknown>; id: number }[] = [];
  const others: unknown[] = [];
  const racers = items.map((a, i) => {
    if (a instanceof Trigger) {
      const { id, promise } = a.sim.arm(a);
      armed.push({ sim: a.sim, id });
      return promise.then(() => ({ index: i, value: undefined as unknown }));
    }
    // A task's join, an event's or a lock's wait, a transactor's result: each holds the flow
    // until it settles, so a loser's wait is withdrawn below, or the flow would count as
    // waiting while it runs on (and time could run under running code).
    const joined = a.then((value) => ({ index: i, value: value as unknown }));
    others.push(a, joined);
    return joined;
  });
  try {
    return (await Promise.race(racers)) as FirstResult<Awaited<T[number]>>;
  } finally {
    for (const { sim, id } of armed) sim.cancelTrigger(id);
    for (const p of others) withdraw(p);
  }
}

/** Resolves when every awaitable has completed, with their results in order. */
export function Combine<T extends readonly Awaitable[]>(...items: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  return Promise.all(items.map((a) => (a instanceof Trigger ? a.wait() : a))) as Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }>;
}

/**
 * Awaits `what`, failing with {@link SimTimeoutError} when `time` of simulated time passes first.
 * @param unit @defaultValue `'step'`
 */
export async function withTimeout<T>(what: Awaitable<T>, time: number | bigint, unit: TimeUnit = 'step'): Promise<T> {
  const r = await First(what, Timer(time, unit));
  if (r.index === 1) {
    const sim = Simulator.current;
    throw new SimTimeoutError(`timed out after ${time} ${unit} of simulated time (now ${sim.describeTime()})${what instanceof Task ? ` waiting for task '${what.name}'` : ''}`);
  }
  return r.value as T;
}
