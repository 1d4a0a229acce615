// The UART testbenches' environment: one UART bound by its APB prefix, with the firmware's
// driver on the RTL, the register-level reference programmed alike, and an optional checker of
// its line; the serial transactors' format for line settings. It never owns the clock or the
// reset: `uartTest` composes the UARTs of a top on the run's Bench, which does.
import { expect } from 'vitest';
import { ApbMaster, SampledStream, type SignalHandle, type Simulator, type Task, type TopSpec } from '../../bridge/src/index.js';
import type { SimTestOptions } from '../../bridge/src/vitest.js';
import { modelPort } from '../../models/common/reg_port.js';
import { LineDecoder, type LineChar, type LineSettings, type LineViolation } from '../../models/uart/line.js';
import { UartDriver, type LineMode } from '../../models/uart/uart_driver.js';
import { uartRegs } from '../../models/uart/uart_pkg.js';
import { UartModel } from '../../models/uart/uart.js';
import { apbPort } from '../common/apb_port.js';
import { idleHigh, type BlockEnv, type ClockResetDut } from '../common/bench.js';
import { benchTest } from '../common/bench_test.js';
import { hex } from '../common/hex.js';
import { FAST } from './serial.js';
import { uart, uartBus } from './tops.js';

/**
 * The protocol checker of the line: a sampled stream of its changes feeds the line model's
 * decoder, which asserts the bit timing of the programmed divisor (every edge within a tick
 * plus synchronizer delays of a bit boundary), idle high between characters, and decodes every
 * character that was on the line.
 */
export class LineChecker {
  private readonly decoder: LineDecoder;
  private readonly stream: SampledStream;
  private readonly reader: Task<void>;

  constructor(sim: Simulator<unknown>, clock: SignalHandle<number>, line: SignalHandle<number>, settings: LineSettings) {
    // One tick of phase between UARTs, two synchronizer flops and the output flop.
    this.decoder = new LineDecoder(settings, Math.max(1, settings.divisor) + 3);
    this.stream = SampledStream.open(sim, { clock, signals: [line], when: 'change' });
    this.reader = sim.startSoon(async () => {
      for await (const b of this.stream) {
        const v = b.column(line);
        b.cycles.forEach((c, i) => this.decoder.edge(Number(c), Number(v[i])));
      }
    }, 'line checker');
  }

  /** Stops sampling (call once the line has been idle for a character) and gives the verdict. */
  async finish(): Promise<{ chars: LineChar[]; violations: LineViolation[] }> {
    this.stream.close();
    await this.reader;
    this.decoder.advance(Number.MAX_SAFE_INTEGER);
    return { chars: this.decoder.chars, violations: this.decoder.violations };
  }
}

/** Options of a {@link UartEnv}. */
export interface UartEnvOptions {
  /** The UART's APB prefix on the top. @defaultValue 'apb' */
  readonly prefix?: string;
  /** What start() programs (DIV, LCR) in the RTL and the reference. @defaultValue {@link FAST} */
  readonly settings?: LineSettings;
  /** LCR's modes. @defaultValue none */
  readonly mode?: LineMode;
  /** start() leaves DIV and LCR at their reset values (a test of those). @defaultValue false */
  readonly keepResetValues?: boolean;
  /** A line to check from start() on (a {@link LineChecker}): finish() gives its verdict. @defaultValue none */
  readonly check?: SignalHandle<number>;
}

/** The top a UART environment binds on: the clock, and `<prefix>_*` APB ports. */
type UartTop = ClockResetDut & object;

/** One UART of a top. */
export class UartEnv implements BlockEnv {
  readonly apb: ApbMaster;
  /** The firmware's driver on the RTL. */
  readonly uart: UartDriver;
  /** The register-level reference: programmed as the RTL at start(); a test keeps it in step. */
  readonly model = new UartModel();
  readonly settings: LineSettings;
  private checkerQ?: LineChecker;

