// The cell testbench's environment. CellEnv binds one cell of a top by prefix (cell_pair_tb's
// two cells, or any cell of tb/system's system_tb, whose per-cell ports have the same names): its APB port (one
// RegPort per block window, so the models' drivers run on it), the host's vc 0 AXI-Stream pair
// with the HSI delivery contract of what arrives (models/hsi/delivery.ts, as tb/hsi does), the
// SPI checker of tb/flash on its flash pins (with its TypeScript part, which follows every
// transaction), the part's backdoor and power. The lanes are tb/hsi's LaneEnv. None owns the
// clock or the reset: `cellTest` composes them on the run's Bench, which does. Tests hold only
// scenarios.
import { expect } from 'vitest';
import {
  ApbMaster, AxisSink, AxisSource, ClockCycles, CoverGroup, First, SampledStream, Until, type MemoryHandle, type SignalHandle, type Simulator, type Throttle,
} from '../../bridge/src/index.js';
import type { SimTestOptions } from '../../bridge/src/vitest.js';
import { CELL_CTRL_IRQ_STATUS, CELL_CTRL_OFFSET, CELL_CTRL_PATH_EN } from '../../models/cell/cell_ctrl_pkg.js';
import { CellWindow, FW_FRAME_BYTES, IMAGE_REGION_BYTES, WINDOW_BYTES } from '../../models/cell/cell_pkg.js';
import { FW_DMA_CTRL, FW_DMA_OFFSET, FW_DMA_RX_STATUS, FW_DMA_TX_STATUS } from '../../models/cell/fw_dma_pkg.js';
import { IMAGE_CHECK_OFFSET, IMAGE_CHECK_STATUS, ImageStatus } from '../../models/cell/image_check_pkg.js';
import type { RegPort } from '../../models/common/reg_port.js';
import { csrOperation } from '../../models/flash/flash_driver.js';
import type { FlashRequest } from '../../models/flash/spi_flash_ctrl.js';
import { FLASH_OFFSET, FlashErr } from '../../models/flash/spi_flash_pkg.js';
import { SpiNor } from '../../models/flash/spi_nor.js';
import { DeliveryModel, type LinkFrame } from '../../models/hsi/delivery.js';
import { eraseExtent } from '../../models/mgmt/flash_jobs.js';
import { windowPort } from '../../models/mgmt/platform.js';
import { apbPort } from '../common/apb_port.js';
import { idleHigh, type BlockEnv } from '../common/bench.js';
import { benchTest } from '../common/bench_test.js';
import { hex } from '../common/hex.js';
import { hexDiff } from '../flash/env.js';
import { SpiChecker } from '../flash/spi_checker.js';
import { LaneEnv } from '../hsi/env.js';
import type { CellPairTbDut } from './gen/cell_pair_tb.js';
import type { SystemTbDut } from '../system/gen/system_tb.js';
import { systemTb3 } from '../system/tops.js';
import { SystemTraffic, type TrafficOptions } from '../system/traffic.js';
import { popcount } from '../hsi/blocks.js';
import { berRate } from '../hsi/hsi_channel.js';
import { cellPairTb } from './tops.js';
import type { RxProbe } from './rx_probe.js';

/** The interrupt sources of IRQ_STATUS, by name. */
export type IrqSource = keyof typeof CELL_CTRL_IRQ_STATUS;
const IRQ_SOURCES = Object.keys(CELL_CTRL_IRQ_STATUS) as IrqSource[];

/** How the receiver judged a frame at its last beat (fw_dma_rx's `ok`, its offset against `next_q`). */
export type FrameKind = 'full' | 'partial' | 'repeated' | 'refused';

/**
 * The cell's functional coverage, sampled by every CellEnv: each vc 1 frame its receiver judged
 * (from the RTL), the destinations of each send, each interrupt source seen raising irq_o, and
 * a link that went down while a transfer was running. (The checker's results × image sizes are
 * tb/cell/checker.test.ts's.)
 */
