/**
 * The cellular system on the RTL (tb/system/hdl/system_tb.sv) with a management processor per
 * cell: the firmware of models/mgmt, unchanged, as a task of the test on its cell's APB port and
 * interrupt ({@link rtlPlatform}). What the tests assert comes from passive observers only: the
 * management line's deframer (a SerialSink on line_o feeding models/fleet's BusMonitor) and bulk
 * reads of the flash parts. Like every block environment it owns no clock or reset (the Bench does).
 */
import { ApbMaster, ClockCycles, MemoryHandle, SampledStream, SerialSink, SimEvent, type SignalHandle, type Simulator, type Task } from '../../bridge/src/index.js';
import type { FlashTiming } from '../../models/cell/flash_timing.js';
import { ImageStatus } from '../../models/cell/image_check_pkg.js';
import { type BusMessage, BusMonitor } from '../../models/fleet/bus_monitor.js';
import { firmwareConfig, type FirmwareConfig } from '../../models/mgmt/config.js';
import { Firmware } from '../../models/mgmt/firmware.js';
import type { Platform } from '../../models/mgmt/platform.js';
import type { BlockEnv } from '../common/bench.js';
import { serialFormat } from '../uart/serial.js';
import type { SystemTbDut } from './gen/system_tb.js';
import { rtlPlatform } from './platform.js';
import { SystemTraffic, type TrafficOptions } from './traffic.js';
import type { RxProbe } from '../cell/rx_probe.js';

/**
 * The wall-clock budget of one system test (vitest's timeout): a run takes 10-60 s alone and up to
 * three times that beside another test file on 2 vCPUs. It is no hang detector: each test's
 * simulated-time limit (simTimeout) fails a hang at a definite time.
 */
export const SYSTEM_TEST_WALL_MS = 300_000;

/** The busy times of the tests' parts (system_tb's defaults, flash_tb's short ones). */
export const SHORT_FLASH_TIMING: FlashTiming = { tPP: 600, tSE: 2000, tBE: 5000 };
/** The benches' and make sim's parts. */
export { BENCH_FLASH_TIMING } from '../../models/cell/flash_timing.js';

/** Cells a system_tb has ports for. */
export const MAX_CELLS = 16;
/** The clock: 10 ns in 1 ps steps (the tops' timescale). */
const PERIOD_STEPS = 10_000n;

/** How the system starts. */
export interface SystemEnvOptions {
  /** Each cell's flash content at offset 0 (undefined: erased); its length is the top's Cells. */
  readonly images: readonly (Uint8Array | undefined)[];
  readonly seed: number;
  /** The parts' busy times, as the top was built with them. */
  readonly timing: FlashTiming;
  /** @defaultValue 1 */
  readonly uartDiv?: number;
  /** The cells' ImageRegionBytes. @defaultValue 1 MiB */
  readonly regionBytes?: number;
  /** Firmware settings beside the derived ones (as models/fleet takes them). */
  readonly config?: Partial<FirmwareConfig>;
  /** Normal vc 0 traffic between every pair of cells from the reset on. @defaultValue none */
  readonly traffic?: Omit<TrafficOptions, 'seed'>;
}

/** An image frame a cell's DMA receiver took (fw_dma_rx: the last beat of a frame it accepted). */
export interface TakenFrame {
  /** The clock edge of its last beat. */
  readonly cycle: number;
  /** The receiver. */
  readonly cell: number;
  readonly src: number;
  readonly offset: number;
  /** Image bytes (the payload after its offset). */
  readonly bytes: number;
}

type Pins = Record<string, SignalHandle<number> | SignalHandle<bigint>>;

/**
 * `p`, whose every wait and access never resolves once `off.stopped`: the firmware stops where it
 * waits. (On an event nobody sets, so the bridge sees the task blocked, not running.)
 */
function stoppable(p: Platform, off: { readonly stopped: boolean }): Platform {
  const never = <T>(): Promise<T> => new SimEvent('the cell is off').wait() as Promise<T>;
  // A stopped cell's APB master is closed (its queued wait dropped): what was in flight fails, unseen.
  const gate = <T>(f: () => Promise<T>): Promise<T> => (off.stopped ? never<T>() : f().then(
    (r) => (off.stopped ? never<T>() : r),
    (e: unknown) => (off.stopped ? never<T>() : Promise.reject(e)),
  ));
  return {
    now: () => p.now(),
    waitInterrupt: (t, then) => gate(() => p.waitInterrupt(t, then)),
    regs: { read: (a) => gate(() => p.regs.read(a)), write: (a, d) => gate(() => p.regs.write(a, d)), batch: (ops) => gate(() => p.regs.batch(ops)) },
  };
}

