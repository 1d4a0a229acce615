// The firmware DMA end to end on real cells, a test playing both management processors: an image
// from cell 0's flash into cell 1's (with vc 0 traffic both ways, back-pressure and bit errors),
// the receiver's refusals, repeated and partial frames, a link that goes down mid-transfer and a
// send resumed where the receiver stands, every interrupt source, power loss at a random cycle of
// a receive, and one send to two cells at once through the crossbar. The cell's coverage
// (cellCoverage) is all hit by the end of the file.
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test as plain } from 'vitest';
import { ClockCycles, simProperty, type Simulator } from '../../bridge/src/index.js';
import { REPLAY_FOR_WAVES, wavePath } from '../../bridge/src/vitest.js';
import { CellWindow } from '../../models/cell/cell_pkg.js';
import { FW_DMA_CTRL, FW_DMA_RX_STATUS, FW_DMA_TX_STATUS } from '../../models/cell/fw_dma_pkg.js';
import { ImageStatus } from '../../models/cell/image_check_pkg.js';
import { Rng } from '../../models/common/rng.js';
import { csrOperation } from '../../models/flash/flash_driver.js';
import { FlashOp } from '../../models/flash/spi_flash_pkg.js';
import { HSI_CTRL, HSI_OFFSET } from '../../models/hsi/hsi_pkg.js';
import { buildImage, checkImage, patternBody } from '../../models/image.js';
import { UART_IE, UART_OFFSET } from '../../models/uart/uart_pkg.js';
import { hexDiff } from '../flash/env.js';
import { type CellEnv, cellCoverage, cellTest, cellTrioTest, REGION_BYTES } from './env.js';

const test = cellTest({ simTimeout: [100, 'ms'] });
const trioTest = cellTrioTest({ simTimeout: [100, 'ms'] });
const WALL_MS = 120_000;

const ERASED = (n: number): Uint8Array => new Uint8Array(n).fill(0xff);

/** `n` vc 0 frames from `from` to its peer, random sizes and contents, queued at once. */
function traffic(from: CellEnv, to: number, rng: Rng, n: number): Promise<void>[] {
  return Array.from({ length: n }, () => {
    const data = Uint8Array.from({ length: 8 + rng.below(1017) }, () => rng.below(256));
    return from.send({ data, dst: to });
  });
}

/** The receiver of `c` done, its sender `s` done, the image byte-exact and checked valid. */
async function received(s: CellEnv, c: CellEnv, image: Uint8Array): Promise<void> {
  await c.poll('dma', 'RX_STATUS', (v) => FW_DMA_RX_STATUS.DONE.get(v) === 1, 4_000_000, 2048);
  await s.poll('dma', 'TX_STATUS', (v) => FW_DMA_TX_STATUS.DONE.get(v) === 1, 200_000, 512);
  expect(await c.read('dma', 'RX_WRITTEN')).toBe(image.length);
  expect(hexDiff(await c.flash(0, image.length), image), `${c.options.prefix}'s image`).toBe('');
  expect(ImageStatus[await c.check()]).toBe('Valid');
}

afterAll(() => cellCoverage.save());