export const cellCoverage = new CoverGroup('cell');
const frameKind = cellCoverage.point<FrameKind>('vc 1 frame at the receiver', { full: (k) => k === 'full', partial: (k) => k === 'partial', repeated: (k) => k === 'repeated', refused: (k) => k === 'refused' });
const destinations = cellCoverage.point<number>('destinations of a send', { one: (n) => n === 1, two: (n) => n === 2 });
const irqSource = cellCoverage.point<IrqSource>('interrupt source raising irq_o', Object.fromEntries(IRQ_SOURCES.map((n) => [n, (v: IrqSource) => v === n])));
const downInTransfer = cellCoverage.point<'send' | 'receive'>('link down during a transfer', { send: (v) => v === 'send', receive: (v) => v === 'receive' });

/** A frame the receiver judged: when, where, how. */
export interface JudgedFrame {
  readonly cycle: number;
  readonly offset: number;
  readonly bytes: number;
  readonly kind: FrameKind;
}

/** Options of a {@link CellEnv}. */
export interface CellEnvOptions {
  /** The cell's prefix on the top ('c0', 'c1'). */
  readonly prefix: string;
  /** The cell's id (the top's strap). */
  readonly cellId: number;
  /** The part's capacity (the top's SizeBytes). @defaultValue 2 MiB */
  readonly sizeBytes?: number;
  /** Back-pressure of the host's vc 0 sink. @defaultValue always ready */
  readonly sinkThrottle?: Throttle;
  /** Gaps in the host's vc 0 source. @defaultValue a beat every cycle */
  readonly sourceThrottle?: Throttle;
  /** Bind the host's vc 0 pair (false: another environment drives it, tb/system's traffic). @defaultValue true */
  readonly host?: boolean;
}

function pin(dut: object, name: string): SignalHandle<number> {
  const s = (dut as Record<string, SignalHandle<number> | undefined>)[name];
  if (!s) throw new Error(`CellEnv: the top has no port ${name}: is the prefix right?`);
  return s;
}

/** The firmware DMA's, checker's and cell control's registers, by block. */
type Offsets = { readonly dma: typeof FW_DMA_OFFSET; readonly check: typeof IMAGE_CHECK_OFFSET; readonly ctrl: typeof CELL_CTRL_OFFSET };
const BLOCKS = { dma: [CellWindow.FwDma, FW_DMA_OFFSET], check: [CellWindow.ImageCheck, IMAGE_CHECK_OFFSET], ctrl: [CellWindow.CellCtrl, CELL_CTRL_OFFSET] } as const;

/** What CellEnv needs of a top beside the prefixed ports it looks up by name: the clock. */
export interface CellHostDut {
  readonly clk_i: SignalHandle<number>;
}

/** The cell's part: cell_pair_tb's u_<prefix>_nor, or system_tb's g_cell[<id>].u_nor. */
/** A scope or signal of the top by name, undefined when the top has none (reading an unknown name throws; `in` does not). */
function scope<T>(dut: object, name: string): T | undefined {
  return name in dut ? (dut as Record<string, T>)[name] : undefined;
}

/** The cell's scope: cell_pair_tb's u_<prefix>, or system_tb's u_system.g_cell[<id>].u_cell. */
function cellScope<T>(dut: object, o: CellEnvOptions): T | undefined {
  return scope<T>(dut, `u_${o.prefix}`) ?? scope<Record<string, { u_cell?: T } | undefined>>(dut, 'u_system')?.[`g_cell[${o.cellId}]`]?.u_cell;
}

function rxProbe(dut: object, o: CellEnvOptions): RxProbe {
  const rx = cellScope<{ u_dma?: { u_rx?: RxProbe } }>(dut, o)?.u_dma?.u_rx;
  if (!rx?.next_q) throw new Error(`CellEnv: the top has no public fw_dma_rx probe for ${o.prefix}: build it with tb/cell/hdl/fw_dma_rx_probe.vlt`);
  return rx;
}

