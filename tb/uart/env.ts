// The UART testbenches' shared setup: line settings as the bridge's serial format and as LCR/DIV
// writes, reset with the line idle, and the line checker.
import { ApbMaster, SampledStream, type SerialFormat, type SignalHandle, type Simulator, type Task } from '../../bridge/src/index.js';
import { LineDecoder, Parity, bitCycles, type LineChar, type LineSettings, type LineViolation } from '../../models/uart/line.js';
import { UART_OFFSET, uartRegs } from '../../models/uart/uart_pkg.js';
import { clockAndReset } from '../common/reset.js';

/** The serial transactors' format for the settings (a UART bit is 16 x divisor cycles). */
export function serialFormat(s: LineSettings, skew = 0): SerialFormat {
  return { cyclesPerBit: bitCycles(s), parity: (['none', 'even', 'odd'] as const)[s.parity], stopBits: s.stop2 ? 2 : 1, skew };
}

/** LCR's modes beside the line settings. */
export interface LineMode {
  /** LCR.LOOPBACK. @defaultValue false */
  readonly loopback?: boolean;
  /** LCR.P2P: separate wires, full duplex. @defaultValue false */
  readonly p2p?: boolean;
}

/** The LCR value for the settings. */
export function lcrValue(s: LineSettings, mode: LineMode = {}): number {
  return s.parity | (s.stop2 ? 4 : 0) | (mode.loopback ? 8 : 0) | (mode.p2p ? 16 : 0);
}

/** 8N1 at the smallest divisor. */
export const FAST: LineSettings = { divisor: 1, parity: Parity.None, stop2: false };

/** Programs DIV and LCR of the UART behind `apb` (both writes in one round trip). */
export async function configure(apb: ApbMaster, s: LineSettings, mode: LineMode = {}): Promise<void> {
  await Promise.all([apb.write(UART_OFFSET.DIV, s.divisor), apb.write(UART_OFFSET.LCR, lcrValue(s, mode))]);
}

/** The mask of `reg`.`field` in the generated map, so tests name bits instead of typing them. */
export function mask(reg: string, field: string): number {
  const f = uartRegs.registers.find((r) => r.name === reg)?.fields.find((x) => x.name === field);
  if (!f) throw new Error(`the UART register map has no ${reg}.${field}`);
  return (((1 << f.width) - 1) << f.lsb) >>> 0;
}

/** RXDATA.VALID: the read popped a character. */
export const RX_VALID = mask('RXDATA', 'VALID');

/**
 * The firmware's drain: `reads` reads of RXDATA in one round trip (a burst), keeping the
 * characters whose VALID is set. @defaultValue reads 16 (the FIFO's depth)
 */
export async function drainRx(apb: ApbMaster, reads = 16): Promise<number[]> {
  const got = await Promise.all(Array.from({ length: reads }, () => apb.read(UART_OFFSET.RXDATA)));
  return got.filter((r) => (r.data & RX_VALID) !== 0).map((r) => r.data & 0xff);
}

/** Resets with every line input idle high, so no receiver starts on a reset-time 0. */
export async function resetIdle(dut: { readonly clk_i: SignalHandle<number>; readonly rst_ni: SignalHandle<number> }, lines: SignalHandle<number>[]): Promise<void> {
  for (const l of lines) l.value = 1;
  await clockAndReset(dut);
}

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
