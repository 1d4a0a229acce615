/**
 * A discrete-event model of N cells (DESIGN.md section 1): each cell's registers
 * (models/cell/), its flash part, its management firmware (models/mgmt/, unchanged), the shared
 * management line ({@link MgmtBus}) and the HSI ({@link HsiFabric}), all in clock cycles, with
 * faults as events (resets, power losses, lane cuts and errors, line noise, a cell that stops,
 * a faulty sender). A run is a pure function of its options and seed. Passive observers — the
 * line's deframer ({@link BusMonitor}) and the crossbar's frame log — are what tests assert on.
 */
import { CellModel } from '../cell/cell.js';
import { BENCH_FLASH_TIMING, type FlashTiming } from '../cell/flash_timing.js';
import { EventQueue } from '../cell/scheduler.js';
import { modelPort } from '../common/reg_port.js';
import { Rng } from '../common/rng.js';
import { SpiNor } from '../flash/spi_nor.js';
import { checkImage, type ImageCheck } from '../image.js';
import { firmwareConfig, type FirmwareConfig } from '../mgmt/config.js';
import { Firmware } from '../mgmt/firmware.js';
import type { Platform } from '../mgmt/platform.js';
import { charCycles } from '../uart/line.js';
import { BusMonitor } from './bus_monitor.js';
import { HsiFabric } from './hsi_fabric.js';
import { MgmtBus } from './mgmt_bus.js';

/** A fault at a cycle. */
export type Fault =
  | { readonly kind: 'reset'; readonly cell: number; readonly at: number }
  | { readonly kind: 'power'; readonly cell: number; readonly at: number }
  | { readonly kind: 'stop'; readonly cell: number; readonly at: number; readonly until?: number }
  | { readonly kind: 'cut'; readonly cell: number; readonly at: number; readonly until?: number }
  | { readonly kind: 'hsi-errors'; readonly cell: number; readonly at: number; readonly until: number; readonly rate: number }
  | { readonly kind: 'noise'; readonly at: number; readonly until: number; readonly rate: number };

/** How a fleet is built. */
export interface FleetOptions {
  /** Each cell's flash content at offset 0 (undefined: erased). Its length is the number of cells. */
  readonly images: readonly (Uint8Array | undefined)[];
  readonly seed: number;
  /** @defaultValue the flash bench's part */
  readonly timing?: FlashTiming;
  /** @defaultValue 1 */
  readonly uartDiv?: number;
  /** @defaultValue 0 */
  readonly flashDiv?: number;
  /** ImageRegionBytes. @defaultValue 256 KiB */
  readonly regionBytes?: number;
  /** @defaultValue 512 KiB */
  readonly partBytes?: number;
  /** Firmware settings beside the derived ones. */
  readonly config?: Partial<FirmwareConfig>;
  readonly faults?: readonly Fault[];
  /** Cells whose DMA sends wrong image bytes (a faulty peer). */
  readonly faultySenders?: readonly number[];
}

/** Events a {@link Fleet.run} handles between two turns of the host's event loop (a few tens of milliseconds). */
const EVENTS_PER_YIELD = 2048;

/** A firmware that threw: the fleet stops with its message. */
export class FirmwareCrash extends Error {
  override name = 'FirmwareCrash';
}

/** One cell's incarnation: its registers, its platform, its firmware. */
interface Incarnation {
  readonly cell: CellModel;
  fw?: Firmware;
  waiter: (() => void) | undefined;
  /** False once the cell went off: its firmware and its scheduled events no longer act. */
  readonly life: { alive: boolean };
}

/** The fleet. */
export class Fleet {
  readonly q = new EventQueue();
  readonly chips: SpiNor[];
  readonly bus: MgmtBus;
  readonly monitor = new BusMonitor();
  readonly hsi: HsiFabric;
  readonly config: FirmwareConfig;
  readonly #cells: (Incarnation | undefined)[];
  readonly #rng: Rng;
  #running = 0;
  #settled: (() => void) | undefined;
  #crash: unknown;
  /** Cycle of the last fault event (the property's bound counts from it). */
  lastFault = 0;