/** The cell's part: cell_pair_tb's u_<prefix>_nor, or system_tb's g_cell[<id>].u_nor. */
function partMemory(dut: object, o: CellEnvOptions): MemoryHandle<number> {
  const mem = scope<{ mem_q: MemoryHandle<number> }>(dut, `u_${o.prefix}_nor`)?.mem_q ?? scope<{ u_nor?: { mem_q: MemoryHandle<number> } }>(dut, `g_cell[${o.cellId}]`)?.u_nor?.mem_q;
  if (!mem) throw new Error(`CellEnv: the top has no flash part for ${o.prefix} (u_${o.prefix}_nor or g_cell[${o.cellId}].u_nor)`);
  return mem;
}

/** One cell of a top. */
export class CellEnv implements BlockEnv {
  readonly apb: ApbMaster;
  /** The cell's whole APB port. */
  readonly port: RegPort;
  /** The flash controller's window (models/flash/flash_driver.ts runs on it). */
  readonly flashPort: RegPort;
  /** The contract of the vc 0 frames arriving at this cell's host (fed by the peer's {@link send}). */
  inbound: DeliveryModel;
  private checkerQ: SpiChecker;
  private readonly source?: AxisSource;
  private readonly sink?: AxisSink;
  private readonly mem: MemoryHandle<number>;
  private readonly size: number;
  private readonly probe: RxProbe;
  private frameStream?: SampledStream;
  private peerQ?: CellEnv;
  /** Every vc 1 frame this cell's receiver judged, in order. */
  readonly judged: JudgedFrame[] = [];

  constructor(readonly sim: Simulator<unknown>, readonly dut: CellHostDut, readonly options: CellEnvOptions) {
    const p = options.prefix;
    const clk = dut.clk_i;
    this.apb = ApbMaster.fromPrefix(dut, `${p}_apb`, clk);
    this.port = apbPort(this.apb);
    this.flashPort = windowPort(this.port, CellWindow.Flash);
    if (options.host ?? true) {
      this.source = AxisSource.fromPrefix(dut, `${p}_s_axis_vc0`, clk, options.sourceThrottle ? { throttle: options.sourceThrottle } : {});
      this.sink = AxisSink.fromPrefix(dut, `${p}_m_axis_vc0`, clk, options.sinkThrottle ? { throttle: options.sinkThrottle } : {});
    }
    this.size = options.sizeBytes ?? 1 << 21;
    this.mem = partMemory(dut, options);
    this.probe = rxProbe(dut, options);
    this.inbound = new DeliveryModel(`-> ${p} vc0`, 0);
    this.checkerQ = this.newChecker();
  }

  private newChecker(): SpiChecker {
    const p = this.options.prefix;
    const d = this.dut as unknown as object;
    return new SpiChecker(this.sim, { clk: this.dut.clk_i, csN: pin(d, `${p}_spi_cs_no`), sclk: pin(d, `${p}_spi_sclk_o`), mosi: pin(d, `${p}_spi_mosi_o`), miso: pin(d, `${p}_spi_miso_o`) }, new SpiNor({ sizeBytes: this.size }));
  }

  /** The SPI checker of this cell's flash (a new one after {@link powerLoss}). */
  get checker(): SpiChecker {
    return this.checkerQ;
  }

  /** The cell at the other end of the lanes: its vc 0 sends are checked here and ours there. */
  connect(peer: CellEnv): void {
    this.peerQ = peer;
    this.inbound = new DeliveryModel(`${peer.options.prefix} -> ${this.options.prefix} vc0`, peer.options.cellId);
  }

  idle(): void {
    pin(this.dut, `${this.options.prefix}_power_loss_i`).value = 0;
    pin(this.dut, `${this.options.prefix}_power_loss_seed_i`).value = 0;
  }

