// The flash testbench's environment: the bus components of both faces bound by prefix, the SPI
// checker with its TypeScript part, and the reference (a CSR-face model over a controller model
// over a second TypeScript part). It never owns the clock or the reset: `flashTest` composes it
// on the run's Bench, which does. Tests hold only scenarios.
import { expect } from 'vitest';
import {
  ApbMaster, AxisSink, AxisSource, ClockCycles, First, Until, type Simulator, type Throttle,
} from '../../bridge/src/index.js';
import type { SimTestOptions } from '../../bridge/src/vitest.js';
import { modelPort, type RegPort } from '../../models/common/reg_port.js';
import { FlashCsrModel } from '../../models/flash/flash_csr.js';
import { csrOperation } from '../../models/flash/flash_driver.js';
import { FLASH_OFFSET, FlashErr, FlashOp, FlashReq, FlashRsp, SpiNorCmd } from '../../models/flash/spi_flash_pkg.js';
import { SpiFlashCtrl, type FlashRequest, type FlashResult } from '../../models/flash/spi_flash_ctrl.js';
import { SpiNor, type SpiNorBusy } from '../../models/flash/spi_nor.js';
import { apbPort } from '../common/apb_port.js';
import { type BlockEnv } from '../common/bench.js';
import { benchTest } from '../common/bench_test.js';
import { hex } from '../common/hex.js';
import type { FlashTbDut } from './gen/flash_tb.js';
import { SpiChecker } from './spi_checker.js';
import { flashTb } from './tops.js';

/** Options of a {@link FlashEnv}. */
export interface FlashEnvOptions {
  /** CTRL.DIV. @defaultValue 0 (SCLK = clk / 2) */
  readonly div?: number;
  /** The part's capacity (flash_tb's SizeBytes). @defaultValue 256 KiB */
  readonly sizeBytes?: number;
  /** Back-pressure on the stream face (program data valid, read data and response ready). @defaultValue none */
  readonly throttle?: { readonly wr?: Throttle; readonly rd?: Throttle; readonly rsp?: Throttle };
}

/** Which face an operation used. */
export type Face = 'stream' | 'csr';


/** The register names by offset, for messages. */
const REG_NAME = new Map<number, string>(Object.entries(FLASH_OFFSET).map(([k, v]) => [v, k]));
const regName = (offset: number): string => `${REG_NAME.get(offset) ?? 'no register'} (${hex(offset)})`;
/** An op code by name, or as the unknown number it is. */
const opName = (op: FlashOp): string => FlashOp[op] ?? `unknown op ${op}`;

/** The environment of one run of the model (a test, or one fast-check case after a restart). */
export class FlashEnv implements BlockEnv {
  readonly apb: ApbMaster;
  /** The register port of the RTL (APB). */
  readonly port: RegPort;
  private checkerQ: SpiChecker;
  private modelQ: FlashCsrModel;
  private readonly size: number;
  private readonly div: number;
  private readonly req: AxisSource;
  private readonly wr: AxisSource;
  private readonly rd: AxisSink;
  private readonly rsp: AxisSink;
  /** Operations checked so far: the scoreboard's transaction index. */
  private checked = 0;
  /** A power loss is under way: the next start() restarts the references from the RTL part. */
  private lost?: { after?: Uint8Array };

  /** Binds the faces of `dut` (flash_tb's ports) by prefix; the checker samples from the next edge. */
  constructor(readonly sim: Simulator<FlashTbDut>, options: FlashEnvOptions = {}, readonly dut: FlashTbDut = sim.dut) {
    const clk = dut.clk_i;
    // Ready low until a sink takes the first beat.
    dut.m_axis_rsp_tready_i.value = 0;
    dut.m_axis_tready_i.value = 0;
    this.apb = ApbMaster.fromPrefix(dut, 'apb', clk);
    this.port = apbPort(this.apb);
    this.req = AxisSource.fromPrefix(dut, 's_axis_req', clk);
    this.wr = AxisSource.fromPrefix(dut, 's_axis', clk, options.throttle?.wr ? { throttle: options.throttle.wr } : {});
    this.rd = AxisSink.fromPrefix(dut, 'm_axis', clk, options.throttle?.rd ? { throttle: options.throttle.rd } : {});
    this.rsp = AxisSink.fromPrefix(dut, 'm_axis_rsp', clk, options.throttle?.rsp ? { throttle: options.throttle.rsp } : {});
    this.size = options.sizeBytes ?? 1 << 18;
    this.div = options.div ?? 0;
    this.checkerQ = this.newChecker();
    this.modelQ = new FlashCsrModel(new SpiFlashCtrl(new SpiNor({ sizeBytes: this.size })));
  }

