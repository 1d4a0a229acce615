// Regression of the bridge's scheduler on the flash stream face: a background reader of a sampled
// stream of the SPI bus (idle here, so its wait is never served) while the test takes responses
// from the stream face. A response sink woken with no complete response waits again; that new
// wait must arm in the harness even though the reader's trigger is armed, else the next step
// ran on the reader's trigger alone and the test's following Timer waited for the time limit.
import { expect } from 'vitest';
import { ClockCycles, SampledStream, Timer, withTimeout } from '../../bridge/src/index.js';
import { FLASH_OFFSET, FlashErr, FlashOp } from '../../models/flash/spi_flash_pkg.js';
import { flashTest } from './env.js';

const test = flashTest({ simTimeout: [5, 'ms'] });

test('stream-face responses with a background stream reader waiting: later triggers still stop time', async ({ sim, dut, flash }) => {
  const env = await flash();
  const bus = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.spi_cs_no, dut.spi_sclk_o], when: 'change' });
  let records = 0;
  const reader = sim.startSoon(async () => {
    for await (const b of bus) records += b.cycles.length;
  }, 'bus reader');
  await env.writeReg(FLASH_OFFSET.WP_BASE, 0x30000);
  await env.writeReg(FLASH_OFFSET.WP_LIMIT, 0x3ffff);
  expect((await env.stream({ op: FlashOp.Program, addr: 0x30000, len: 8, data: new Uint8Array(8) })).err).toBe(FlashErr.Protect);
  expect((await env.stream({ op: 13 as FlashOp, addr: 0, len: 0 })).err).toBe(FlashErr.Command);
  await withTimeout(Timer(100, 'ns'), 1, 'us');
  await withTimeout(ClockCycles(dut.clk_i, 10), 1, 'us');
  bus.close();
  await reader;
  expect(records, 'the bus stayed idle: refused commands never reach the chip').toBe(1);
});
