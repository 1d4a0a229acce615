/**
 * One cell at register level (rtl/cell/README.md): the APB decoder's six windows, the UART
 * (models/uart, its line side driven by whoever models the management bus), the flash controller
 * with time ({@link FlashArbiter}), the firmware DMA, the image checker and cell control, and the
 * interrupt. The HSI link itself is not modelled here: the DMA speaks to a {@link FirmwareLink}
 * (the fleet's frame model) and the link's state comes in through {@link CellModel.setLink}; its
 * window holds the link's CSRs, of which CTRL.RESTART acts (the way out of Down). The flash part ({@link SpiNor}) outlives resets and power losses.
 */
import { RegBlockModel, type RegAccess } from '../common/regmap.js';
import type { RegTarget } from '../common/reg_port.js';
import { FLASH_OFFSET } from '../flash/spi_flash_pkg.js';
import { HSI_CTRL, hsiRegs } from '../hsi/hsi_pkg.js';
import type { SpiNor } from '../flash/spi_nor.js';
import { UartModel } from '../uart/uart.js';
import { CellWindow, IMAGE_REGION_BYTES, UART_FIFO_DEPTH, WINDOW_BYTES } from './cell_pkg.js';
import { CELL_CTRL_OFFSET, cell_ctrlRegs } from './cell_ctrl_pkg.js';
import { BENCH_FLASH_TIMING, type FlashTiming } from './flash_timing.js';
import { FlashArbiter } from './flash_arbiter.js';
import { FwDmaModel, type FirmwareLink } from './fw_dma.js';
import { ImageCheckerModel } from './image_checker.js';
import type { Scheduler } from './scheduler.js';

/** How a cell is built. */
export interface CellOptions {
  /** The cell's index (CELL_ID; EID 10h + index). */
  readonly index: number;
  readonly chip: SpiNor;
  readonly sched: Scheduler;
  readonly link: FirmwareLink;
  /** @defaultValue the flash bench's part */
  readonly timing?: FlashTiming;
  /** ImageRegionBytes. @defaultValue IMAGE_REGION_BYTES */
  readonly regionBytes?: number;
  /** UART FIFO depth. @defaultValue UART_FIFO_DEPTH */
  readonly uartDepth?: number;
  /** The MP wrote the HSI link's CTRL.RESTART (the way out of a sticky Down). @defaultValue nothing */
  readonly restartLink?: () => void;
}

/** The IRQ_STATUS events a block raises. */
type CellEvent = 'DMA_TX_DONE' | 'DMA_RX_DONE' | 'DMA_ERROR' | 'CHECK_DONE' | 'LINK_DOWN' | 'LINK_UP';

/** A cell's registers and what is behind them. */
export class CellModel implements RegTarget {
  readonly uart: UartModel;
  readonly flash: FlashArbiter;
  readonly dma: FwDmaModel;
  readonly checker: ImageCheckerModel;
  readonly ctrl = new RegBlockModel(cell_ctrlRegs, {});
  /** The HSI link's CSRs: CTRL acts (RESTART), the counters and state stay at their reset values (the fleet's link is frame-level). */
  readonly hsi: RegBlockModel;
  readonly regionBytes: number;
  /** Runs after anything that may change the interrupt or the UART's TX side. */
  onChange: () => void = () => {};
  #linkUp = true;
  #linkDown = false;

  constructor(readonly options: CellOptions) {
    this.regionBytes = options.regionBytes ?? IMAGE_REGION_BYTES;
    this.hsi = new RegBlockModel(hsiRegs, { onWrite: (reg, data) => reg === 'CTRL' && HSI_CTRL.RESTART.get(data) && options.restartLink?.() });
    const changed = (): void => this.onChange();
    this.uart = new UartModel(options.uartDepth ?? UART_FIFO_DEPTH);
    this.flash = new FlashArbiter(options.chip, options.sched, options.timing ?? BENCH_FLASH_TIMING, changed);
    // The write-protect window covers the management code above the image region from reset.
    this.flash.csr.write(FLASH_OFFSET.WP_BASE, this.regionBytes);
    const raise = (e: CellEvent): void => {
      this.ctrl.raise('IRQ_STATUS', e);
      changed();
    };
    this.dma = new FwDmaModel(this.flash, options.link, this.regionBytes, {
      txDone: () => raise('DMA_TX_DONE'),
      rxDone: () => raise('DMA_RX_DONE'),
      error: () => raise('DMA_ERROR'),
      vc1Enabled: () => this.ctrl.field('PATH_EN', 'VC1') === 1 && this.#linkUp,
    });
    this.checker = new ImageCheckerModel(this.flash, this.regionBytes, () => raise('CHECK_DONE'));
    this.ctrl.setHw('CELL_ID', 'ID', options.index);
    this.#refresh();
  }

  get index(): number {
    return this.options.index;
  }

  /** An APB write at a 12-bit address. */
  write(addr: number, data: number): RegAccess {
    const off = addr % WINDOW_BYTES;
    let r: RegAccess;
    switch (Math.floor(addr / WINDOW_BYTES) as CellWindow) {
      case CellWindow.Uart: r = this.uart.write(off, data); break;
      case CellWindow.Flash: r = this.flash.write(off, data); break;
      case CellWindow.FwDma: r = this.dma.write(off, data); break;
      case CellWindow.ImageCheck: r = this.checker.write(off, data); break;
      case CellWindow.Hsi: r = this.hsi.write(off, data); break;
      case CellWindow.CellCtrl:
        r = this.ctrl.write(off, data);
        this.dma.kick();
        break;
      default: return { data: 0, slverr: true };
    }
    this.onChange();
    return r;
  }

  /** An APB read at a 12-bit address. */
  read(addr: number): RegAccess {
    const off = addr % WINDOW_BYTES;
    switch (Math.floor(addr / WINDOW_BYTES) as CellWindow) {
      case CellWindow.Uart: {
        const r = this.uart.read(off);
        this.onChange();
        return r;
      }
      case CellWindow.Flash: return this.flash.read(off);
      case CellWindow.FwDma: return this.dma.read(off);
      case CellWindow.ImageCheck: return this.checker.read(off);
      case CellWindow.Hsi: return this.hsi.read(off);
      case CellWindow.CellCtrl:
        this.#refresh();
        return this.ctrl.read(off);
      default: return { data: 0, slverr: true };
    }
  }

  /** irq_o: IRQ_STATUS & IRQ_ENABLE. */
  irq(): boolean {
    this.#refresh();
    const s = this.ctrl.read(CELL_CTRL_OFFSET.IRQ_STATUS).data;
    const e = this.ctrl.read(CELL_CTRL_OFFSET.IRQ_ENABLE).data;
    return (s & e) !== 0;
  }

  /** The HSI link came up or reported down (the fleet's link model). */
  setLink(up: boolean): void {
    if (up === this.#linkUp) return;
    this.#linkUp = up;
    this.#linkDown = !up;
    this.ctrl.raise('IRQ_STATUS', up ? 'LINK_UP' : 'LINK_DOWN');
    this.dma.kick();
    this.onChange();
  }

  get linkUp(): boolean {
    return this.#linkUp;
  }

  #refresh(): void {
    this.ctrl.setHw('LINK', 'UP', this.#linkUp ? 1 : 0);
    this.ctrl.setHw('LINK', 'DOWN', this.#linkDown ? 1 : 0);
    this.ctrl.setHw('IRQ_STATUS', 'UART', this.uart.irq() ? 1 : 0);
    this.ctrl.setHw('IRQ_STATUS', 'FLASH', this.flash.irq() ? 1 : 0);
  }
}