  /** The part powered and the bypass off. */
  idle(): void {
    this.dut.bb_en_i.value = 0;
    this.dut.bb_cs_ni.value = 1;
    this.dut.power_loss_i.value = 0;
  }

  /** After a reset: CTRL.DIV (and, after a power loss, a new checker and references from the RTL part's array). */
  async start(): Promise<void> {
    if (this.lost) {
      const after = Uint8Array.from(await this.dut.u_nor.mem_q.read() as Uint8Array);
      this.checkerQ = this.newChecker();
      this.checkerQ.model.load(after);
      this.modelQ = new FlashCsrModel(new SpiFlashCtrl(new SpiNor({ sizeBytes: this.size })));
      this.ctrl.chip.load(after);
      this.lost.after = after;
    }
    await this.writeReg(FLASH_OFFSET.CTRL, this.div);
  }

  private newChecker(): SpiChecker {
    const d = this.dut;
    return new SpiChecker(this.sim as Simulator<unknown>, { clk: d.clk_i, csN: d.spi_cs_no, sclk: d.spi_sclk_o, mosi: d.spi_mosi_o, miso: d.spi_miso_o }, new SpiNor({ sizeBytes: this.size }));
  }

  /** The SPI checker (a new one after {@link powerLoss}). */
  get checker(): SpiChecker {
    return this.checkerQ;
  }

  /** The reference: CSR face, engine and part. */
  get model(): FlashCsrModel {
    return this.modelQ;
  }

  /** The reference controller (engine and its part). */
  get ctrl(): SpiFlashCtrl {
    return this.model.ctrl;
  }

  /** Backdoor: the same bytes into the RTL part and both TypeScript parts. */
  async load(offset: number, data: Uint8Array): Promise<void> {
    await this.dut.u_nor.mem_q.write(offset, data);
    this.checker.model.load(data, offset);
    this.ctrl.chip.load(data, offset);
  }

  /**
   * The cell loses power: the part's power_loss_i is held through a reset of everything
   * (`reset`, the bench's), and comes back with its release; CTRL.DIV is set again. The checker
   * is closed first (the poll under way is cut mid-byte, as power loss does) and a new one
   * starts; the references restart from the RTL part's array. Returns the operation that was
   * interrupted, the array before it, and the array after.
   */
  async powerLoss(seed: number, reset: (cycles: number) => Promise<void>): Promise<{ busy: SpiNorBusy | undefined; before: Uint8Array; after: Uint8Array }> {
    await this.checker.close();
    expect(this.checker.violations, 'SPI protocol violations before the power loss').toEqual([]);
    const before = this.checker.model.mem.slice();
    const busy = this.checker.model.powerLoss();
    this.dut.power_loss_seed_i.value = seed >>> 0;
    this.dut.power_loss_i.value = 1;
    this.lost = {};
    await reset(3);
    const after = this.lost.after!;
    this.lost = undefined;
    return { busy, before, after };
  }

  /** An APB write to the RTL and the model, which must answer alike. */
  async writeReg(offset: number, data: number): Promise<void> {
    expect(await this.apb.write(offset, data), `APB write ${regName(offset)} = ${hex(data >>> 0, 8)} (${this.sim.describeTime()})`).toEqual(this.model.write(offset, data));
  }

  /** An APB read of the RTL and the model, which must answer alike. */
  async readReg(offset: number): Promise<number> {
    const got = await this.apb.read(offset);
    expect(got, `APB read ${regName(offset)} (${this.sim.describeTime()})`).toEqual(this.model.read(offset));
    return got.data;
  }

  /** Queues a request (and its program data) on the stream face. */
  private post(req: FlashRequest): void {
    void this.req.send(FlashReq.toBytes(req));
    if (req.op === FlashOp.Program && req.data && req.data.length > 0) void this.wr.send(req.data);
  }

  /** Several operations queued on the stream face at once, each checked against the reference in order. */
  async streamQueue(reqs: readonly FlashRequest[]): Promise<void> {
    for (const r of reqs) this.post(r);
    for (const r of reqs) this.compare('stream', r, await this.collect(r), this.ctrl.execute(r), 'queued ');
  }

  /** One operation through the stream face (request, program data, read data, response). */
  async stream(req: FlashRequest): Promise<FlashResult> {
    this.post(req);
    return this.collect(req);
  }

  private async collect(req: FlashRequest): Promise<FlashResult> {
    const { op, len } = req;
    const { err, crc } = FlashRsp.fromBytes((await this.rsp.recv()).data);
    const reads = [FlashOp.Read, FlashOp.FastRead, FlashOp.ReadStatus, FlashOp.ReadId].includes(op);
    const sized = op === FlashOp.Read || op === FlashOp.FastRead;
    const data = reads && err === FlashErr.None && !(sized && len === 0) ? (await this.rd.recv()).data : new Uint8Array(0);
    return { err, data, crc };
  }

