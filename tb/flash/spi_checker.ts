// SPI bus protocol checker: decodes cs_n/sclk/mosi/miso from a sampled stream (one record per
// change, sampled before each clock edge), asserts the JEDEC and mode 0 rules (and the controller's: a WIP poll ends at the first ready status), and drives the
// TypeScript part (models/flash/spi_nor.ts) with every transaction, so its array follows the
// RTL part's and its MISO is compared byte by byte with the wire.
import { ClockCycles, SampledStream, type Simulator, type SignalHandle } from '../../bridge/src/index.js';
import { PAGE_BYTES, SpiNorCmd } from '../../models/flash/spi_flash_pkg.js';
import { MISO_UNDEFINED, SpiNor, STATUS_WEL, STATUS_WIP } from '../../models/flash/spi_nor.js';
import type { SpiTransaction } from '../../models/flash/spi_flash_ctrl.js';
import { hex } from '../common/hex.js';

/** The four SPI pins as the part sees them. */
export interface SpiPins {
  readonly clk: SignalHandle<number>;
  readonly csN: SignalHandle<number>;
  readonly sclk: SignalHandle<number>;
  readonly mosi: SignalHandle<number>;
  readonly miso: SignalHandle<number>;
}

/** What the checker counted, for coverage and the benchmark. */
export interface SpiCheckerStats {
  /** Transactions by opcode. */
  readonly opcodes: Map<number, number>;
  /** RDSR status bytes that showed WIP set. */
  busyPolls: number;
  /** Shortest and longest SCLK high phase, in clock cycles (the phy never stretches one). */
  highMin: number;
  highMax: number;
  /** Shortest CS# high time between two commands, in clock cycles. */
  csHighMin: number;
}

const HEADER: Partial<Record<number, number>> = {
  [SpiNorCmd.Read]: 4, [SpiNorCmd.FastRead]: 5, [SpiNorCmd.Pp]: 4, [SpiNorCmd.Se]: 4, [SpiNorCmd.Be]: 4,
};
const WRITES = new Set<number>([SpiNorCmd.Pp, SpiNorCmd.Se, SpiNorCmd.Be, SpiNorCmd.Ce]);

/**
 * Checks every transaction on the bus. Violations are collected (the first 20, with the clock
 * edge they happened at); `transactions` lists every decoded transaction but RDSR.
 */
export class SpiChecker {
  readonly violations: string[] = [];
  readonly transactions: SpiTransaction[] = [];
  readonly stats: SpiCheckerStats = { opcodes: new Map(), busyPolls: 0, highMin: Infinity, highMax: 0, csHighMin: Infinity };
  private rose = 0;
  private deselected = -1;
  private readonly stream: SampledStream;
  // Decoder state.
  private cs = 1;
  private sclk = 0;
  private mosi = 0;
  private miso = 0;
  /** This RDSR transaction's last status byte showed WIP clear. */
  private ready = false;
  private bits = 0;
  private inByte = 0;
  private outByte = 0;
  private outBits = 0;
  private mosiBytes: number[] = [];
  private expected: number[] = [];
  private cycle = 0;

  constructor(sim: Simulator<unknown>, private readonly pins: SpiPins, readonly model: SpiNor, private readonly offset = 0) {
    // Batches are checked at the end (close): a reader waiting for them while the bus is idle
    // would keep the harness running with nothing of the test's own to stop at (a passive wait
    // left armed: see the report to the bridge). Credits are ample so sampling never stalls.
    this.stream = SampledStream.open(sim, { clock: pins.clk, signals: [pins.csN, pins.sclk, pins.mosi, pins.miso], when: 'change', batch: 65536, credits: 1 << 30 });
  }

  /** Stops sampling and checks every record. */
  async close(): Promise<void> {
    this.stream.close();
    await ClockCycles(this.pins.clk, 1);
    for await (const b of this.stream) this.batch(b.cycles, b.column(this.pins.csN), b.column(this.pins.sclk), b.column(this.pins.mosi), b.column(this.pins.miso));
  }

  private fail(msg: string): void {
    if (this.violations.length < 20) this.violations.push(`edge ${this.cycle + this.offset}: ${msg}`);
  }

  private batch(cycles: Float64Array, cs: Uint32Array, sclk: Uint32Array, mosi: Uint32Array, miso: Uint32Array): void {
    for (let i = 0; i < cycles.length; i++) {
      this.cycle = cycles[i]!;
      this.record(cs[i]!, sclk[i]!, mosi[i]!, miso[i]!);
    }
  }

