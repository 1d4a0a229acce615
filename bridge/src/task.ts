import { AsyncLocalStorage } from 'node:async_hooks';
import { CancelledError } from './errors.js';

/** The task whose code is running (through every await), so triggers know their owner. */
export const currentTask = new AsyncLocalStorage<Task<unknown>>();

/**
 * What the scheduler knows of one flow of test code (a task, or the code outside every task):
 * the simulator waits that hold it. A flow with none is running, or awaits something that is
 * not the simulator's (a timer, a file): simulated time then stays put until it waits again, so
 * what a test sees never depends on how long such an await takes.
 */
export class Flow {
  /** What the flow waits on, one entry per pending wait (for hang and deadlock reports). */
  readonly waits = new Map<number, string>();
  /**
   * Where it stands among the flows, whatever the wall-clock order they ran in: the root is
   * `[]`, the k-th task a flow starts is its key plus `k`. Ops and resumptions of one time step
   * go in this order, so "the last write wins" and "who resumes first" are the test's own.
   */
  readonly key: readonly number[];
  private children = 0;
  /** Simulator waits this flow has armed: with the key, a name for each wait. */
  seq = 0;

  constructor(readonly name: string, parent?: Flow) {
    this.key = parent ? [...parent.key, parent.children++] : [];
  }

  /** Orders flows by key (a parent before its children, then by start). */
  static compare(a: Flow, b: Flow): number {
    const n = Math.min(a.key.length, b.key.length);
    for (let i = 0; i < n; i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
    return a.key.length - b.key.length;
  }

  get blocked(): boolean {
    return this.waits.size > 0;
  }

  /** `task 'rx' waits on RisingEdge(clk_i), SimEvent 'done'`. */
  describe(): string {
    return this.blocked ? `${this.name} waits on ${[...this.waits.values()].join(', ')}` : `${this.name} is running (or awaits something that is not the simulator's)`;
  }
}

/** The code outside every task: a test's body, a script's top level. */
export const rootFlow = new Flow('the test body');

/** Called whenever a flow starts waiting or ends: the simulators check whether time may run. */
const listeners = new Set<() => void>();

/** @internal A simulator's scheduler hears every change of the flows' states. */
export function onFlowChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed(): void {
  for (const fn of listeners) fn();
}

let nextWait = 1;

/** The flow of the code running now. */
export function currentFlow(): Flow {
  return currentTask.getStore()?.flow ?? rootFlow;
}

/**
 * @internal Marks the current flow as waiting on `what` until the returned release is called
 * (once; later calls do nothing). Every simulator awaitable registers its wait this way.
 */
export function block(what: string, flow: Flow = currentFlow()): () => void {
  const id = nextWait++;
  flow.waits.set(id, what);
  changed();
  return () => {
    flow.waits.delete(id);
  };
}

const withdrawals = new WeakMap<object, () => void>();

/**
 * @internal Records how to withdraw the simulator wait behind `p` when nobody awaits it any
 * more (a loser of `First`): its hold on the flow ends, and what it would have taken is left.
 */
export function withdrawable<P extends object>(p: P, withdraw: () => void): P {
  withdrawals.set(p, withdraw);
  return p;
}

/** @internal Withdraws the wait behind `p`, if it is one (once; later calls do nothing). */
export function withdraw(p: unknown): void {
  if (typeof p !== 'object' || p === null) return;
  const w = withdrawals.get(p);
  if (!w) return;
  withdrawals.delete(p);
  w();
}

/** What a task needs from its simulator. */
export interface TaskHost {
  /** Rejects the triggers `task` waits on with `err`. */
  cancelWaitsOf(task: Task<unknown>, err: CancelledError): void;
  /** A task threw: the test fails. */
  taskFailed(task: Task<unknown>, err: unknown): void;
}

/**
 * A concurrent activity of a test (cocotb's `start_soon`): starts after the current task
 * yields, runs until its function returns. `await task` gives its result or rethrows;
 * `cancel()` raises {@link CancelledError} at the trigger it waits on.
 */
export class Task<T> implements PromiseLike<T> {
  private readonly done: Promise<T>;
  private state: 'pending' | 'done' | 'failed' | 'cancelled' = 'pending';
  /** @internal Its waits, as the scheduler sees them. */
  readonly flow: Flow;

