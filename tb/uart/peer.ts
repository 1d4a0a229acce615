// The management UART facing a foreign UART (tb/uart/hdl/uart_pair.sv): the peer's environment
// (its settings at a baud skew, on a shared line or two wires, optionally answering each
// character; its byte source; a log of every character its receiver decided) composed with the
// UART's on one bench, and the firmware's drain of the UART's RX FIFO while the line runs.
import { AxisSource, ClockCycles, SampledStream, type Simulator, type Task } from '../../bridge/src/index.js';
import type { SimTestOptions } from '../../bridge/src/vitest.js';
import { bitCycles, charCycles, type LineSettings } from '../../models/uart/line.js';
import { Parity, UART_EVENTS } from '../../models/uart/uart_pkg.js';
import type { UartDriver } from '../../models/uart/uart_driver.js';
import { type BlockEnv } from '../common/bench.js';
import { benchTest } from '../common/bench_test.js';
import { UartEnv } from './env.js';
import type { UartPairDut } from './gen/uart_pair.js';
import { uartPair } from './tops.js';

/** How the pair is wired and how the peer behaves. */
export interface PairOptions {
  readonly settings: LineSettings;
  /** The peer's baud error: its bit is (1 + skew) of the UART's. @defaultValue 0 */
  readonly skew?: number;
  /** Separate wires instead of the shared wired-AND line. @defaultValue false */
  readonly twoWire?: boolean;
  /** LCR.P2P on the UART. @defaultValue false */
  readonly p2p?: boolean;
  /** The peer answers each character with its complement, this many cycles after it. */
  readonly replyDelay?: number;
}

/** A character the peer's receiver decided, with the edge it decided it on (from `start`). */
export interface PeerChar {
  readonly value: number;
  readonly framingError: boolean;
  readonly parityError: boolean;
  readonly cycle: number;
}

/** The peer's bit time for the transactor-free port: cycles per bit in 16.16 fixed point. */
export function peerBitTime(s: LineSettings, skew: number): number {
  return Math.round(bitCycles(s) * (1 + skew) * 65536);
}

/** The peer's side of the pair: its settings, its byte source and its receiver's log. */
export class PeerEnv implements BlockEnv {
  /** Bytes for the peer to send, back to back (one AXI-Stream beat each). */
  readonly tx: AxisSource;
  private readonly log: PeerChar[] = [];
  private stream?: SampledStream;
  private reader?: Task<void>;

  constructor(readonly sim: Simulator<UartPairDut>, readonly options: PairOptions) {
    this.tx = AxisSource.fromPrefix(sim.dut, 'peer_tx', sim.dut.clk_i);
  }

  /** The wiring and the peer's settings (configuration inputs, held through every reset). */
  idle(): void {
    const dut = this.sim.dut;
    const s = this.options.settings;
    dut.two_wire_i.value = this.options.twoWire ? 1 : 0;
    dut.peer_bit_time_i.value = peerBitTime(s, this.options.skew ?? 0);
    dut.peer_parity_i.value = s.parity;
    dut.peer_stop2_i.value = s.stop2 ? 1 : 0;
    dut.peer_reply_i.value = this.options.replyDelay === undefined ? 0 : 1;
    dut.peer_reply_delay_i.value = this.options.replyDelay ?? 0;
  }

  /** Starts the log of the peer's receiver. */
  async start(): Promise<void> {
    const dut = this.sim.dut;
    const sigs = [dut.peer_rx_data_o, dut.peer_rx_framing_o, dut.peer_rx_parity_err_o];
    const stream = SampledStream.open(this.sim as Simulator<unknown>, { clock: dut.clk_i, signals: sigs, when: { allOf: [dut.peer_rx_valid_o] } });
    this.stream = stream;
    this.reader = this.sim.startSoon(async () => {
      for await (const b of stream) {
        const [v, f, p] = sigs.map((x) => b.column(x));
        b.cycles.forEach((cycle, i) => this.log.push({ value: v![i]!, framingError: f![i] === 1, parityError: p![i] === 1, cycle }));
      }
    }, 'peer receiver log');
  }

