// The management UART facing a foreign UART (tb/hdl/uart_pair.sv): reset, both sides programmed
// (the peer at a baud skew, on a shared line or two wires, optionally answering each character),
// the peer's byte source, a log of every character the peer's receiver decided, and the
// firmware-style drain of the UART's RX FIFO while the line runs.
import { ApbMaster, AxisSource, ClockCycles, SampledStream, type Simulator, type Task } from '../../bridge/src/index.js';
import { Parity, bitCycles, charCycles, type LineSettings } from '../../models/uart/line.js';
import { UART_OFFSET as R } from '../../models/uart/uart_pkg.js';
import { configure, drainRx, mask, resetIdle } from './env.js';
import type { UartPairDut } from './gen/uart_pair.js';

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

const FIFO_DEPTH = 16;

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

export class Pair {
  /** The UART's register port. */
  readonly apb: ApbMaster;
  /** Bytes for the peer to send, back to back (one AXI-Stream beat each). */
  readonly peerTx: AxisSource;
  private readonly log: PeerChar[] = [];
  private readonly stream: SampledStream;
  private readonly reader: Task<void>;

  private constructor(readonly sim: Simulator<UartPairDut>, readonly options: PairOptions) {
    const dut = sim.dut;
    this.apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i);
    this.peerTx = AxisSource.fromPrefix(dut, 'peer_tx', dut.clk_i);
    const sigs = [dut.peer_rx_data_o, dut.peer_rx_framing_o, dut.peer_rx_parity_err_o];
    this.stream = SampledStream.open(sim as Simulator<unknown>, { clock: dut.clk_i, signals: sigs, when: { allOf: [dut.peer_rx_valid_o] } });
    this.reader = sim.startSoon(async () => {
      for await (const b of this.stream) {
        const [v, f, p] = sigs.map((x) => b.column(x));
        b.cycles.forEach((cycle, i) => this.log.push({ value: v![i]!, framingError: f![i] === 1, parityError: p![i] === 1, cycle }));
      }
    }, 'peer receiver log');
  }

  /** Resets with both lines idle, programs the UART and the peer, and starts the peer's log. */
  static async start(sim: Simulator<UartPairDut>, options: PairOptions): Promise<Pair> {
    const dut = sim.dut;
    const s = options.settings;
    dut.two_wire_i.value = options.twoWire ? 1 : 0;
    dut.peer_bit_time_i.value = peerBitTime(s, options.skew ?? 0);
    dut.peer_parity_i.value = s.parity;
    dut.peer_stop2_i.value = s.stop2 ? 1 : 0;
    dut.peer_reply_i.value = options.replyDelay === undefined ? 0 : 1;
    dut.peer_reply_delay_i.value = options.replyDelay ?? 0;
    await resetIdle(dut, []);
    const pair = new Pair(sim, options);
    await configure(pair.apb, s, { p2p: options.p2p });
    return pair;
  }

  /** Sends bytes from the UART: TXDATA writes in one round trip. */
  async send(bytes: readonly number[]): Promise<void> {
    await Promise.all(bytes.map((b) => this.apb.write(R.TXDATA, b)));
  }

  /**
   * Sends a stream longer than the TX FIFO, back to back: tops the FIFO up from LEVEL every 8
   * character times (the firmware's way, as bench/uart.ts), draining RX meanwhile. Returns
   * what RX received while it ran.
   */
  async sendStream(bytes: readonly number[]): Promise<number[]> {
    const got: number[] = [];
    for (let next = 0; next < bytes.length;) {
      const room = FIFO_DEPTH - ((await this.apb.read(R.LEVEL)).data & 0xff);
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
      await ClockCycles(this.sim.dut.clk_i, Math.min(every, chars - done) * charCycles(this.options.settings));
      got.push(...await drainRx(this.apb));
    }
    return got;
  }

  /** EVENTS of the UART but RX_TIMEOUT (which says only that a frame ended): why a character was lost or damaged. */
  async errors(): Promise<number> {
    return (await this.apb.read(R.EVENTS)).data & ~mask('EVENTS', 'RX_TIMEOUT');
  }

  /** Stops the peer's log and gives every character its receiver decided. */
  async peerReceived(): Promise<PeerChar[]> {
    this.stream.close();
    await this.reader;
    return this.log;
  }
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