  /** After a reset: SCLK at clk / 2 (CTRL.DIV 0), as the flash tests run; the receiver's frames observed (once). */
  async start(): Promise<void> {
    if (!this.frameStream) {
      const p = this.probe;
      // One record per frame judged (a frame is up to 512 image bytes): a round trip each.
      const stream = SampledStream.open(this.sim, { clock: this.dut.clk_i, signals: [p.ok, p.offset, p.data_len, p.next_q], when: { allOf: [p.take, p.s_axis_tlast_i] }, batch: 1 });
      this.frameStream = stream;
      this.sim.startSoon(async () => {
        for await (const b of stream) {
          for (let k = 0; k < b.length; k++) {
            const [ok, offset, bytes, next] = [b.column(p.ok)[k]!, b.column(p.offset)[k]!, b.column(p.data_len)[k]!, b.column(p.next_q)[k]!];
            const kind: FrameKind = !ok ? 'refused' : offset < next ? 'repeated' : bytes < FW_FRAME_BYTES ? 'partial' : 'full';
            frameKind.sample(kind);
            this.judged.push({ cycle: b.cycles[k]!, offset, bytes, kind });
          }
        }
      }, `${this.options.prefix}: frames its receiver judged`);
    }
    await this.writeReg(CellWindow.Flash, FLASH_OFFSET.CTRL, 0);
  }

  /** An APB write that must not answer slverr. */
  async writeReg(window: CellWindow, offset: number, data: number): Promise<void> {
    const r = await this.apb.write(window * WINDOW_BYTES + offset, data);
    expect(r.slverr, `${this.options.prefix}: APB write ${CellWindow[window]} ${hex(offset)} = ${hex(data >>> 0, 8)} answered slverr (${this.sim.describeTime()})`).toBe(false);
  }

  /** An APB read that must not answer slverr. */
  async readReg(window: CellWindow, offset: number): Promise<number> {
    const r = await this.apb.read(window * WINDOW_BYTES + offset);
    expect(r.slverr, `${this.options.prefix}: APB read ${CellWindow[window]} ${hex(offset)} answered slverr (${this.sim.describeTime()})`).toBe(false);
    return r.data;
  }

  /** A register of the DMA, checker or cell control by name. */
  read<B extends keyof Offsets>(block: B, name: keyof Offsets[B]): Promise<number> {
    const [w, offs] = BLOCKS[block];
    return this.readReg(w, (offs as Record<PropertyKey, number>)[name]!);
  }

  /** Writes a register of the DMA, checker or cell control by name. */
  write<B extends keyof Offsets>(block: B, name: keyof Offsets[B], data: number): Promise<void> {
    const [w, offs] = BLOCKS[block];
    return this.writeReg(w, (offs as Record<PropertyKey, number>)[name]!, data);
  }

  /** irq_o. */
  get irq(): boolean {
    return pin(this.dut, `${this.options.prefix}_irq_o`).value === 1;
  }

  /** Backdoor: `data` at `offset` of the RTL part and the checker's part. */
  async load(offset: number, data: Uint8Array): Promise<void> {
    await this.mem.write(offset, data);
    this.checker.model.load(data, offset);
  }

  /** Backdoor: `len` bytes of the RTL part from `offset`. */
  async flash(offset: number, len: number): Promise<Uint8Array> {
    return Uint8Array.from(await this.mem.read(offset, len) as ArrayLike<number>);
  }

  /** One CSR flash operation (the management processor's driver), waiting on the controller's DONE. */
  async csr(req: FlashRequest): Promise<FlashErr> {
    const r = await csrOperation(this.flashPort, req, async () => {
      await ClockCycles(this.dut.clk_i, 64);
    });
    return r.err;
  }

  /** The erase of an image's extent through the CSRs (the management processor's part of a receive). */
  async eraseExtent(bytes: number): Promise<void> {
    for (const req of eraseExtent(bytes)) expect(FlashErr[await this.csr(req)], `${this.options.prefix}: erase at ${hex(req.addr, 6)}`).toBe('None');
  }

  /** Sets PATH_EN.VC1 (after the acknowledgement), keeping VC0 on. */
  async enableVc1(on = true): Promise<void> {
    await this.write('ctrl', 'PATH_EN', CELL_CTRL_PATH_EN.VC0.put(1) | CELL_CTRL_PATH_EN.VC1.put(on ? 1 : 0));
  }

