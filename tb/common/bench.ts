// Composing block environments (STYLE.md, testbenches): a block environment binds its bus
// components by prefix and owns its checkers and scoreboards, but never the clock or the reset;
// a Bench owns those for everything it composes, so one reset reaches every block of a cell,
// and one finish() checks them all. (benchTest, the vitest fixture of a Bench, is in bench_test.ts,
// so a script outside vitest, make sim, composes a Bench too.)
import { Clock, ClockCycles, type SignalHandle, type Simulator } from '../../bridge/src/index.js';

/** A top with the system's one clock and reset (DESIGN.md section 3). */
export interface ClockResetDut {
  readonly clk_i: SignalHandle<number>;
  readonly rst_ni: SignalHandle<number>;
}

/** What a bench asks of each environment it composes. */
export interface BlockEnv {
  /**
   * Drives the block's inputs that no bus component drives to their idle levels. Called with
   * the first reset asserted and in the step that releases every reset.
   */
  idle(): void;
  /** After a reset's release: programs what the block needs (a divisor) and restarts what a reset cut. */
  start(): Promise<void>;
  /**
   * Checks the environment's scoreboards and checkers; throws with what a person can act on.
   * It may resolve with what it saw (the characters on a line), for the test's own checks.
   */
  finish(): Promise<unknown>;
}

/** Options of {@link Bench}. */
export interface BenchOptions {
  /** The clock's period in ns. @defaultValue 10 */
  readonly periodNs?: number;
  /** Clock edges rst_ni is held low. @defaultValue 2 */
  readonly resetCycles?: number;
}

/**
 * The clock and reset of one run of the model, and the environments on it. A test composes
 * its environments, then calls {@link reset} once; {@link finish} runs every environment's
 * finish in the order they were composed.
 */
export class Bench<D extends ClockResetDut = ClockResetDut> {
  private readonly envs: BlockEnv[] = [];
  private clocked = false;

  constructor(readonly sim: Simulator<D>, private readonly options: BenchOptions = {}) {}

  get dut(): D {
    return this.sim.dut;
  }

  /** Adds `env`, before the first reset: reset and finish reach it from now on. */
  compose<E extends BlockEnv>(env: E): E {
    if (this.clocked) throw new Error('Bench.compose: every environment joins before the first reset (it must see its inputs idle through it); restart() the simulator for another set');
    this.envs.push(env);
    return env;
  }

  /**
   * Starts the clock (the first time), holds rst_ni low for `cycles` edges, releases it with
   * every environment's inputs idle, then runs each environment's start(). A reset after the
   * first leaves the inputs as they are while it is asserted (a power loss holds its own).
   * The environments start concurrently.
   */
  async reset(cycles = this.options.resetCycles ?? 2): Promise<void> {
    const dut = this.dut;
    dut.rst_ni.value = 0;
    if (!this.clocked) {
      for (const e of this.envs) e.idle();
      new Clock(dut.clk_i, this.options.periodNs ?? 10, 'ns').start();
      this.clocked = true;
    }
    await ClockCycles(dut.clk_i, cycles);
    dut.rst_ni.value = 1;
    for (const e of this.envs) e.idle();
    // Together: on the RTL their first accesses share round trips.
    await Promise.all(this.envs.map((e) => e.start()));
  }

  /** Every environment's finish(), in the order they were composed. */
  async finish(): Promise<void> {
    for (const e of this.envs) await e.finish();
  }
}

/**
 * An environment of a fixture's own inputs that only idle them high (an injector, a loose line
 * the test drives): nothing to start or check.
 */
export function idleHigh(inputs: readonly SignalHandle<number>[]): BlockEnv {
  return {
    idle: () => {
      for (const i of inputs) i.value = 1;
    },
    start: async () => undefined,
    finish: async () => undefined,
  };
}
