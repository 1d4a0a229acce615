/**
 * The image checker of rtl/cell (image_check_desc.json) at register level: START reads the
 * header through the flash stream face, judges it with models/image.ts's rule, then runs the
 * flash CRC unit over the body (the body never leaves the flash block) and reports.
 */
import { RegBlockModel, type RegAccess } from '../common/regmap.js';
import { FlashErr, FlashOp } from '../flash/spi_flash_pkg.js';
import { judgeHeader } from '../image.js';
import type { FlashArbiter } from './flash_arbiter.js';
import { IMAGE_CHECK_CTRL, IMAGE_HEADER_BYTES, ImageStatus, image_checkRegs } from './image_check_pkg.js';

/** The checker of one cell; `done` runs when a check finishes (IRQ_STATUS.CHECK_DONE). */
export class ImageCheckerModel {
  readonly regs = new RegBlockModel(image_checkRegs, { onWrite: (_r, d) => IMAGE_CHECK_CTRL.START.get(d) && this.#start() });
  #busy = false;
  /** Checks finished since reset, by result (coverage and tests). */
  readonly results: ImageStatus[] = [];

  constructor(private readonly flash: FlashArbiter, private readonly regionBytes: number, private readonly done: () => void) {
    this.regs.setHw('REGION', 'BYTES', regionBytes);
  }

  write(offset: number, data: number): RegAccess {
    return this.regs.write(offset, data);
  }

  read(offset: number): RegAccess {
    return this.regs.read(offset);
  }

  /** A check is running (the firmware defers its periodic check while a transfer touches the flash; this one never overlaps itself). */
  get busy(): boolean {
    return this.#busy;
  }

  #start(): void {
    if (this.#busy) return;
    this.#busy = true;
    this.regs.setHw('STATUS', 'BUSY', 1);
    this.flash.submit('check', { op: FlashOp.Read, addr: 0, len: IMAGE_HEADER_BYTES }, (h) => {
      const v = judgeHeader(h.data, this.regionBytes);
      if (h.err !== FlashErr.None || v.status !== ImageStatus.Valid) return this.#finish(h.err === FlashErr.None ? v.status : ImageStatus.CorruptHeader, 0, 0, 0, 0);
      const { fwVersion, bodyLen, bodyCrc32 } = v.info;
      this.flash.submit('check', { op: FlashOp.Crc, addr: IMAGE_HEADER_BYTES, len: bodyLen }, (b) => {
        const crc = bodyLen ? b.crc : 0;
        this.#finish(b.err === FlashErr.None && crc === bodyCrc32 ? ImageStatus.Valid : ImageStatus.CorruptBody, fwVersion, bodyLen, bodyCrc32, crc);
      });
    });
  }

  #finish(status: ImageStatus, version: number, len: number, crc: number, crcRead: number): void {
    this.#busy = false;
    this.results.push(status);
    this.regs.setHw('STATUS', 'BUSY', 0);
    this.regs.setHw('STATUS', 'RESULT', status);
    this.regs.setHw('FW_VERSION', 'VALUE', version);
    this.regs.setHw('BODY_LEN', 'VALUE', len);
    this.regs.setHw('BODY_CRC', 'VALUE', crc);
    this.regs.setHw('CRC_READ', 'VALUE', crcRead);
    this.regs.raise('STATUS', 'DONE');
    this.done();
  }
}
