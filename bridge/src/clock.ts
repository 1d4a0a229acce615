import { SignalAccessError, UsageError } from './errors.js';
import type { SignalHandle } from './handle.js';
import { Simulator } from './simulator.js';
import type { TimeUnit } from './units.js';

/** Options of {@link Clock}. */
export interface ClockOptions {
  /** Fraction of the period the clock is high. @defaultValue 0.5 */
  readonly dutyCycle?: number;
  /** Delay before the first edge. @defaultValue 0 */
  readonly phase?: number;
  /** First edge is rising (the clock starts high). @defaultValue true */
  readonly startHigh?: boolean;
}

/**
 * A free-running clock generated inside the harness: it costs no round trip per cycle.
 * `new Clock(dut.clk_i, 10, 'ns').start()`.
 */
export class Clock {
  /** Period in simulator steps. */
  readonly periodSteps: bigint;
  private readonly highSteps: bigint;
  private readonly phaseSteps: bigint;
  private readonly sim: Simulator<unknown>;

  constructor(
    readonly signal: SignalHandle<number>,
    readonly period: number,
    readonly unit: TimeUnit = 'step',
    private readonly options: ClockOptions = {},
  ) {
    this.sim = Simulator.owning(signal);
    this.periodSteps = this.sim.steps(period, unit);
    const duty = options.dutyCycle ?? 0.5;
    this.highSteps = BigInt(Math.round(Number(this.periodSteps) * duty));
    this.phaseSteps = this.sim.steps(options.phase ?? 0, unit);
    if (this.highSteps <= 0n || this.highSteps >= this.periodSteps) {
      throw new UsageError(`Clock on ${signal.name}: ${period} ${unit} at duty ${duty} leaves no high or no low time at the simulator precision`);
    }
    if (signal.width !== 1) throw new SignalAccessError(`Clock on ${signal.name}: needs a 1-bit signal, not ${signal.width} bits`);
  }

  /** Starts the clock (at the current time, or after the phase). Returns the clock. */
  start(): this {
    this.sim.startClock(this.signal.id, this.periodSteps, this.highSteps, this.phaseSteps, this.options.startHigh ?? true);
    return this;
  }

  /** Stops it; the signal keeps its last level. */
  stop(): void {
    this.sim.stopClock(this.signal.id);
  }
}