  constructor(readonly options: FleetOptions) {
    const n = options.images.length;
    this.#rng = new Rng(options.seed ^ 0x5eed);
    this.config = { ...firmwareConfig({ seed: options.seed, uartDiv: options.uartDiv, flashDiv: options.flashDiv, timing: options.timing, maxImageBytes: this.regionBytes }), ...options.config };
    this.chips = options.images.map((img) => {
      const chip = new SpiNor({ sizeBytes: options.partBytes ?? 1 << 19 });
      if (img) chip.load(img);
      return chip;
    });
    this.#cells = new Array(n).fill(undefined);
    this.hsi = new HsiFabric(this.q, n, {
      receive: (dst) => {
        const inc = this.#cells[dst];
        return inc ? (src, payload, free) => inc.cell.dma.receive(src, payload, free) : undefined;
      },
      setLink: (cell, up) => this.#cells[cell]?.cell.setLink(up),
    }, options.seed);
    for (const c of options.faultySenders ?? []) this.hsi.faulty.add(c);
    this.bus = new MgmtBus(this.q, n, (i) => this.#cells[i]?.cell.uart, charCycles(this.config.uart), (ch, t) => this.monitor.char(ch, t), (i) => this.#changed(i));
    for (let i = 0; i < n; i++) this.#boot(i);
    for (const f of options.faults ?? []) this.inject(f);
  }

  get cells(): number {
    return this.chips.length;
  }

  get regionBytes(): number {
    return this.options.regionBytes ?? 1 << 18;
  }

  /** The cell's registers now (undefined while it is off). */
  cell(i: number): CellModel | undefined {
    return this.#cells[i]?.cell;
  }

  /** Cell `i`'s firmware now (undefined while it is off): for its own counters, never for a claim's proof. */
  firmware(i: number): Firmware | undefined {
    return this.#cells[i]?.fw;
  }

  /** What the checker's rule says of cell `i`'s flash now (a bulk read of the part). */
  image(i: number): ImageCheck {
    return checkImage(this.chips[i]!.mem.subarray(0, this.regionBytes), this.regionBytes);
  }

  #boot(i: number): void {
    this.bus.sync();
    const life = { alive: true };
    const cell = new CellModel({ index: i, chip: this.chips[i]!, sched: this.q, link: this.hsi.linkOf(i, () => life.alive), restartLink: () => this.hsi.restart(i), timing: this.options.timing ?? BENCH_FLASH_TIMING, regionBytes: this.regionBytes });
    const inc: Incarnation = { cell, waiter: undefined, life };
    inc.cell.setLink(this.hsi.isUp(i));
    inc.cell.onChange = () => this.#changed(i);
    this.#cells[i] = inc;
    // The line is brought up to date before the firmware sees any register (models/fleet/mgmt_bus.ts).
    const regs = { read: (a: number) => (this.bus.sync(), cell.read(a)), write: (a: number, d: number) => (this.bus.sync(), cell.write(a, d)) };
    const port = modelPort(regs, () => BigInt(this.q.now()));
    const platform: Platform = {
      regs: port,
      now: () => this.q.now(),
      // The accesses run at the wake's cycle, as the RTL's APB master runs them right after its wait.
      waitInterrupt: async (timeout, then) => {
        const irq = await this.#wait(inc, timeout);
        return { irq, regs: then.length ? await port.batch(then) : [] };
      },
    };
    const fw = new Firmware(platform, { ...this.config, seed: (this.config.seed * 31 + i * 0x9e37) >>> 0 });
    inc.fw = fw;
    this.#running++;
    fw.run().catch((e: unknown) => {
      if (!inc.life.alive) return;
      this.#crash ??= new FirmwareCrash(`cell ${i}'s firmware threw at cycle ${this.q.now()}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      this.#park();
    });
  }