  /** Stops the log and gives every character the peer's receiver decided. */
  async finish(): Promise<PeerChar[]> {
    this.stream?.close();
    await this.reader;
    return this.log;
  }
}

/** The UART and the peer, on one bench. */
export class Pair {
  constructor(readonly uartEnv: UartEnv, readonly peer: PeerEnv) {}

  /** The UART's driver (the firmware's view). */
  get uart(): UartDriver {
    return this.uartEnv.uart;
  }

  /** Bytes for the peer to send. */
  get peerTx(): AxisSource {
    return this.peer.tx;
  }

  /** Sends bytes from the UART: TXDATA writes in one round trip. */
  async send(bytes: readonly number[]): Promise<void> {
    await this.uart.send(bytes);
  }

  /**
   * Sends a stream longer than the TX FIFO, back to back: tops the FIFO up from LEVEL every 8
   * character times (the firmware's way, as bench/uart.ts), draining RX meanwhile. Returns
   * what RX received while it ran.
   */
  async sendStream(bytes: readonly number[]): Promise<number[]> {
    const got: number[] = [];
    for (let next = 0; next < bytes.length;) {
      const room = await this.uart.txRoom();
      await this.send(bytes.slice(next, next + room));
      next += room;
      got.push(...await this.run(8));
    }
    return got;
  }

  /**
   * Runs the line for `chars` character times, draining the UART's RX FIFO the firmware's way
   * (a burst of RXDATA reads every `every` character times, keeping those with VALID).
   * @defaultValue every 8
   */
  async run(chars: number, every = 8): Promise<number[]> {
    const got: number[] = [];
    for (let done = 0; done < chars; done += every) {
      await ClockCycles(this.peer.sim.dut.clk_i, Math.min(every, chars - done) * charCycles(this.peer.options.settings));
      got.push(...await this.uart.drain());
    }
    return got;
  }

  /** EVENTS of the UART but RX_TIMEOUT (which says only that a frame ended): why a character was lost or damaged. */
  async errors(): Promise<number> {
    return (await this.uart.events()) & ~UART_EVENTS.RX_TIMEOUT.mask;
  }

  /** Stops the peer's log and gives every character its receiver decided. */
  async peerReceived(): Promise<PeerChar[]> {
    return this.peer.finish();
  }
}

/** The `pairUp` fixture: the UART (LCR.P2P as asked) and the peer composed on the run's bench and reset. */
export type PairFixture = (options: PairOptions) => Promise<Pair>;

/** `simTest(uartPair, options)` with `bench` and `pairUp`. */
export function pairTest(options: SimTestOptions = {}) {
  return benchTest(uartPair, options).extend<{ pairUp: PairFixture }>({
    pairUp: async ({ bench }, use) => {
      await use(async (o) => {
        const b = bench();
        // The peer first: its log runs before the UART is programmed.
        const peer = b.compose(new PeerEnv(b.sim, o));
        const uart = b.compose(new UartEnv(b.sim as Simulator<unknown>, b.dut, { settings: o.settings, mode: { p2p: o.p2p } }));
        await b.reset();
        return new Pair(uart, peer);
      });
    },
  });
}

/** Bytes that hit every bit pattern the window's edges depend on, then a spread of others. */
export function testBytes(n: number): number[] {
  const edge = [0x00, 0xff, 0x7f, 0x80, 0x55, 0xaa, 0x01, 0xfe];
  return Array.from({ length: n }, (_, i) => (i < edge.length ? edge[i]! : (i * 151 + 3) & 0xff));
}

/** 8N1 and 8E1 at a divisor whose bit (208 cycles) leaves the peer's fractional edges within 1/200 of a bit. */
export const SWEEP_SETTINGS: readonly LineSettings[] = [
  { divisor: 13, parity: Parity.None, stop2: false },
  { divisor: 13, parity: Parity.Even, stop2: false },
];
