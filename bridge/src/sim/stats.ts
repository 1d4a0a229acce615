import { fromSteps } from '../units.js';

/** Counters of one simulator, reset by {@link Simulator.resetStats}. */
export interface SimStats {
  /** Requests sent to the harness (each is one round trip). */
  roundTrips: number;
  /** Time steps the harness evaluated (`eval()` calls). */
  evals: number;
  /** Wall time the harness spent running time steps. */
  harnessMs: number;
  /** Wall time spent waiting for replies, harness time included. */
  waitMs: number;
  /** Wall time since the reset. */
  wallMs: number;
  /** Simulated time since the reset, in ns. */
  simNs: number;
  /** Cycles of the fastest clock started with {@link Clock} over that time (0 without one). */
  cycles: number;
}

const ZERO: SimStats = { roundTrips: 0, evals: 0, harnessMs: 0, waitMs: 0, wallMs: 0, simNs: 0, cycles: 0 };

function add(a: SimStats, b: SimStats): SimStats {
  return {
    roundTrips: a.roundTrips + b.roundTrips,
    evals: a.evals + b.evals,
    harnessMs: a.harnessMs + b.harnessMs,
    waitMs: a.waitMs + b.waitMs,
    wallMs: a.wallMs + b.wallMs,
    simNs: a.simNs + b.simNs,
    cycles: a.cycles + b.cycles,
  };
}

/** The counters of the current run, and of every run since the totals were reset (restarts). */
export class Counters {
  private run: SimStats = { ...ZERO };
  private carried: SimStats = ZERO;
  private fromSteps = 0n;
  private since = performance.now();
  /** The harness's eval count at the start of this run (its counter never resets). */
  private evalBase = 0;
  /** Period in steps of the fastest clock started since the last restart (0: none). */
  fastestClock = 0n;

  constructor(private readonly precision: number) {}

  roundTrip(waitMs: number): void {
    this.run.roundTrips++;
    this.run.waitMs += waitMs;
  }

  /** From an EVENT reply: the harness's eval counter and the time it ran. */
  harness(evals: number, runMs: number): void {
    this.run.evals = evals - this.evalBase;
    this.run.harnessMs += runMs;
  }

  clockStarted(period: bigint): void {
    if (!this.fastestClock || period < this.fastestClock) this.fastestClock = period;
  }

  perf(now: bigint): SimStats {
    const steps = now - this.fromSteps;
    return {
      ...this.run,
      wallMs: performance.now() - this.since,
      simNs: fromSteps(steps, 'ns', this.precision),
      cycles: this.fastestClock ? Number(steps / this.fastestClock) : 0,
    };
  }

  totals(now: bigint): SimStats {
    return add(this.carried, this.perf(now));
  }

  resetTotals(now: bigint): void {
    this.carried = ZERO;
    this.reset(now);
  }

  reset(now: bigint): void {
    this.evalBase += this.run.evals;
    this.run = { ...ZERO };
    this.since = performance.now();
    this.fromSteps = now;
  }

  /** Ends a run at a restart: its counters (and the restart's own round trip) join the totals. */
  carry(run: SimStats): void {
    this.carried = add(this.carried, { ...run, roundTrips: run.roundTrips + 1 });
    this.fastestClock = 0n;
  }
}
