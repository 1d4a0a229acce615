// models/cell/ at register level, without the firmware: the image checker against
// models/image.ts, the DMA receiver's refusals (counted, never written) and idempotent repeats,
// the sender's one-read-many-destinations order, and the arbiter's times (the bound's terms).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seededTest } from '../../bridge/src/vitest.js';
import { CellModel } from '../../models/cell/cell.js';
import { CellWindow } from '../../models/cell/cell_pkg.js';
import { flashOpCycles } from '../../models/cell/flash_timing.js';
import { firmwareFrame } from '../../models/cell/fw_dma.js';
import { FW_DMA_CTRL, FW_DMA_OFFSET as DMA } from '../../models/cell/fw_dma_pkg.js';
import { IMAGE_CHECK_OFFSET as CHK, IMAGE_CHECK_STATUS } from '../../models/cell/image_check_pkg.js';
import { CELL_CTRL_OFFSET as CTRL } from '../../models/cell/cell_ctrl_pkg.js';
import { EventQueue } from '../../models/cell/scheduler.js';
import { FLASH_OFFSET, FlashOp } from '../../models/flash/spi_flash_pkg.js';
import { SpiNor } from '../../models/flash/spi_nor.js';
import { buildImage, checkImage, ImageStatus, patternBody, variant, type ImageVariant } from '../../models/image.js';

const TIMING = { tPP: 2000, tSE: 10000, tBE: 40000 };
const REGION = 1 << 16;
const at = (w: CellWindow, off: number): number => w * 256 + off;

function cell(index = 1, sent: { dst: number; payload: Uint8Array; t: number }[] = []) {
  const q = new EventQueue();
  const chip = new SpiNor({ sizeBytes: 1 << 17 });
  const c = new CellModel({ index, chip, sched: q, timing: TIMING, regionBytes: REGION, link: { send: (dst, payload, accepted) => { sent.push({ dst, payload, t: q.now() }); q.at(q.now() + 10, accepted); return () => {}; } } });
  const run = (): void => { while (q.step()); };
  return { q, chip, c, run, sent };
}

describe('image checker', () => {
  seededTest('reports what models/image.ts says, for every variant and random sizes', ({ seed }) => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8192 }), fc.constantFrom<ImageVariant>('valid', 'missing', 'corrupt-header', 'corrupt-body', 'outdated'), fc.nat(), (len, v, k) => {
      const { chip, c, run } = cell();
      const img = variant(buildImage(5, patternBody(len, k)), v, k);
      chip.load(img);
      c.write(at(CellWindow.ImageCheck, CHK.CTRL), 1);
      run();
      const want = checkImage(chip.mem.subarray(0, REGION), REGION);
      const st = c.read(at(CellWindow.ImageCheck, CHK.STATUS)).data;
      expect(IMAGE_CHECK_STATUS.DONE.get(st)).toBe(1);
      expect(ImageStatus[IMAGE_CHECK_STATUS.RESULT.get(st)]).toBe(ImageStatus[want.status]);
      expect(c.read(at(CellWindow.ImageCheck, CHK.FW_VERSION)).data).toBe(want.info?.fwVersion ?? 0);
      expect(c.read(at(CellWindow.ImageCheck, CHK.BODY_CRC)).data).toBe(want.info?.bodyCrc32 ?? 0);
    }), { seed, numRuns: 100 });
  });

  test('a check takes one read of header and body (the bound of issue 14)', () => {
    const { q, chip, c, run } = cell();
    chip.load(buildImage(1, patternBody(4000, 1)));
    c.write(at(CellWindow.Flash, FLASH_OFFSET.CTRL), 0);
    c.write(at(CellWindow.ImageCheck, CHK.CTRL), 1);
    run();
    expect(q.now()).toBe(flashOpCycles(TIMING, 0, FlashOp.Read, 0, 24) + flashOpCycles(TIMING, 0, FlashOp.Crc, 24, 4000));
  });
});

describe('firmware DMA receiver', () => {
  test('refuses (and counts) frames not armed, from another source, off a boundary, outside the region, past the next offset; takes repeats', () => {
    const { chip, c, run } = cell();
    const frames: [number, number][] = [];
    const send = (src: number, offset: number, bytes = patternBody(512, offset)): void => {
      c.dma.receive(src, firmwareFrame(offset, bytes), () => frames.push([src, offset]));
      run();
    };
    const refused = (): number => c.read(at(CellWindow.FwDma, DMA.RX_REFUSED)).data;
    send(0, 0);
    expect(refused(), 'not armed').toBe(1);
    c.write(at(CellWindow.CellCtrl, CTRL.PATH_EN), 3);
    c.write(at(CellWindow.FwDma, DMA.RX_SRC), 0);
    c.write(at(CellWindow.FwDma, DMA.RX_LEN), 2048);
    c.write(at(CellWindow.FwDma, DMA.CTRL), FW_DMA_CTRL.RX_ARM.mask);
    send(2, 0);
    send(0, 256);
    send(0, REGION);
    send(0, 1024);
    expect(refused(), 'source, boundary, region, gap').toBe(5);
    expect(chip.mem.subarray(0, 4096).every((b) => b === 0xff), 'nothing written').toBe(true);
    send(0, 0);
    send(0, 0);
    send(0, 512);
    expect(c.read(at(CellWindow.FwDma, DMA.RX_WRITTEN)).data).toBe(1024);
    expect(c.dma.frames.repeated).toBe(1);
    expect(Buffer.from(chip.mem.subarray(0, 512))).toEqual(Buffer.from(patternBody(512, 0)));
    expect(frames.length, 'every frame returned its credit').toBe(8);
  });
});

describe('firmware DMA sender', () => {
  test('each frame goes to every destination of the mask before the next; TX_PROGRESS ends at TX_LEN', () => {
    const sent: { dst: number; payload: Uint8Array; t: number }[] = [];
    const { chip, c, run } = cell(0, sent);
    const img = buildImage(1, patternBody(1300, 2));
    chip.load(img);
    c.write(at(CellWindow.CellCtrl, CTRL.PATH_EN), 3);
    c.write(at(CellWindow.FwDma, DMA.TX_MASK), 0b1010);
    c.write(at(CellWindow.FwDma, DMA.TX_LEN), img.length);
    c.write(at(CellWindow.FwDma, DMA.CTRL), FW_DMA_CTRL.TX_GO.mask);
    run();
    expect(sent.map((s) => [s.dst, new DataView(s.payload.buffer).getUint32(0, true)])).toEqual([[1, 0], [3, 0], [1, 512], [3, 512], [1, 1024], [3, 1024]]);
    expect(Buffer.concat(sent.filter((s) => s.dst === 1).map((s) => Buffer.from(s.payload.subarray(4))))).toEqual(Buffer.from(img));
    expect(c.read(at(CellWindow.FwDma, DMA.TX_PROGRESS)).data).toBe(img.length);
  });
});