  /** One operation through the CSRs (the management processor's driver), waiting on irq_o. */
  async csr(req: FlashRequest): Promise<FlashResult> {
    const clk = this.dut.clk_i;
    const r = await csrOperation(this.port, req, async () => {
      await First(Until(clk, this.dut.irq_o, 1), ClockCycles(clk, 4096));
    });
    return { err: r.err, data: r.data, crc: r.crc };
  }

  /** Runs `req` on `face` and on the reference; results must agree. */
  async check(face: Face, req: FlashRequest, label = ''): Promise<FlashResult> {
    const got = face === 'stream' ? await this.stream(req) : await this.csr(req);
    const want = face === 'stream' ? this.ctrl.execute(req) : await csrOperation(modelPort(this.model), req, async () => undefined);
    this.compare(face, req, got, want, label);
    return got;
  }

  /** The scoreboard: RTL against reference, named by transaction index, op and time. */
  private compare(face: Face, req: FlashRequest, got: FlashResult, want: FlashResult, label: string): void {
    const what = `transaction #${this.checked++} (${label}${face} ${opName(req.op)} at ${hex(req.addr, 6)} len ${req.len}, done at ${this.sim.describeTime()})`;
    expect(FlashErr[got.err], `${what}: error`).toBe(FlashErr[want.err]);
    expect(hexDiff(got.data, want.data), `${what}: data`).toBe('');
    expect(hex(got.crc, 8), `${what}: CRC`).toBe(hex(want.crc, 8));
  }

  /**
   * The end of a scenario: the checker saw no violation, the wire carried the reference's
   * transactions, and the RTL part's array equals both TypeScript parts'.
   */
  async finish(options: FlashFinishOptions = {}): Promise<void> {
    await ClockCycles(this.dut.clk_i, 4);
    // Nothing may come out of the stream face that no request asked for.
    expect(this.rd.pending, 'read beats nobody asked for').toBe(0);
    expect(this.rsp.pending, 'responses nobody asked for').toBe(0);
    await this.checker.close();
    expect(this.checker.violations.map((v) => v.replace(/^edge \d+: /, '')), 'SPI protocol violations').toEqual(options.violations ?? []);
    if ((options.transactions ?? true) && (options.reference ?? true)) {
      const fmt = (t: { opcode: number; addr?: number; bytes: number }): string => `${hex(t.opcode)}${t.addr !== undefined ? `@${hex(t.addr, 6)}` : ''}+${t.bytes}`;
      expect(this.checker.transactions.map(fmt).join(' '), 'SPI transactions (RDSR polls left out)').toBe(this.ctrl.transactions.filter((t) => t.opcode !== SpiNorCmd.Rdsr).map(fmt).join(' '));
    }
    const rtl = await this.dut.u_nor.mem_q.read();
    expect(hexDiff(Uint8Array.from(rtl as Uint8Array), this.checker.model.mem), 'RTL part vs the checker\'s part').toBe('');
    if (options.reference ?? true) expect(hexDiff(this.checker.model.mem, this.ctrl.chip.mem), 'checker\'s part vs the reference part').toBe('');
  }
}

/** What {@link FlashEnv.finish} checks besides the checker's verdict. */
export interface FlashFinishOptions {
  /** The wire carried the reference's transactions. @defaultValue true */
  readonly transactions?: boolean;
  /** The violations the checker must report (a test of the checker itself). @defaultValue none */
  readonly violations?: readonly string[];
  /** The reference followed the scenario (false when a test drove the part around it). @defaultValue true */
  readonly reference?: boolean;
}

/** The `flash` fixture: a {@link FlashEnv} composed and reset. */
export type FlashFixture = (options?: FlashEnvOptions) => Promise<FlashEnv>;

/**
 * `simTest(flashTb, options)` with `bench` and `flash`: `flash(options)` composes a
 * {@link FlashEnv} on the run's bench and resets it, once per run of the model.
 */
export function flashTest(options: SimTestOptions = {}) {
  return benchTest(flashTb, options).extend<{ flash: FlashFixture }>({
    flash: async ({ bench }, use) => {
      await use(async (o = {}) => {
        const b = bench();
        const env = b.compose(new FlashEnv(b.sim, o));
        await b.reset();
        return env;
      });
    },
  });
}

/** '' when equal, else the first differing offset with both values (and the lengths). */
export function hexDiff(got: Uint8Array, want: Uint8Array): string {
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i]) return `first difference at ${hex(i, 6)}: got ${hex(got[i]!)}, expected ${hex(want[i]!)} (lengths ${got.length}, ${want.length})`;
  }
  return got.length === want.length ? '' : `lengths differ: got ${got.length}, expected ${want.length}`;
}