  /** Arms the receiver for `src` from `start` to `len`. */
  async arm(src: number, len: number, start = 0): Promise<void> {
    await this.write('dma', 'RX_SRC', src);
    await this.write('dma', 'RX_START', start);
    await this.write('dma', 'RX_LEN', len);
    await this.write('dma', 'CTRL', FW_DMA_CTRL.RX_ARM.put(1));
  }

  /** Starts a send of [start, len) to the cells of `mask`. */
  async go(mask: number, len: number, start = 0): Promise<void> {
    destinations.sample(popcount(BigInt(mask >>> 0)));
    await this.write('dma', 'TX_MASK', mask);
    await this.write('dma', 'TX_START', start);
    await this.write('dma', 'TX_LEN', len);
    await this.write('dma', 'CTRL', FW_DMA_CTRL.TX_GO.put(1));
  }

  /** Polls `name` of `block` every `every` cycles until `done` holds, at most `cycles` in all. */
  async poll<B extends keyof Offsets>(block: B, name: keyof Offsets[B], done: (v: number) => boolean, cycles: number, every = 512): Promise<number> {
    for (let t = 0; ; t += every) {
      const v = await this.read(block, name);
      if (done(v)) return v;
      if (t >= cycles) throw new Error(`${this.options.prefix}: ${String(block)}.${String(name)} still ${hex(v, 8)} after ${cycles} cycles (${this.sim.describeTime()})`);
      await ClockCycles(this.dut.clk_i, every);
    }
  }

  /** Runs the image checker; resolves with STATUS.RESULT once DONE. */
  async check(cycles = 2_000_000): Promise<ImageStatus> {
    await this.write('check', 'CTRL', 1);
    const s = await this.poll('check', 'STATUS', (v) => IMAGE_CHECK_STATUS.DONE.get(v) === 1 && IMAGE_CHECK_STATUS.BUSY.get(v) === 0, cycles, 256);
    await this.write('check', 'STATUS', IMAGE_CHECK_STATUS.DONE.put(1));
    return IMAGE_CHECK_STATUS.RESULT.get(s) as ImageStatus;
  }

  /** Enables exactly the interrupt sources `sources` (IRQ_ENABLE). */
  async enableIrq(...sources: IrqSource[]): Promise<void> {
    await this.write('ctrl', 'IRQ_ENABLE', sources.reduce((m, n) => m | CELL_CTRL_IRQ_STATUS[n].put(1), 0));
  }

  /**
   * The sources that hold irq_o now (IRQ_STATUS & IRQ_ENABLE), sampled for coverage; a link
   * reported down while this cell sends or receives is sampled as a link down in a transfer.
   */
  async irqSources(): Promise<IrqSource[]> {
    const held = (await this.read('ctrl', 'IRQ_STATUS')) & (await this.read('ctrl', 'IRQ_ENABLE'));
    const on = IRQ_SOURCES.filter((n) => CELL_CTRL_IRQ_STATUS[n].get(held) === 1);
    for (const n of on) irqSource.sample(n);
    if (on.includes('LINK_DOWN')) {
      if (FW_DMA_TX_STATUS.BUSY.get(await this.read('dma', 'TX_STATUS'))) downInTransfer.sample('send');
      if (FW_DMA_RX_STATUS.ARMED.get(await this.read('dma', 'RX_STATUS'))) downInTransfer.sample('receive');
    }
    return on;
  }

  /** Clears the event sources `sources` of IRQ_STATUS (write 1 to clear). */
  async clearIrq(...sources: IrqSource[]): Promise<void> {
    await this.write('ctrl', 'IRQ_STATUS', sources.reduce((m, n) => m | CELL_CTRL_IRQ_STATUS[n].put(1), 0));
  }

  /** Waits for irq_o high, at most `cycles`; false when it did not rise. */
  async waitIrq(cycles: number): Promise<boolean> {
    if (this.irq) return true;
    const r = await First(Until(this.dut.clk_i, pin(this.dut, `${this.options.prefix}_irq_o`), 1), ClockCycles(this.dut.clk_i, cycles));
    return r.index === 0;
  }

