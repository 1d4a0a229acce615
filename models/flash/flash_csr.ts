/**
 * The CSR face of rtl/flash/spi_flash_ctrl at transaction level: the generated register block
 * (models/flash/spi_flash_pkg.ts) with the logic behind its strobes: TX and RX FIFOs of little-endian
 * words, CMD running one {@link SpiFlashCtrl} operation with ADDR and LEN, STATUS flags raised
 * on completion, CRC holding the CRC-32 of the bytes read. Operations finish at once here, so
 * STATUS.BUSY is always 0.
 */
import { RegBlockModel, type RegAccess } from '../common/regmap.js';
import { fromWords, toWords } from '../common/words.js';
import { SpiFlashCtrl } from './spi_flash_ctrl.js';
import { FLASH_CMD, FLASH_CTRL, FlashErr, FlashOp, flashRegs } from './spi_flash_pkg.js';

/** The CSR face and the engine behind it. */
export class FlashCsrModel {
  readonly regs: RegBlockModel;
  private readonly tx: number[] = [];
  private readonly rx: number[] = [];

  /** `fifoWords`: depth of each FIFO (the RTL's FifoWords). @defaultValue 64 */
  constructor(readonly ctrl: SpiFlashCtrl, readonly fifoWords = 64) {
    this.regs = new RegBlockModel(flashRegs, {
      onWrite: (reg, data) => this.onWrite(reg, data),
      onRead: (reg) => {
        if (reg === 'RXDATA') this.rx.shift();
        this.refresh();
      },
    });
    this.refresh();
  }

  /** An APB write. */
  write(offset: number, data: number): RegAccess {
    const r = this.regs.write(offset, data >>> 0);
    // The engine reads the protection window from the CSRs, whichever face starts it.
    this.ctrl.cfg.wpBase = this.regs.field('WP_BASE', 'ADDR');
    this.ctrl.cfg.wpLimit = this.regs.field('WP_LIMIT', 'ADDR');
    return r;
  }

  /** An APB read. */
  read(offset: number): RegAccess {
    return this.regs.read(offset);
  }

  private refresh(): void {
    this.regs.setHw('STATUS', 'BUSY', 0);
    this.regs.setHw('STATUS', 'TX_LEVEL', this.tx.length);
    // Words beyond the FIFO's depth wait in the engine (the RTL stalls SCLK until they fit).
    this.regs.setHw('STATUS', 'RX_LEVEL', Math.min(this.rx.length, this.fifoWords));
    this.regs.setHw('RXDATA', 'DATA', this.rx[0] ?? 0);
  }

  private onWrite(reg: string, data: number): void {
    if (reg === 'CTRL') {
      if (FLASH_CTRL.TX_CLR.get(data)) this.tx.length = 0;
      if (FLASH_CTRL.RX_CLR.get(data)) this.rx.length = 0;
    } else if (reg === 'TXDATA') {
      if (this.tx.length < this.fifoWords) this.tx.push(data >>> 0);
      else this.regs.raise('STATUS', 'TX_OVERFLOW');
    } else if (reg === 'CMD') {
      this.command(FLASH_CMD.OP.get(data));
    }
    this.refresh();
  }

  private command(op: FlashOp): void {
    const addr = this.regs.field('ADDR', 'ADDR');
    const len = this.regs.field('LEN', 'LEN');
    let data: Uint8Array | undefined;
    if (op === FlashOp.Program) {
      // LEN bytes from the TX FIFO, the unused rest of the last word dropped.
      const words = Math.ceil(len / 4);
      if (this.tx.length < words) {
        // Refused like a CMD while busy: it would wait for data nobody sends.
        this.regs.raise('STATUS', 'ERR_COMMAND');
        return;
      }
      data = fromWords(this.tx.splice(0, words), len);
    }
    const r = this.ctrl.execute({ op, addr, len, ...(data ? { data } : {}) });
    this.rx.push(...toWords(r.data));
    this.regs.setHw('CRC', 'VALUE', r.crc);
    this.regs.raise('STATUS', 'DONE');
    if (r.err === FlashErr.Protect) this.regs.raise('STATUS', 'ERR_PROTECT');
    if (r.err === FlashErr.Timeout) this.regs.raise('STATUS', 'ERR_TIMEOUT');
    if (r.err === FlashErr.Command) this.regs.raise('STATUS', 'ERR_COMMAND');
  }
}
