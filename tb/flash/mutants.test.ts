// Tests that the mutation run of the flash controller (make mutate BLOCK=flash,
// reports/mutation/flash.md) showed missing: each kills mutants the other testbenches let live.
// A read whose data sink all but stops fills the output queue and never overfills it; a poll
// past TIMEOUT gives up at TIMEOUT, not when the part is done; registers written while a CSR
// command runs (the next command's ADDR, CTRL's RX_CLR) leave the running one alone; a CSR
// program's partial last word goes with it.
import { expect } from 'vitest';
import { ClockCycles, Until } from '../../bridge/src/index.js';
import { FLASH_CTRL as CTRL, FLASH_OFFSET as R, FLASH_STATUS as STATUS, FlashErr, FlashOp, SpiNorCmd } from '../../models/flash/spi_flash_pkg.js';
import { flashTest } from './env.js';

const test = flashTest({ simTimeout: [20, 'ms'] });
const bytes = (n: number, k = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 37 + k) & 0xff);

test('a read into a sink ready one cycle in 100: the output queue fills, SCLK waits, no byte lost or doubled', async ({ flash }) => {
  const env = await flash({ throttle: { rd: { pattern: [1, ...Array<number>(99).fill(0)] } } });
  await env.load(0x2000, bytes(64, 5));
  for (const op of [FlashOp.Read, FlashOp.FastRead]) await env.check('stream', { op, addr: 0x2000, len: 48 });
  await env.finish();
});

test('a poll past TIMEOUT gives up at TIMEOUT: a sector erase (tSE 2000 cycles) with TIMEOUT 100 answers while the part is still busy', async ({ sim, dut, flash }) => {
  const env = await flash();
  await env.writeReg(R.TIMEOUT, 100);
  env.ctrl.cfg.timesOut = (op) => op === SpiNorCmd.Se;
  const t0 = sim.time('ns');
  expect((await env.check('stream', { op: FlashOp.SectorErase, addr: 0x4000, len: 0 })).err).toBe(FlashErr.Timeout);
  const cycles = (sim.time('ns') - t0) / 10;
  expect(cycles, 'cycles from the request to the timeout response (WREN, SE, 100 cycles of polls)').toBeLessThan(600);
  expect(dut.wip_o.value, 'the part is still erasing').toBe(1);
  env.ctrl.cfg.timesOut = () => false;
  await env.writeReg(R.TIMEOUT, 0xffffffff);
  await env.check('stream', { op: FlashOp.ReadId, addr: 0, len: 0 });  // polls first: the erase finishes
  await env.check('stream', { op: FlashOp.Read, addr: 0x4000, len: 16 });
  await env.finish();
});

test('ADDR and CTRL (RX_CLR, DIV as it is) written while a CSR program runs leave the running program\'s bytes alone', async ({ dut, flash }) => {
  const env = await flash();
  const data = bytes(128, 11);
  const ctrl = await env.readReg(R.CTRL);
  // From the operation's first chip select on, through its data phase, ADDR (the next command's,
  // bit 8 set) and CTRL rewritten every 40 cycles, each in another byte of a TX word.
  const writes = (async () => {
    await Until(dut.clk_i, dut.spi_cs_no, 0);
    for (let i = 0; i < 40; i++) {
      await env.writeReg(R.ADDR, 0x100 | (i << 12));
      await env.writeReg(R.CTRL, ctrl | CTRL.RX_CLR.mask);
      await ClockCycles(dut.clk_i, 40);
    }
  })();
  expect((await env.check('csr', { op: FlashOp.Program, addr: 0x6000, len: 128, data })).err).toBe(FlashErr.None);
  await writes;
  await env.check('stream', { op: FlashOp.Read, addr: 0x6000, len: 128 });
  await env.finish();
});

test('CSR programs of 1 to 7 bytes back to back: each drops the rest of its last word, the next takes only its own', async ({ flash }) => {
  const env = await flash();
  for (let n = 1; n <= 7; n++) {
    expect((await env.check('csr', { op: FlashOp.Program, addr: 0x7000 + 16 * n, len: n, data: bytes(n, 16 * n) })).err).toBe(FlashErr.None);
    expect(STATUS.TX_LEVEL.get(await env.readReg(R.STATUS)), `TX_LEVEL after a program of ${n} byte(s)`).toBe(0);
  }
  await env.check('csr', { op: FlashOp.Read, addr: 0x7000, len: 128 });
  await env.finish();
});
