/**
 * A small seeded generator (xorshift32) for the firmware's back-offs and the fleet's faults: a
 * run is a pure function of its seeds.
 */
export class Rng {
  #x: number;

  constructor(seed: number) {
    this.#x = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0 || 1;
  }

  /** The next 32-bit value. */
  next(): number {
    let x = this.#x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#x = x >>> 0;
    return this.#x;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }
}