  private record(cs: number, sclk: number, mosi: number, miso: number): void {
    if (this.cs && !cs) {
      if (sclk) this.fail('CS# fell with SCLK high (mode 0 idles SCLK low)');
      if (this.deselected >= 0) this.stats.csHighMin = Math.min(this.stats.csHighMin, this.cycle - this.deselected);
      this.bits = 0;
      this.outBits = 0;
      this.mosiBytes = [];
      this.expected = [];
      this.model.select();
    } else if (!this.cs && !cs) {
      if (!this.sclk && sclk) {
        if (mosi !== this.mosi) this.fail('MOSI changed at the rising SCLK edge');
        this.rose = this.cycle;
        this.inByte = ((this.inByte << 1) | mosi) & 0xff;
        if (++this.bits % 8 === 0) this.byte(this.inByte);
      } else if (this.sclk && !sclk) {
        this.stats.highMin = Math.min(this.stats.highMin, this.cycle - this.rose);
        this.stats.highMax = Math.max(this.stats.highMax, this.cycle - this.rose);
        // The master samples MISO as SCLK falls: the value held through the high phase.
        this.outByte = ((this.outByte << 1) | this.miso) & 0xff;
        if (++this.outBits % 8 === 0) this.misoByte(this.outBits / 8 - 1, this.outByte);
      } else if (this.sclk && sclk && mosi !== this.mosi) {
        this.fail('MOSI changed while SCLK was high');
      }
    } else if (!this.cs && cs) {
      if (this.sclk || sclk) this.fail('CS# rose with SCLK high');
      this.deselected = this.cycle;
      this.end();
    } else if (sclk !== this.sclk) {
      this.fail('SCLK toggled while CS# was high');
    }
    this.cs = cs;
    this.sclk = sclk;
    this.mosi = mosi;
    this.miso = miso;
  }

  private byte(b: number): void {
    const first = this.mosiBytes.length === 0;
    if (first) {
      this.stats.opcodes.set(b, (this.stats.opcodes.get(b) ?? 0) + 1);
      if (this.model.busy && b !== SpiNorCmd.Rdsr) this.fail(`opcode ${hex(b)} sent while WIP (only RDSR is allowed)`);
      if (WRITES.has(b) && !this.model.wel) this.fail(`opcode ${hex(b)} without a WREN before it (WEL clear)`);
    }
    this.mosiBytes.push(b);
    this.expected.push(this.model.shift(b));
  }

  private misoByte(i: number, got: number): void {
    const op = this.mosiBytes[0];
    if (op === SpiNorCmd.Rdsr && i >= 1) {
      // The controller reads status one byte at a time until WIP clears (rtl/flash/README.md):
      // never a byte more.
      if (this.ready) this.fail(`RDSR byte ${i} read after byte ${i - 1} showed WIP clear`);
      this.ready = (got & STATUS_WIP) === 0;
      // WIP may clear between status bytes: the first byte showing it clear completes the
      // model's program or erase.
      if (this.model.busy) {
        const busy = STATUS_WIP | (this.model.wel ? STATUS_WEL : 0);
        if (got === busy) this.stats.busyPolls++;
        else if (got === 0) this.model.complete();
        else this.fail(`RDSR byte ${i}: ${hex(got)}, expected ${hex(busy)} (busy) or 0x00 (done)`);
      } else if (got !== this.model.status()) {
        this.fail(`RDSR byte ${i}: ${hex(got)}, expected ${hex(this.model.status())}`);
      }
      return;
    }
    const want = this.expected[i];
    if (want !== undefined && want !== MISO_UNDEFINED && want !== got) {
      this.fail(`opcode ${hex(op ?? 0)} MISO byte ${i}: got ${hex(got)}, expected ${hex(want)}`);
    }
  }

  private end(): void {
    const extra = this.bits % 8;
    if (extra) this.fail(`CS# rose ${extra} bit(s) into a byte`);
    const [op, ...rest] = this.mosiBytes;
    this.model.deselect(extra);
    this.ready = false;
    if (op === undefined || op === SpiNorCmd.Rdsr) return;
    const header = HEADER[op] ?? 1;
    const addr = header > 1 ? ((rest[0] ?? 0) << 16) | ((rest[1] ?? 0) << 8) | (rest[2] ?? 0) : undefined;
    const bytes = Math.max(0, this.mosiBytes.length - header);
    if (op === SpiNorCmd.Pp && addr !== undefined && (addr & (PAGE_BYTES - 1)) + bytes > PAGE_BYTES) {
      this.fail(`PP at ${hex(addr, 6)} of ${bytes} bytes crosses a page`);
    }
    this.transactions.push({ opcode: op, ...(addr !== undefined ? { addr } : {}), bytes });
  }
}