  constructor(
    private readonly host: TaskHost,
    fn: () => Promise<T>,
    /** Name used in failure messages. */
    readonly name: string,
  ) {
    this.flow = new Flow(`task '${name}'`, currentFlow());
    this.done = new Promise<T>((resolve, reject) => {
      queueMicrotask(() => {
        currentTask.run(this as Task<unknown>, fn).then(
          (v) => {
            if (this.state === 'pending') this.state = 'done';
            changed();
            resolve(v);
          },
          (e: unknown) => {
            changed();
            if (this.state === 'cancelled' && e instanceof CancelledError) {
              reject(e);
              return;
            }
            this.state = 'failed';
            host.taskFailed(this as Task<unknown>, e);
            reject(e);
          },
        );
      });
    });
    this.done.catch(() => undefined);  // failures reach the test through the simulator
  }

  /** True once the task has returned, thrown or been cancelled. */
  get finished(): boolean {
    return this.state !== 'pending';
  }

  get cancelled(): boolean {
    return this.state === 'cancelled';
  }

  /** Stops the task at the trigger it waits on. Does nothing once the task has finished. */
  cancel(): void {
    if (this.state !== 'pending') return;
    this.state = 'cancelled';
    this.host.cancelWaitsOf(this as Task<unknown>, new CancelledError(`task '${this.name}' was cancelled`));
    changed();
  }

  then<A = T, B = never>(
    onFulfilled?: ((v: T) => A | PromiseLike<A>) | null,
    onRejected?: ((e: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    if (this.finished) return this.done.then(onFulfilled, onRejected);
    const release = block(`task '${this.name}'`);
    return withdrawable(this.done.then(
      (v) => {
        release();
        return onFulfilled ? onFulfilled(v) : (v as unknown as A);
      },
      (e: unknown) => {
        release();
        if (onRejected) return onRejected(e);
        throw e;
      },
    ), release);
  }
}

/** A flag tasks can wait on (cocotb's `Event`); pure TypeScript, costs no round trip. */
export class SimEvent<T = undefined> {
  private waiters: ((v: T | undefined) => void)[] = [];
  private isSet = false;
  /** The value given to the last `set`. */
  data: T | undefined;

  constructor(readonly name = 'event') {}

  /** Wakes every waiter; later waits return at once until `clear()`. */
  set(data?: T): void {
    this.data = data;
    this.isSet = true;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f(data);
  }

  clear(): void {
    this.isSet = false;
  }

  get isSetNow(): boolean {
    return this.isSet;
  }

  /** Resolves when the event is set (at once when it already is). */
  wait(): Promise<T | undefined> {
    if (this.isSet) return Promise.resolve(this.data);
    const release = block(`SimEvent '${this.name}'`);
    let waiter: (v: T | undefined) => void = () => undefined;
    const p = new Promise<T | undefined>((resolve) => {
      waiter = (v) => {
        release();
        resolve(v);
      };
      this.waiters.push(waiter);
    });
    return withdrawable(p, () => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      release();
    });
  }
}

/** A mutex for tasks sharing a bus (cocotb's `Lock`); FIFO, pure TypeScript. */
export class Lock {
  private held = false;
  private queue: (() => void)[] = [];

  constructor(readonly name = 'lock') {}

  get locked(): boolean {
    return this.held;
  }

  /** Resolves once this caller holds the lock. */
  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    const release = block(`Lock '${this.name}'`);
    let grant: () => void = () => undefined;
    let granted = false;
    const p = new Promise<void>((resolve) => {
      grant = () => {
        granted = true;
        release();
        resolve();
      };
      this.queue.push(grant);
    });
    // A withdrawn acquire leaves the queue; one granted already (it lost a race it had won
    // too) passes the lock on, so nobody holds it unknowingly.
    return withdrawable(p, () => {
      if (granted) {
        this.release();
        return;
      }
      this.queue = this.queue.filter((g) => g !== grant);
      release();
    });
  }

  /** Hands the lock to the next waiter, if any. */
  release(): void {
    if (!this.held) throw new Error(`release of ${this.name}, which is not held`);
    const next = this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}
