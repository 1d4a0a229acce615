import { Flow, type Task, block } from '../task.js';

/** One armed trigger and who waits on it. */
export interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  task: Task<unknown> | undefined;
  /** A watchdog (the test's time limit): it never runs time on its own. */
  background: boolean;
  /** Ends the wait's hold on its flow (a no-op for a watchdog). */
  release: () => void;
  /** The flow that armed it, and which of that flow's waits it is: the order of resumption. */
  flow: Flow;
  seq: number;
  /** What it waits for (`RisingEdge(clk_i)`), as the digest records it. */
  what: string;
}

/** Fired waiters resume flow by flow in key order, each flow's in the order it armed them. */
function resumeOrder(a: Waiter, b: Waiter): number {
  if (a.background !== b.background) return a.background ? 1 : -1;
  return Flow.compare(a.flow, b.flow) || a.seq - b.seq;
}

/** The armed triggers of one simulation, by trigger id. */
export class Waits {
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;
  private background = 0;

  /** A fresh trigger id. */
  id(): number {
    return this.nextId++;
  }

  /** Registers the wait of `flow` (or, `background`, a watchdog's) on trigger `id`. */
  add(id: number, flow: Flow, what: string, background: boolean, task: Task<unknown> | undefined, resolve: () => void, reject: (e: Error) => void): void {
    const release = background ? () => undefined : block(what, flow);
    this.waiters.set(id, { resolve, reject, task, background, release, flow, seq: ++flow.seq, what: background ? '' : what });
    if (background) this.background++;
  }

  has(id: number): boolean {
    return this.waiters.has(id);
  }

  /** Drops the wait on `id` (fired or cancelled); false when there was none. */
  forget(id: number): Waiter | undefined {
    const w = this.waiters.get(id);
    if (!w) return undefined;
    this.waiters.delete(id);
    w.release();
    if (w.background) this.background--;
    return w;
  }

  /** Waits that run time: every armed trigger but the watchdogs. */
  get running(): number {
    return this.waiters.size - this.background;
  }

  /** The trigger ids `task` waits on. */
  of(task: Task<unknown>): number[] {
    return [...this.waiters].filter(([, w]) => w.task === task).map(([id]) => id);
  }

  /** Takes the waits of the `fired` triggers, in the order they resume. */
  fired(fired: Uint32Array): Waiter[] {
    const ws: Waiter[] = [];
    for (const id of fired) {
      const w = this.forget(id);
      if (w) ws.push(w);
    }
    return ws.sort(resumeOrder);
  }

  /** Rejects every wait with `err`. */
  rejectAll(err: Error): void {
    const ws = [...this.waiters.values()];
    this.waiters.clear();
    this.background = 0;
    for (const w of ws) {
      w.release();
      w.reject(err);
    }
  }
}
