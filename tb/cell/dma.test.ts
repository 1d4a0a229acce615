// The firmware DMA end to end on two cells: an image from cell 0's flash into cell 1's.
import { describe, expect } from 'vitest';
import { FW_DMA_RX_STATUS, FW_DMA_TX_STATUS } from '../../models/cell/fw_dma_pkg.js';
import { ImageStatus } from '../../models/cell/image_check_pkg.js';
import { buildImage, patternBody } from '../../models/image.js';
import { hexDiff } from '../flash/env.js';
import { cellTest } from './env.js';

const test = cellTest({ simTimeout: [100, 'ms'] });

describe('fw_dma', () => {
  test('an image cell 0 -> cell 1, byte-exact in flash', async ({ pair }) => {
    const { c0, c1, up } = await pair();
    await up();
    const image = buildImage(3, patternBody(6000, 5));
    await c0.load(0, image);
    await c1.eraseExtent(image.length);
    await c1.enableVc1();
    await c1.arm(0, image.length);
    await c0.enableVc1();
    await c0.go(1 << 1, image.length);
    await c1.poll('dma', 'RX_STATUS', (v) => FW_DMA_RX_STATUS.DONE.get(v) === 1, 2_000_000, 2048);
    expect(FW_DMA_TX_STATUS.DONE.get(await c0.read('dma', 'TX_STATUS'))).toBe(1);
    expect(await c1.read('dma', 'RX_WRITTEN')).toBe(image.length);
    expect(hexDiff(await c1.flash(0, image.length), image)).toBe('');
    expect(ImageStatus[await c1.check()]).toBe('Valid');
    await c0.finish();
    await c1.finish();
  });
});