  constructor(readonly sim: Simulator<unknown>, readonly dut: UartTop, private readonly options: UartEnvOptions = {}) {
    this.apb = ApbMaster.fromPrefix(dut, options.prefix ?? 'apb', dut.clk_i);
    this.uart = new UartDriver(apbPort(this.apb));
    this.settings = options.settings ?? FAST;
  }

  /** Nothing of its own: the UART's inputs are APB (the master idles it) and its line (the top's). */
  idle(): void {}

  /** DIV and LCR in the RTL and the reference (one driver for both), then the line checker. */
  async start(): Promise<void> {
    if (!this.options.keepResetValues) {
      await Promise.all([this.uart.configure(this.settings, this.options.mode), new UartDriver(modelPort(this.model)).configure(this.settings, this.options.mode)]);
    }
    if (this.options.check) this.checkerQ = new LineChecker(this.sim, this.dut.clk_i, this.options.check, this.settings);
  }

  /** The line checker of {@link UartEnvOptions.check}. */
  get checker(): LineChecker {
    if (!this.checkerQ) throw new Error(`UartEnv ${this.options.prefix ?? 'apb'}: no line checker (set the check option)`);
    return this.checkerQ;
  }

  /** Every register but `skip` read through APB equals the reference's; returns what was read, by name. */
  async expectRegs(skip: readonly string[] = ['RXDATA']): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    for (const r of uartRegs.registers.filter((x) => !skip.includes(x.name))) {
      const got = await this.apb.read(r.offset);
      expect(got, `${r.name} @ ${hex(r.offset)} (${this.sim.describeTime()})`).toEqual(this.model.read(r.offset));
      seen.set(r.name, got.data);
    }
    return seen;
  }

  /**
   * The line checker's verdict (call once the line has been idle for a character): no
   * violation, and the characters it decoded. Without a checker, nothing to check: [].
   */
  async finish(): Promise<LineChar[]> {
    if (!this.checkerQ) return [];
    const { chars, violations } = await this.checkerQ.finish();
    expect(violations.map((v) => `cycle ${v.cycle}: ${v.reason}`), `line protocol (${this.options.prefix ?? 'apb'})`).toEqual([]);
    return chars;
  }
}

/** The `uarts` fixture: UART environments composed on one bench, reset together. */
export type UartsFixture = (envs: readonly UartEnvOptions[]) => Promise<UartEnv[]>;
/** The `uart` fixture: one UART environment, composed and reset. */
export type UartFixture = (env?: UartEnvOptions) => Promise<UartEnv>;

/**
 * `simTest(top, options)` with `bench`, `uarts` and `uart`: `uarts([...])` composes one
 * {@link UartEnv} per options on the run's bench and resets them together, once per run of the
 * model; `uart(o)` is one. `lines` are the top's line inputs a test drives itself, held high
 * (idle) through reset.
 */
export function uartTest<D extends ClockResetDut>(top: TopSpec<D>, options: SimTestOptions = {}, lines: (dut: D) => readonly SignalHandle<number>[] = () => []) {
  return benchTest(top, options).extend<{ uarts: UartsFixture; uart: UartFixture }>({
    uarts: async ({ bench }, use) => {
      await use(async (envs) => {
        const b = bench();
        b.compose(idleHigh(lines(b.dut)));
        const out = envs.map((o) => b.compose(new UartEnv(b.sim as Simulator<unknown>, b.dut, o)));
        await b.reset();
        return out;
      });
    },
    uart: async ({ uarts }, use) => {
      await use(async (o = {}) => (await uarts([o]))[0]!);
    },
  });
}

/** The lone UART (tops.ts `uart`), its uart_rx_i driven by the test. */
export const loneUartTest = (options: SimTestOptions = {}) => uartTest(uart, options, (d) => [d.uart_rx_i]);
/** Three UARTs on the wired-AND line (tops.ts `uartBus`), its injector driven by the test. */
export const busUartTest = (options: SimTestOptions = {}) => uartTest(uartBus, options, (d) => [d.inject_i]);
