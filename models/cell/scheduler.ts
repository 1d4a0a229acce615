/**
 * Time for the models that have it (the cell's flash and DMA, the fleet's buses): a
 * discrete-event queue in clock cycles. Events at one cycle run in the order they were
 * scheduled, so a run is a pure function of what was scheduled (no wall clock anywhere).
 */

/** Where a timed model schedules its future. */
export interface Scheduler {
  /** The current cycle. */
  now(): number;
  /** Runs `fn` at cycle `time` (not before now); the returned function cancels it. */
  at(time: number, fn: () => void): () => void;
}

interface Entry {
  readonly time: number;
  readonly seq: number;
  fn: (() => void) | undefined;
}

/** A binary heap of events ordered by (time, order of scheduling). */
export class EventQueue implements Scheduler {
  #now = 0;
  #seq = 0;
  readonly #heap: Entry[] = [];

  now(): number {
    return this.#now;
  }

  at(time: number, fn: () => void): () => void {
    if (!(time >= this.#now)) throw new RangeError(`EventQueue.at: cycle ${time} is before now (${this.#now})`);
    const e: Entry = { time, seq: this.#seq++, fn };
    const h = this.#heap;
    h.push(e);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
    return () => {
      e.fn = undefined;
    };
  }

  /** The cycle of the next live event, or undefined when none is left. */
  peek(): number | undefined {
    while (this.#heap.length && !this.#heap[0]!.fn) this.#pop();
    return this.#heap[0]?.time;
  }

  /** Runs the next live event (time advances to it); false when none is left. */
  step(): boolean {
    if (this.peek() === undefined) return false;
    const e = this.#pop();
    this.#now = e.time;
    const fn = e.fn!;
    e.fn = undefined;
    fn();
    return true;
  }

  #pop(): Entry {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Entry, b: Entry): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq);