  private get peer(): CellEnv {
    if (!this.peerQ) throw new Error(`CellEnv ${this.options.prefix}: connect() it to its peer first`);
    return this.peerQ;
  }

  /** Queues a vc 0 frame on the host's s_axis; the peer's contract expects it. */
  send(frame: LinkFrame): Promise<void> {
    this.peer.inbound.sent(frame);
    if (!this.source) throw new Error(`CellEnv ${this.options.prefix}: made with host: false, its vc 0 pair is another environment's`);
    return this.source.send({ data: frame.data, dest: frame.dst }) as unknown as Promise<void>;
  }

  /** Takes what arrived at the host's sink, checking each frame against the contract. */
  async drain(): Promise<void> {
    if (!this.sink) return;
    const n = this.sink.pending;
    if (!n) return;
    for (const f of await this.sink.recvMany(n)) this.inbound.delivered({ data: f.data, dst: f.dest, src: f.id }, this.sim.describeTime());
  }

  /**
   * The cell loses power for a reset of everything (`reset`, the bench's): its part's
   * power_loss_i is held through it, so what the part was doing stops half done; the checker
   * restarts from the RTL part's array.
   */
  async powerLoss(seed: number, reset: (cycles: number) => Promise<void>): Promise<void> {
    await this.checker.close();
    expect(this.checker.violations, `${this.options.prefix}: SPI protocol violations before the power loss`).toEqual([]);
    const p = this.options.prefix;
    pin(this.dut, `${p}_power_loss_seed_i`).value = seed >>> 0;
    pin(this.dut, `${p}_power_loss_i`).value = 1;
    await reset(3);
    const after = await this.flash(0, this.size);
    this.checkerQ = this.newChecker();
    this.checkerQ.model.load(after);
  }

  /**
   * The end of a scenario: every vc 0 frame sent to this cell arrived intact, the SPI checker saw
   * no violation, and the RTL part's array equals the checker's part (which followed the wire).
   */
  async finish(cycles = 20_000): Promise<void> {
    for (let t = 0; this.sink; t += 500) {
      await this.drain();
      if (t >= cycles || this.inbound.due === 0) break;
      await ClockCycles(this.dut.clk_i, 500);
    }
    this.inbound.finish();
    await this.checker.close();
    expect(this.checker.violations, `${this.options.prefix}: SPI protocol violations`).toEqual([]);
    expect(hexDiff(await this.flash(0, this.size), this.checker.model.mem), `${this.options.prefix}: RTL part vs the checker's part`).toBe('');
  }
}

/** The two cells and the lanes of cell_pair_tb. */
export interface CellPair {
  readonly c0: CellEnv;
  readonly c1: CellEnv;
  /** c0 -> c1. */
  readonly ab: LaneEnv;
  /** c1 -> c0. */
  readonly ba: LaneEnv;
  /** Both links up. */
  up(cycles?: number): Promise<void>;
}

/** Options of the `pair` fixture. */
export interface CellPairOptions {
  readonly c0?: Omit<CellEnvOptions, 'prefix' | 'cellId'>;
  readonly c1?: Omit<CellEnvOptions, 'prefix' | 'cellId'>;
  /** The lanes' seeds. @defaultValue the test's seed and seed + 1 */
  readonly seed?: number;
}

/** The region of cell_pair_tb (its ImageRegionBytes default). */
export const REGION_BYTES = IMAGE_REGION_BYTES;

/**
 * `simTest(top)` (cellPairTb, or its bench variant) with `bench` and `pair(options)`: both cells,
 * both lanes and the management line composed on the run's bench and reset together, once per
 * run of the model.
 */
