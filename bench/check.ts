// Benches check themselves: a simulated figure above its physical bound is a defect of the bench
// or the bridge (a snapshot from the past, a miscounted cycle), never a result to report.

/** Throws when `value` is above `bound` (both simulated figures of the same kind). */
export function atMostBound(what: string, value: number, bound: number): void {
  if (!(value <= bound * (1 + 1e-9))) {
    throw new Error(`bench self-check: ${what} = ${value} is above its physical bound ${bound}: the measurement is wrong`);
  }
}
