/** When an item a transactor hands to the test completed, so a latency is measured from the data. */
export interface Stamp {
  /** Simulated time, in steps of the simulator's precision (compare with `sim.now`). */
  readonly time: bigint;
  /** Edge of the transactor's clock, counted from 1 at the first edge after it opened. */
  readonly cycle: number;
}

/**
 * `item` with its stamp attached as non-enumerable properties: a result still equals the value a
 * model predicts (`toEqual` compares what the item is, not when it came).
 */
export function stamped<T extends object>(item: T, time: bigint, cycle: number): T & Stamp {
  return Object.defineProperties(item, { time: { value: time }, cycle: { value: cycle } }) as T & Stamp;
}