export function cellTest(options: SimTestOptions = {}, top = cellPairTb) {
  return benchTest(top, options).extend<{ pair: (o?: CellPairOptions) => Promise<CellPair> }>({
    pair: async ({ bench, seed }, use) => {
      await use(async (o = {}) => {
        const b = bench();
        const dut: CellPairTbDut = b.dut;
        const s = o.seed ?? seed;
        const ab = b.compose(new LaneEnv(dut, 'ab', s));
        const ba = b.compose(new LaneEnv(dut, 'ba', s + 1));
        b.compose(idleHigh([dut.line_i]));
        const c0 = b.compose(new CellEnv(b.sim as Simulator<unknown>, dut, { ...o.c0, prefix: 'c0', cellId: 0 }));
        const c1 = b.compose(new CellEnv(b.sim as Simulator<unknown>, dut, { ...o.c1, prefix: 'c1', cellId: 1 }));
        c0.connect(c1);
        c1.connect(c0);
        await b.reset();
        const linkUp = async (c: CellEnv, cycles: number): Promise<void> => {
          await c.poll('ctrl', 'LINK', (v) => (v & 1) === 1, cycles, 256);
        };
        return { c0, c1, ab, ba, up: async (cycles = 50_000) => { await linkUp(c0, cycles); await linkUp(c1, cycles); } };
      });
    },
  });
}

/** Three cells of tb/system's system_tb on the crossbar (no management processor: the test plays it), for a send to two destinations. */
export interface CellTrio {
  readonly cells: readonly CellEnv[];
  /** vc 0 traffic between every pair of hosts (tb/system's, with its scoreboard). */
  readonly traffic: SystemTraffic;
  /** Every cell's link up. */
  up(cycles?: number): Promise<void>;
  /** Lane faults: bit errors at `ber` on every lane to and from the crossbar. */
  ber(ber: number): void;
}

/** system_tb's pins no CellEnv drives: the cells' resets and the lanes' seeds and faults, the line. */
function boardIdle(dut: SystemTbDut, cells: number, seed: number): BlockEnv {
  const pins = dut as unknown as Record<string, SignalHandle<number> | SignalHandle<bigint>>;
  return {
    idle: () => {
      (pins.line_i as SignalHandle<number>).value = 1;
      for (let i = 0; i < cells; i++) {
        (pins[`c${i}_rst_ni`] as SignalHandle<number>).value = 1;
        (pins[`c${i}_up_seed_i`] as SignalHandle<number>).value = (seed + 2 * i + 1) >>> 0;
        (pins[`c${i}_dn_seed_i`] as SignalHandle<number>).value = (seed + 2 * i + 2) >>> 0;
        (pins[`c${i}_up_ber_i`] as SignalHandle<bigint>).value = 0n;
        (pins[`c${i}_dn_ber_i`] as SignalHandle<bigint>).value = 0n;
      }
    },
    start: async () => undefined,
    finish: async () => undefined,
  };
}

/** `simTest(system_tb of 3 cells)` with `trio()`: the three cells composed on the run's bench and reset. */
export function cellTrioTest(options: SimTestOptions = {}) {
  return benchTest(systemTb3, options).extend<{ trio: (traffic?: Omit<TrafficOptions, 'seed'>) => Promise<CellTrio> }>({
    trio: async ({ bench, seed }, use) => {
      await use(async (t = {}) => {
        const b = bench();
        const dut: SystemTbDut = b.dut;
        b.compose(boardIdle(dut, 3, seed));
        const cells = [0, 1, 2].map((i) => b.compose(new CellEnv(b.sim as Simulator<unknown>, dut, { prefix: `c${i}`, cellId: i, host: false })));
        const traffic = new SystemTraffic(b.sim as Simulator<unknown>, dut, 3, { ...t, seed: seed ^ 0x7c1 });
        await b.reset();
        const pins = dut as unknown as Record<string, SignalHandle<bigint>>;
        return {
          cells,
          traffic,
          up: async (cycles = 50_000) => {
            for (const c of cells) await c.poll('ctrl', 'LINK', (v) => (v & 1) === 1, cycles, 256);
          },
          ber: (ber) => {
            for (let i = 0; i < 3; i++) for (const d of ['up', 'dn']) pins[`c${i}_${d}_ber_i`]!.value = berRate(ber);
          },
        };
      });
    },
  });
}