describe('fw_dma', REPLAY_FOR_WAVES, () => {
  test('an image cell 0 -> cell 1, byte-exact in flash, with vc 0 traffic both ways, back-pressure and bit errors', async ({ pair, seed }) => {
    const rng = new Rng(seed);
    const { c0, c1, ab, ba, up } = await pair({ c0: { sinkThrottle: { probability: 0.7, seed } }, c1: { sinkThrottle: { probability: 0.5, seed: seed + 1 } } });
    await up();
    ab.faults({ ber: 1e-5 });
    ba.faults({ ber: 1e-5 });
    const image = buildImage(3, patternBody(6000, 5));
    await c0.load(0, image);
    await c1.eraseExtent(image.length);
    await c1.enableVc1();
    await c1.arm(0, image.length);
    await c0.enableVc1();
    await c0.enableIrq('DMA_TX_DONE');
    await c1.enableIrq('DMA_RX_DONE');
    const sent = [...traffic(c0, 1, rng, 12), ...traffic(c1, 0, rng, 12)];
    await c0.go(1 << 1, image.length);
    expect(await c1.waitIrq(4_000_000), 'cell 1: irq_o on DMA_RX_DONE').toBe(true);
    expect(await c1.irqSources()).toEqual(['DMA_RX_DONE']);
    expect(await c0.waitIrq(200_000), 'cell 0: irq_o on DMA_TX_DONE').toBe(true);
    expect(await c0.irqSources()).toEqual(['DMA_TX_DONE']);
    await received(c0, c1, image);
    await Promise.all(sent);
    expect(await c1.read('dma', 'RX_REFUSED')).toBe(0);
    expect(c1.judged.map((f) => f.offset)).toEqual(Array.from({ length: Math.ceil(image.length / 512) }, (_, k) => k * 512));
    expect(ab.flips + ba.flips, 'the lanes flipped bits').toBeGreaterThan(0n);
    await c0.finish();
    await c1.finish();
  }, WALL_MS);

  test('refused and counted, never written: not armed, another source, vc 1 path off, off a 512 boundary, past RX_WRITTEN, outside the image region', async ({ pair }) => {
    const { c0, c1, up } = await pair();
    await up();
    const image = buildImage(3, patternBody(2048 - 24, 9));
    const high = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) & 0xff);
    await c0.load(0, image);
    await c0.load(REGION_BYTES, high);
    await c0.enableVc1();
    await c1.enableVc1();
    let refused = 0;
    const send = async (len: number, start: number, frames: number): Promise<void> => {
      await c0.go(1 << 1, len, start);
      await c0.poll('dma', 'TX_STATUS', (v) => FW_DMA_TX_STATUS.DONE.get(v) === 1, 400_000, 512);
      await c0.write('dma', 'TX_STATUS', FW_DMA_TX_STATUS.DONE.put(1));
      refused += frames;
      await c1.poll('dma', 'RX_REFUSED', (v) => v === refused, 50_000, 256);
    };
    // Each case breaks one rule of the receiver's and keeps every other.
    await send(image.length, 0, 4);                   // not armed
    await c1.arm(5, image.length);
    await send(image.length, 0, 4);                   // armed for cell 5
    await c1.write('dma', 'CTRL', FW_DMA_CTRL.RX_DISARM.put(1));
    await c1.arm(0, image.length);
    await c1.enableVc1(false);
    await send(image.length, 0, 4);                   // the vc 1 path off at the receiver
    await c1.enableVc1();
    await send(1024, 0, 0);                           // taken: RX_WRITTEN 1024
    await c1.poll('dma', 'RX_WRITTEN', (v) => v === 1024, 50_000, 256);
    await send(612, 100, 1);                          // offset 100, below RX_WRITTEN: off a boundary only
    await send(image.length, 1536, 1);                // a gap: past RX_WRITTEN 1024
    expect(await c1.read('dma', 'RX_WRITTEN')).toBe(1024);
    await c1.write('dma', 'CTRL', FW_DMA_CTRL.RX_DISARM.put(1));
    await c1.arm(0, REGION_BYTES + 1024, REGION_BYTES);
    await send(REGION_BYTES + 1024, REGION_BYTES, 2); // the management code above the region
    expect(await c1.read('dma', 'RX_WRITTEN')).toBe(REGION_BYTES);
    expect(FW_DMA_RX_STATUS.DONE.get(await c1.read('dma', 'RX_STATUS'))).toBe(0);
    expect(c1.judged.map((f) => f.kind)).toEqual([...Array(12).fill('refused'), 'full', 'full', ...Array(4).fill('refused')]);
    const expected = ERASED(image.length);
    expected.set(image.subarray(0, 1024));
    expect(hexDiff(await c1.flash(0, image.length), expected), 'the image region: the two frames taken, nothing else').toBe('');
    expect(hexDiff(await c1.flash(REGION_BYTES, high.length), ERASED(high.length)), 'above the region').toBe('');
    await c0.finish();
    await c1.finish();
  }, WALL_MS);

  test('a repeated frame rewrites the same bytes; a partial last frame ends the image', async ({ pair }) => {
    const { c0, c1, up } = await pair();
    await up();
    const image = buildImage(4, patternBody(3000 - 24, 2));
    await c0.load(0, image);
    await c1.eraseExtent(image.length);
    await c1.enableVc1();
    await c1.arm(0, image.length);
    await c0.enableVc1();
    await c0.go(1 << 1, 2048);
    await c0.poll('dma', 'TX_STATUS', (v) => FW_DMA_TX_STATUS.DONE.get(v) === 1, 400_000, 512);
    await c1.poll('dma', 'RX_WRITTEN', (v) => v === 2048, 100_000, 512);
    await c0.write('dma', 'TX_STATUS', FW_DMA_TX_STATUS.DONE.put(1));
    await c0.go(1 << 1, image.length);
    await received(c0, c1, image);
    expect(await c1.read('dma', 'RX_REFUSED')).toBe(0);
    expect(c1.judged.map((f) => `${f.offset}:${f.kind}`)).toEqual([
      '0:full', '512:full', '1024:full', '1536:full',
      '0:repeated', '512:repeated', '1024:repeated', '1536:repeated', '2048:full', '2560:partial',
    ]);
    await c0.finish();
    await c1.finish();
  }, WALL_MS);

  test('the link goes down mid-transfer: LINK_DOWN, the send aborted (DMA_ERROR), CTRL.RESTART brings it up (LINK_UP), the send resumes at RX_WRITTEN', async ({ pair }) => {
    const { c0, c1, ab, up } = await pair();
    await up();
    const image = buildImage(5, patternBody(8192 - 24, 4));
    await c0.load(0, image);
    await c1.eraseExtent(image.length);
    await c1.enableVc1();
    await c1.arm(0, image.length);
    await c0.enableVc1();
    await c0.enableIrq('LINK_DOWN', 'DMA_ERROR');
    await c1.clearIrq('LINK_UP');  // set by the link-up after reset
    await c1.enableIrq('LINK_DOWN', 'LINK_UP');
    await c0.go(1 << 1, image.length);
    await c1.poll('dma', 'RX_WRITTEN', (v) => v >= 2048, 400_000, 256);
    const cut = c0.sim.startSoon(() => ab.cut(c0.dut.clk_i, 40_000), 'the cut of lane ab');
    expect(await c0.waitIrq(40_000), 'cell 0: irq_o on LINK_DOWN').toBe(true);
    expect(await c0.irqSources()).toEqual(['LINK_DOWN']);
    expect(await c1.waitIrq(40_000), 'cell 1: irq_o on LINK_DOWN').toBe(true);
    expect(await c1.irqSources()).toEqual(['LINK_DOWN']);
    await c0.clearIrq('LINK_DOWN');
    expect(c0.irq, 'cell 0: LINK_DOWN cleared').toBe(false);
    await c0.write('dma', 'CTRL', FW_DMA_CTRL.TX_ABORT.put(1));
    expect(await c0.waitIrq(10_000), 'cell 0: irq_o on DMA_ERROR').toBe(true);
    expect(await c0.irqSources()).toEqual(['DMA_ERROR']);
    const status = await c0.read('dma', 'TX_STATUS');
    expect([FW_DMA_TX_STATUS.BUSY.get(status), FW_DMA_TX_STATUS.ERROR.get(status)]).toEqual([0, 1]);
    await c0.write('dma', 'TX_STATUS', FW_DMA_TX_STATUS.ERROR.put(1));
    await c0.clearIrq('DMA_ERROR');
    await cut;
    await c1.clearIrq('LINK_DOWN');
    for (const c of [c0, c1]) await c.writeReg(CellWindow.Hsi, HSI_OFFSET.CTRL, HSI_CTRL.ENABLE.put(1) | HSI_CTRL.RESTART.put(1));
    expect(await c1.waitIrq(100_000), 'cell 1: irq_o on LINK_UP').toBe(true);
    expect(await c1.irqSources()).toEqual(['LINK_UP']);
    await up();
    const at = await c1.read('dma', 'RX_WRITTEN');
    expect(at % 512).toBe(0);
    expect(at).toBeLessThan(image.length);
    await c0.go(1 << 1, image.length, at);
    await received(c0, c1, image);
    await c0.finish();
    await c1.finish();
  }, WALL_MS);

  test('the UART, flash and checker interrupt sources each raise irq_o alone, and clearing each lowers it', async ({ pair }) => {
    const { c0, c1 } = await pair();
    await c0.enableIrq('UART');
    await c0.writeReg(CellWindow.Uart, UART_OFFSET.IE, UART_IE.RX_AVAIL.put(1));
    expect(c0.irq).toBe(false);
    await c1.writeReg(CellWindow.Uart, UART_OFFSET.TXDATA, 0x5a);
    expect(await c0.waitIrq(200_000), 'cell 0: irq_o on a character received').toBe(true);
    expect(await c0.irqSources()).toEqual(['UART']);
    expect(await c0.readReg(CellWindow.Uart, UART_OFFSET.RXDATA) & 0xff).toBe(0x5a);
    await ClockCycles(c0.dut.clk_i, 2);
    expect(c0.irq, 'cell 0: the RX FIFO read empty').toBe(false);

    await c0.enableIrq('FLASH');
    await csrOperation(c0.flashPort, { op: FlashOp.Read, addr: 0, len: 16 }, async () => {
      expect(await c0.waitIrq(50_000), 'cell 0: irq_o on a flash CSR command done').toBe(true);
      expect(await c0.irqSources()).toEqual(['FLASH']);
    });
    await ClockCycles(c0.dut.clk_i, 2);
    expect(c0.irq, 'cell 0: flash DONE cleared').toBe(false);

    await c0.enableIrq('CHECK_DONE');
    await c0.write('check', 'CTRL', 1);
    expect(await c0.waitIrq(200_000), 'cell 0: irq_o on CHECK_DONE').toBe(true);
    expect(await c0.irqSources()).toEqual(['CHECK_DONE']);
    expect(ImageStatus[await c0.check()]).toBe('Missing');
    await c0.clearIrq('CHECK_DONE');
    expect(c0.irq, 'cell 0: CHECK_DONE cleared').toBe(false);
    await c0.finish();
    await c1.finish();
  }, WALL_MS);

  test('power lost at a random cycle of a receive: the checker then says missing or corrupt, or valid with exactly the image (fast-check)', async ({ sim, pair, bench, seed, task }) => {
    const image = buildImage(6, patternBody(4096 - 24, 8));
    const seen = new Set<string>();
    await simProperty(sim as Simulator<unknown>, fc.record({ at: fc.integer({ min: 0, max: 90_000 }), part: fc.integer({ min: 1, max: 2 ** 31 - 1 }) }), async ({ at, part }) => {
      const { c0, c1, up } = await pair();
      await up();
      await c0.load(0, image);
      await c1.eraseExtent(image.length);
      await c1.enableVc1();
      await c1.arm(0, image.length);
      await c0.enableVc1();
      await c0.go(1 << 1, image.length);
      await ClockCycles(c0.dut.clk_i, at + 1);
      await c1.powerLoss(part, (cycles) => bench().reset(cycles));
      const status = await c1.check();
      const got = await c1.flash(0, image.length);
      seen.add(ImageStatus[status]!);
      expect(ImageStatus[status], 'the cell checker agrees with models/image.ts on what the part holds').toBe(ImageStatus[checkImage(got, REGION_BYTES).status]);
      if (status === ImageStatus.Valid) expect(hexDiff(got, image), 'valid only with the image itself').toBe('');
      else expect(['Missing', 'CorruptHeader', 'CorruptBody']).toContain(ImageStatus[status]);
      await c1.finish();
    }, { seed, numRuns: 6, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
    expect(seen.size, `statuses seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(1);
  }, WALL_MS);
});

describe('fw_dma to two cells (system_tb, the crossbar)', REPLAY_FOR_WAVES, () => {
  trioTest('one send from cell 0 to cells 1 and 2 at once, frame k to both before k + 1, with vc 0 traffic between every pair and bit errors', async ({ trio }) => {
    const { cells: [c0, c1, c2], traffic: vc0, up, ber } = await trio({ every: 2048, maxBytes: 1024 });
    await up();
    ber(1e-5);
    vc0.start();
    const image = buildImage(7, patternBody(6000, 6));
    await c0!.load(0, image);
    for (const c of [c1!, c2!]) {
      await c.eraseExtent(image.length);
      await c.enableVc1();
      await c.arm(0, image.length);
    }
    await c0!.enableVc1();
    await c0!.go((1 << 1) | (1 << 2), image.length);
    await received(c0!, c1!, image);
    await received(c0!, c2!, image);
    vc0.stop();
    const frames = Math.ceil(image.length / 512);
    for (const c of [c1!, c2!]) expect(c.judged.map((f) => f.kind)).toEqual([...Array(frames - 1).fill('full'), 'partial']);
    // Paced by the slower: cell 2 takes frame k before cell 1 takes frame k + 2.
    for (let k = 0; k + 2 < frames; k++) expect(c2!.judged[k]!.cycle, `frame ${k} at cell 2 before frame ${k + 2} at cell 1`).toBeLessThan(c1!.judged[k + 2]!.cycle);
    await vc0.drain();
    const flows = vc0.check(true);
    expect(flows).toHaveLength(6);
    for (const f of flows) expect(f.delivered, `vc 0 ${f.src} -> ${f.dst} delivered`).toBeGreaterThan(0);
    for (const c of [c0!, c1!, c2!]) await c.finish();
  }, WALL_MS);
});

plain('every bin of the cell coverage was hit', () => {
  cellCoverage.assertAllHit();
});