  #changed(i: number): void {
    const inc = this.#cells[i];
    this.bus.touch();
    if (!inc?.waiter) return;
    this.bus.sync();
    if (inc.cell.irq()) inc.waiter();
  }

  /** The firmware parks until its cell's interrupt (one cycle of latency) or the timeout. */
  #wait(inc: Incarnation, timeout: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let done = false;
      let cancelTimer = (): void => {};
      const wake = (irq: boolean): void => {
        if (done || !inc.life.alive) return;
        done = true;
        inc.waiter = undefined;
        cancelTimer();
        this.#running++;
        resolve(irq);
      };
      const soon = (): void => {
        inc.waiter = undefined;
        this.q.at(this.q.now() + 1, () => wake(true));
      };
      this.bus.sync();
      if (inc.cell.irq()) soon();
      else {
        inc.waiter = soon;
        cancelTimer = this.q.at(this.q.now() + timeout, () => wake(false));
      }
      this.#park();
    });
  }

  #park(): void {
    this.#running--;
    if (this.#running === 0) this.#settled?.();
  }

  /** Lets every firmware run until it waits again. */
  async #settle(): Promise<void> {
    while (this.#running > 0) await new Promise<void>((r) => (this.#settled = r));
    this.#settled = undefined;
    if (this.#crash) throw this.#crash;
    // The firmware waits: the line plans its next wake-up from what the registers now hold, and
    // the tap has every character that ended by now (the observers are current when done() asks).
    this.bus.sync();
    this.bus.update();
  }

  /**
   * Runs until `done()` holds (checked after each event) or cycle `limit`; returns the cycle reached.
   * Every {@link EVENTS_PER_YIELD} events it lets the host's event loop run (the firmwares all
   * wait then, so the run is the same), or a long run would starve the host's I/O: a vitest
   * worker's RPC times out.
   */
  async run(limit: number, done: () => boolean = () => false): Promise<number> {
    await this.#settle();
    for (let events = 1; ; events++) {
      const next = this.q.peek();
      if (next === undefined || next > limit) return this.q.now();
      this.q.step();
      await this.#settle();
      if (done()) return this.q.now();
      if (events % EVENTS_PER_YIELD === 0) await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Schedules a fault (at or after now). */
  inject(f: Fault): void {
    this.q.at(f.at, () => {
      this.lastFault = Math.max(this.lastFault, this.q.now());
      switch (f.kind) {
        case 'reset':
        case 'power':
          this.#down(f.cell, f.kind === 'power');
          this.#boot(f.cell);
          return;
        case 'stop':
          this.#down(f.cell, false);
          if (f.until !== undefined) this.q.at(f.until, () => {
            this.lastFault = Math.max(this.lastFault, this.q.now());
            this.#boot(f.cell);
          });
          return;
        case 'cut':
          this.hsi.cut(f.cell);
          if (f.until !== undefined) this.q.at(f.until, () => {
            this.lastFault = Math.max(this.lastFault, this.q.now());
            this.hsi.restore(f.cell);
          });
          return;
        case 'hsi-errors':
          this.hsi.errorRate[f.cell] = f.rate;
          this.q.at(f.until, () => {
            this.lastFault = Math.max(this.lastFault, this.q.now());
            this.hsi.errorRate[f.cell] = 0;
          });
          return;
        case 'noise':
          this.bus.noise = (ch) => (this.#rng.next() / 2 ** 32 < f.rate ? ch ^ (1 << this.#rng.below(8)) : ch);
          this.q.at(f.until, () => {
            this.lastFault = Math.max(this.lastFault, this.q.now());
            this.bus.noise = (ch) => ch;
          });
          return;
      }
    });
  }

  /** Cell `i` goes off: its firmware stops where it waits, a write in progress finishes (reset) or is cut (power). */
  #down(i: number, power: boolean): void {
    const inc = this.#cells[i];
    if (!inc) return;
    this.bus.sync();
    inc.life.alive = false;
    inc.waiter = undefined;
    if (power) inc.cell.flash.powerLoss(() => this.#rng.next() & 0xff);
    else inc.cell.flash.reset();
    this.#cells[i] = undefined;
    this.hsi.resetCell(i);
  }
}