/** N cells, their MPs, the line's deframer. */
export class SystemEnv implements BlockEnv {
  readonly monitor = new BusMonitor();
  readonly config: FirmwareConfig;
  readonly apb: ApbMaster[];
  /** Each cell's part, by the backdoor. */
  readonly flash: MemoryHandle<number>[];
  /** Every image frame a receiver took, in time order per cell. */
  readonly taken: TakenFrame[] = [];
  readonly traffic: SystemTraffic | undefined;
  readonly #line: SerialSink;
  /** Each cell's running MP, and the switch that stops it where it waits (a reset or a power loss). */
  readonly #mps: { readonly task: Task<unknown>; readonly off: { stopped: boolean } }[] = [];
  readonly #rx: { readonly cell: number; readonly stream: SampledStream; readonly probe: RxProbe }[];
  #observing = false;
  /** Boots of each cell after its first (their MPs' seeds differ). */
  readonly #boots = new Map<number, number>();

  constructor(readonly sim: Simulator<unknown>, readonly dut: SystemTbDut, readonly options: SystemEnvOptions) {
    const n = options.images.length;
    if (n < 2 || n > MAX_CELLS) throw new RangeError(`SystemEnv: ${n} images for ${n} cells; a system has 2..${MAX_CELLS}`);
    this.config = {
      ...firmwareConfig({ seed: options.seed, uartDiv: options.uartDiv, flashDiv: 0, timing: options.timing, maxImageBytes: options.regionBytes ?? 1 << 20 }),
      ...options.config,
    };
    const cells = Array.from({ length: n }, (_, i) => i);
    this.apb = cells.map((i) => this.#master(i));
    const blocks = dut as unknown as Record<string, { u_nor: { mem_q: MemoryHandle<number> } } | undefined>;
    this.flash = cells.map((i) => {
      const b = blocks[`g_cell[${i}]`];
      if (!b) throw new RangeError(`SystemEnv: the top has no cell ${i}: build it with Cells = ${n} (tb/system/tops.ts systemTb(${n}))`);
      return b.u_nor.mem_q;
    });
    this.#line = SerialSink.fromPrefix(dut, 'line', dut.clk_i, serialFormat(this.config.uart));
    const sys = (dut as unknown as { u_system: Record<string, { u_cell: { u_dma: { u_rx: RxProbe } } }> }).u_system;
    this.#rx = cells.map((cell) => {
      const probe = sys[`g_cell[${cell}]`]!.u_cell.u_dma.u_rx;
      // One record per frame taken, one round trip each: a frame is 512 image bytes.
      const stream = SampledStream.open(sim, { clock: dut.clk_i, signals: [probe.offset, probe.src, probe.data_len], when: { allOf: [probe.take, probe.s_axis_tlast_i, probe.ok] }, batch: 1 });
      return { cell, stream, probe };
    });
    this.traffic = options.traffic ? new SystemTraffic(sim, dut, n, { ...options.traffic, seed: options.seed ^ 0x7c0 }) : undefined;
  }

  get cells(): number {
    return this.options.images.length;
  }

  /** Cell `i`'s APB master, its interrupt the condition a wake-up waits on. */
  #master(i: number): ApbMaster {
    return ApbMaster.fromPrefix(this.dut, `c${i}_apb`, this.dut.clk_i, { condition: this.#pin(`c${i}_irq_o`) });
  }

  #pin(name: string): SignalHandle<number> {
    const p = (this.dut as unknown as Pins)[name];
    if (!p) throw new Error(`SystemEnv: system_tb has no port ${name}`);
    return p as SignalHandle<number>;
  }

  idle(): void {
    this.#pin('line_i').value = 1;
    for (let i = 0; i < MAX_CELLS; i++) {
      this.#pin(`c${i}_rst_ni`).value = 1;
      this.#pin(`c${i}_m_axis_vc0_tready_i`).value = 1;
      this.#pin(`c${i}_up_seed_i`).value = 2 * i + 1;
      this.#pin(`c${i}_dn_seed_i`).value = 2 * i + 2;
    }
  }

  /** Loads the images and starts every cell's management processor (and the observers, once). */
  async start(): Promise<void> {
    if (!this.#observing) {
      this.#observing = true;
      for (const { cell, stream, probe } of this.#rx) {
        this.sim.startSoon(async () => {
          for await (const b of stream) {
            const [off, src, len] = [b.column(probe.offset), b.column(probe.src), b.column(probe.data_len)];
            for (let k = 0; k < b.length; k++) this.taken.push({ cycle: b.cycles[k]!, cell, src: src[k]!, offset: off[k]!, bytes: len[k]! });
          }
        }, `frames taken by cell ${cell}`);
      }
      this.traffic?.start();
    }
    for (const [i, img] of this.options.images.entries()) {
      if (img) await this.flash[i]!.write(0, img);
    }
    for (let i = 0; i < this.cells; i++) this.#mps[i] = this.#boot(i);
  }

  /** A fresh MP on cell `i`, its platform switched off for good by the next {@link restartCell}. */
  #boot(i: number, generation = 0): { task: Task<unknown>; off: { stopped: boolean } } {
    const off = { stopped: false };
    const platform = stoppable(rtlPlatform(this.sim, { apb: this.apb[i]!, periodSteps: PERIOD_STEPS }), off);
    const fw = new Firmware(platform, { ...this.config, seed: (this.config.seed * 31 + i * 0x9e37 + generation * 0x51ed) >>> 0 });
    return { task: this.sim.startSoon(() => fw.run(), `MP of cell ${i}${generation ? ` (boot ${generation + 1})` : ''}`), off };
  }

  /**
   * Cell `i` goes off: its MP stops where it waits (as a processor held in reset), rst_ni goes low
   * and, with `power`, its part loses power too (a program or erase in progress is cut, leaving
   * the bytes the part model chose). It stays off until {@link startCell}.
   */
  stopCell(i: number, o: { readonly power?: boolean } = {}): void {
    this.#mps[i]!.off.stopped = true;
    // Its MP's wake-up may sit in the master's queue for a long timeout: a fresh master serves the next boot.
    this.apb[i]!.close();
    this.apb[i] = this.#master(i);
    this.#pin(`c${i}_rst_ni`).value = 0;
    if (o.power) this.#pin(`c${i}_power_loss_i`).value = 1;
  }

  /** Cell `i` comes back on: power, then rst_ni released, then a fresh MP boots from its flash as at power-on. */
  async startCell(i: number): Promise<void> {
    this.#pin(`c${i}_power_loss_i`).value = 0;
    this.#pin(`c${i}_rst_ni`).value = 1;
    await ClockCycles(this.dut.clk_i, 2);
    const g = (this.#boots.get(i) ?? 0) + 1;
    this.#boots.set(i, g);
    this.#mps[i] = this.#boot(i, g);
  }

  /**
   * Cell `i` off for `cycles` and on again. A reset shorter than the links' LockTimeout (3072
   * cycles) can leave the crossbar's port up on stale state (rtl/system/README.md), so the
   * default is a board's reset pulse, longer than that.
   */
  async restartCell(i: number, o: { readonly power?: boolean; readonly cycles?: number } = {}): Promise<void> {
    this.stopCell(i, o);
    await ClockCycles(this.dut.clk_i, o.cycles ?? 10_000);
    await this.startCell(i);
  }

  /** Runs, looking at the line every `step` cycles, until `done` holds (true) or `limit` cycles (false). */
  async runUntil(done: () => boolean, limit: number, step = 20_000): Promise<boolean> {
    for (;;) {
      await this.observe();
      if (done()) return true;
      if (Number(this.sim.now / PERIOD_STEPS) >= limit) return false;
      await ClockCycles(this.dut.clk_i, step);
    }
  }

  /** Feeds the deframer every character the line has carried so far (no round trip). */
  async observe(): Promise<readonly BusMessage[]> {
    while (this.#line.pending > 0) {
      const c = await this.#line.recv();
      this.monitor.char(c.value, c.cycle);
    }
    return this.monitor.messages;
  }

  /**
   * Runs until every cell of `cells` announced `version` valid on the line after cycle `after`,
   * looking every `step` cycles; returns the cycle of the last such ANNOUNCE, or undefined at `limit`.
   */
  async runUntilAnnounced(cells: readonly number[], version: number, limit: number, after = 0, step = 100_000): Promise<number | undefined> {
    const left = new Set(cells);
    let seen = 0;
    let last: number | undefined;
    for (;;) {
      const ms = await this.observe();
      for (; seen < ms.length; seen++) {
        const m = ms[seen]!;
        if (m.name === 'Announce' && m.time > after && m.fields.status === ImageStatus.Valid && m.fields.fw_version === version && left.delete(m.src)) last = m.time;
      }
      if (left.size === 0) return last;
      if (Number(this.sim.now / PERIOD_STEPS) >= limit) return undefined;
      await ClockCycles(this.dut.clk_i, step);
    }
  }

  /** Cell `i`'s part from offset 0, `len` bytes. */
  async read(i: number, len: number): Promise<Uint8Array> {
    return Uint8Array.from(await this.flash[i]!.read(0, len) as ArrayLike<number>);
  }

  async finish(): Promise<void> {}
}
