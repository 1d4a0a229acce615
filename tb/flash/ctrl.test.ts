// Directed tests of the controller's rules at both faces: the write-protect window at its
// edges, the WIP timeout and the poll that follows it, the CSR face's error and FIFO flags,
// both faces at once, back-pressure, the SCLK divider, and the CRC check value.
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ClockCycles, CoverGroup, Until } from '../../bridge/src/index.js';
import { crc32 } from '../../models/common/crc.js';
import { FLASH_CTRL as CTRL, FLASH_OFFSET as R, FLASH_STATUS as STATUS, FlashErr, FlashOp, SpiNorCmd } from '../../models/flash/spi_flash_pkg.js';
import type { FlashRequest } from '../../models/flash/spi_flash_ctrl.js';
import { flashTest, type Face } from './env.js';

// The longest test here runs 2.3 ms (SEED=1): a fault that hangs one is stopped soon.
const test = flashTest({ simTimeout: [20, 'ms'] });
const FACES: readonly Face[] = ['stream', 'csr'];
const bytes = (n: number, k = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 29 + k) & 0xff);

const cov = new CoverGroup('flash_ctrl');
const timeout = cov.point<Face>('timeout', { stream: (f) => f === 'stream', csr: (f) => f === 'csr' });
const divider = cov.point<number>('sclk_div', { div0: (d) => d === 0, div1: (d) => d === 1, div3: (d) => d === 3 });
const flags = cov.point<string>('csr_flag', { cmd_while_busy: (f) => f === 'cmd_busy', tx_overflow: (f) => f === 'tx_overflow' });
const concurrent = cov.point<boolean>('faces_concurrent', { yes: (b) => b });

describe('write protection', () => {
  test('writes touching [WP_BASE, WP_LIMIT] are refused at its exact edges and never reach the part', async ({ flash }) => {
    const env = await flash();
    await env.writeReg(R.WP_BASE, 0x10000);
    await env.writeReg(R.WP_LIMIT, 0x1ffff);
    // Each program's data its own, so none can pass with bytes left over from another.
    const cases: [FlashRequest, FlashErr][] = [
      [{ op: FlashOp.Program, addr: 0xff00, len: 256, data: bytes(256, 1) }, FlashErr.None],  // ends at base - 1
      [{ op: FlashOp.Program, addr: 0xff01, len: 256, data: bytes(256, 2) }, FlashErr.Protect],  // ends at base
      [{ op: FlashOp.Program, addr: 0x1ffff, len: 1, data: bytes(1, 3) }, FlashErr.Protect],  // the limit
      [{ op: FlashOp.Program, addr: 0x20000, len: 4, data: bytes(4, 4) }, FlashErr.None],     // limit + 1
      [{ op: FlashOp.Read, addr: 0xfffc, len: 8 }, FlashErr.None],                            // a refused program's data was dropped whole
      [{ op: FlashOp.Read, addr: 0x1fffc, len: 8 }, FlashErr.None],
      [{ op: FlashOp.SectorErase, addr: 0xf123, len: 0 }, FlashErr.None],
      [{ op: FlashOp.SectorErase, addr: 0x1fabc, len: 0 }, FlashErr.Protect],
      [{ op: FlashOp.SectorErase, addr: 0x20fff, len: 0 }, FlashErr.None],
      [{ op: FlashOp.BlockErase, addr: 0x0ffff, len: 0 }, FlashErr.None],
      [{ op: FlashOp.BlockErase, addr: 0x10000, len: 0 }, FlashErr.Protect],
      [{ op: FlashOp.ChipErase, addr: 0, len: 0 }, FlashErr.Protect],
      [{ op: FlashOp.Program, addr: 0xfffff0, len: 32, data: bytes(32, 5) }, FlashErr.Protect],  // would wrap past 16 MiB
      [{ op: FlashOp.Read, addr: 0x1fff0, len: 32 }, FlashErr.None],                          // reads are free
      // The part (256 KiB) decodes 18 address bits: beyond it a write would alias into the window.
      [{ op: FlashOp.Program, addr: 0x50000, len: 4, data: bytes(4, 6) }, FlashErr.Protect],  // = 0x10000 on the part
      [{ op: FlashOp.Program, addr: 0x3fff0, len: 32, data: bytes(32, 7) }, FlashErr.Protect],  // runs off the part's end
      [{ op: FlashOp.SectorErase, addr: 0x51000, len: 0 }, FlashErr.Protect],
      [{ op: FlashOp.BlockErase, addr: 0x7ffff, len: 0 }, FlashErr.Protect],
      [{ op: FlashOp.Read, addr: 0x50000, len: 4 }, FlashErr.None],                           // the window is intact
      [{ op: FlashOp.Program, addr: 0, len: 0, data: bytes(0) }, FlashErr.None],              // empty: a no-op anywhere
      [{ op: FlashOp.Program, addr: 0x10000, len: 0, data: bytes(0) }, FlashErr.None],
    ];
    for (const f of FACES) {
      for (const [req, err] of cases) expect((await env.check(f, req)).err, `${f} op ${req.op} at 0x${req.addr.toString(16)}`).toBe(err);
      // A one-byte window.
      await env.writeReg(R.WP_BASE, 0x5000);
      await env.writeReg(R.WP_LIMIT, 0x5000);
      expect((await env.check(f, { op: FlashOp.Program, addr: 0x4f00, len: 256, data: bytes(256, 1) })).err).toBe(FlashErr.None);
      expect((await env.check(f, { op: FlashOp.Program, addr: 0x5000, len: 1, data: bytes(1) })).err).toBe(FlashErr.Protect);
      expect((await env.check(f, { op: FlashOp.Program, addr: 0x5001, len: 8, data: bytes(8) })).err).toBe(FlashErr.None);
      // Empty (base above limit): everything goes, a chip erase too.
      await env.writeReg(R.WP_BASE, 0x5001);
      await env.writeReg(R.WP_LIMIT, 0x5000);
      expect((await env.check(f, { op: FlashOp.ChipErase, addr: 0, len: 0 })).err).toBe(FlashErr.None);
      await env.writeReg(R.WP_BASE, 0x10000);
      await env.writeReg(R.WP_LIMIT, 0x1ffff);
    }
    await env.finish();
  });
});

describe('WIP timeout', () => {
  test('a poll past TIMEOUT reports the error, drops the rest of a program, and the next operation polls first', async ({ flash }) => {
    const env = await flash();
    for (const f of FACES) {
      const base = f === 'stream' ? 0x1000 : 0x3000;
      await env.writeReg(R.TIMEOUT, 100);  // the part's tPP is 600 cycles, tSE 2000
      env.ctrl.cfg.timesOut = () => true;
      expect((await env.check(f, { op: FlashOp.Program, addr: base + 0x80, len: 200, data: bytes(200, 3) })).err).toBe(FlashErr.Timeout);
      timeout.sample(f);
      await env.writeReg(R.TIMEOUT, 100_000);
      env.ctrl.cfg.timesOut = () => false;
      // The first page went in after all (the part finished it); the second never started.
      await env.check(f, { op: FlashOp.Read, addr: base, len: 0x200 });
      await env.writeReg(R.TIMEOUT, 1000);
      env.ctrl.cfg.timesOut = (op) => op === SpiNorCmd.Se;
      expect((await env.check(f, { op: FlashOp.SectorErase, addr: base, len: 0 })).err).toBe(FlashErr.Timeout);
      env.ctrl.cfg.timesOut = () => false;
      await env.writeReg(R.TIMEOUT, 0xffffffff);
      await env.check(f, { op: FlashOp.ReadId, addr: 0, len: 0 });  // polls first: RDID is ignored while busy
      await env.check(f, { op: FlashOp.Read, addr: base, len: 0x100 });
    }
    await env.finish();
  });
});

describe('CSR face', () => {
  test('CMD while busy is ignored with ERR_COMMAND; TX overflow; FIFO clears', async ({ flash, dut }) => {
    const env = await flash();
    await env.writeReg(R.WP_BASE, 1);
    await env.writeReg(R.WP_LIMIT, 0);
    // A chip erase keeps the engine busy; a second CMD meanwhile must not run.
    await env.writeReg(R.CMD, FlashOp.ChipErase);
    await ClockCycles(dut.clk_i, 50);
    expect((await env.apb.read(R.STATUS)).data & STATUS.BUSY.mask).toBe(STATUS.BUSY.mask);
    await env.apb.write(R.CMD, FlashOp.SectorErase);
    expect((await env.apb.read(R.STATUS)).data & (STATUS.ERR_COMMAND.mask | STATUS.DONE.mask)).toBe(STATUS.ERR_COMMAND.mask);
    flags.sample('cmd_busy');
    await Until(dut.clk_i, dut.irq_o, 1);
    const st = (await env.apb.read(R.STATUS)).data;
    expect(st & (STATUS.DONE.mask | STATUS.BUSY.mask | STATUS.ERR_PROTECT.mask | STATUS.ERR_TIMEOUT.mask)).toBe(STATUS.DONE.mask);
    await env.apb.write(R.STATUS, STATUS.ERR_COMMAND.mask);
    expect((await env.apb.read(R.STATUS)).data & (STATUS.ERR_COMMAND.mask | STATUS.DONE.mask)).toBe(STATUS.DONE.mask);
    await env.writeReg(R.STATUS, STATUS.DONE.mask);  // the model's DONE (raised by its CE) goes too
    expect(await env.readReg(R.STATUS)).toBe(0);
    // 65 words into a 64-word FIFO.
    for (let i = 0; i < 65; i++) await env.writeReg(R.TXDATA, i);
    expect(await env.readReg(R.STATUS)).toBe(STATUS.TX_OVERFLOW.mask | STATUS.TX_LEVEL.put(64));
    flags.sample('tx_overflow');
    // A PROGRAM needing more bytes than the FIFO holds would wait forever: refused, data kept.
    await env.writeReg(R.ADDR, 0x2000);
    await env.writeReg(R.LEN, 257);
    await env.writeReg(R.CMD, FlashOp.Program);
    await ClockCycles(dut.clk_i, 20);
    expect(await env.readReg(R.STATUS), 'a PROGRAM of 257 bytes with 256 in the FIFO').toBe(STATUS.TX_OVERFLOW.mask | STATUS.ERR_COMMAND.mask | STATUS.TX_LEVEL.put(64));
    await env.writeReg(R.STATUS, STATUS.ERR_COMMAND.mask);
    await env.writeReg(R.CTRL, CTRL.TX_CLR.mask);  // DIV back to 0
    await env.writeReg(R.STATUS, STATUS.TX_OVERFLOW.mask);
    expect(await env.readReg(R.STATUS)).toBe(0);
    // The driver's way: a program too long for the FIFO comes back as a command error, no hang.
    const long = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect((await env.check('csr', { op: FlashOp.Program, addr: 0x3000, len: 300, data: long })).err).toBe(FlashErr.Command);
    expect((await env.check('csr', { op: FlashOp.Read, addr: 0x3000, len: 4 })).err, 'the part was not touched').toBe(FlashErr.None);
    await env.writeReg(R.CTRL, CTRL.TX_CLR.mask);
    // RX: a read left in the FIFO, then cleared; reading an empty FIFO gives 0.
    await env.writeReg(R.ADDR, 0);
    await env.writeReg(R.LEN, 10);
    await env.writeReg(R.CMD, FlashOp.Read);
    await Until(dut.clk_i, dut.irq_o, 1);
    expect(await env.readReg(R.STATUS)).toBe(STATUS.DONE.mask | STATUS.RX_LEVEL.put(3));
    await env.writeReg(R.CTRL, CTRL.RX_CLR.mask);
    await env.writeReg(R.STATUS, STATUS.DONE.mask);
    expect(await env.readReg(R.RXDATA)).toBe(0);
    expect(await env.readReg(R.STATUS)).toBe(0);
    await env.finish();
  });
});

describe('both faces', () => {
  test('a stream read and CSR programs at once: each face gets its own data', async ({ flash }) => {
    const env = await flash();
    await env.load(0x8000, bytes(4096, 5));
    const pending = [
      env.check('stream', { op: FlashOp.Read, addr: 0x8000, len: 4096 }),
      env.check('csr', { op: FlashOp.Program, addr: 0x1000, len: 256, data: bytes(256, 9) }).then(() =>
        env.check('csr', { op: FlashOp.Read, addr: 0x1000, len: 64 })),
      env.check('stream', { op: FlashOp.Crc, addr: 0x8000, len: 4096 }),
    ];
    await Promise.all(pending);
    concurrent.sample(true);
    await env.finish({ transactions: false });
  });

  test('a CSR command waits for at most one operation of a busy stream face (alternation)', async ({ flash }) => {
    const env = await flash();
    const reads = [0, 1, 2, 3].map((k) => ({ op: FlashOp.Read, addr: k * 0x400, len: 0x400 }));
    await Promise.all([env.streamQueue(reads), env.check('csr', { op: FlashOp.ReadId, addr: 0, len: 0 })]);
    await env.finish({ transactions: false });
    expect(env.checker.transactions.map((t) => t.opcode)).toEqual([SpiNorCmd.Read, SpiNorCmd.Rdid, SpiNorCmd.Read, SpiNorCmd.Read, SpiNorCmd.Read]);
    concurrent.sample(true);
  });

  test('back-pressure on program data, read data and responses; SCLK stops only while low', async ({ flash, seed }) => {
    const env = await flash({ throttle: { wr: { probability: 0.3, seed }, rd: { probability: 0.2, seed: seed ^ 0x55 }, rsp: { probability: 0.05, seed: seed ^ 0xaa } } });
    // Operations quicker than a held response: none may be lost or overtaken.
    await env.streamQueue([13, FlashOp.WriteEnable, 0, FlashOp.ReadStatus, FlashOp.WriteDisable, 14, FlashOp.ReadStatus].map((op) => ({ op: op as FlashOp, addr: 0, len: 0 })));
    await env.check('stream', { op: FlashOp.Program, addr: 0x2f0, len: 600, data: bytes(600, 7) });
    await env.check('stream', { op: FlashOp.Read, addr: 0x2e0, len: 700 });
    await env.check('stream', { op: FlashOp.FastRead, addr: 0x2e1, len: 33 });
    await env.finish();
    expect(env.checker.stats.highMax, 'SCLK high phase').toBe(1);
  });

  for (const div of [0, 1, 3]) {
    test(`SCLK = clk / ${2 * (div + 1)} with DIV = ${div}`, async ({ flash }) => {
      const env = await flash({ div });
      await env.check('csr', { op: FlashOp.Program, addr: 0x100, len: 9, data: bytes(9) });
      await env.check('stream', { op: FlashOp.Read, addr: 0x100, len: 16 });
      for (const len of [5, 6, 7]) await env.check('csr', { op: FlashOp.Read, addr: 0xfe + len, len });  // partial last words
      await env.finish();
      expect([env.checker.stats.highMin, env.checker.stats.highMax]).toEqual([div + 1, div + 1]);
      // CS# stays high at least one SCLK period between commands (tSHSL).
      expect(env.checker.stats.csHighMin).toBeGreaterThanOrEqual(2 * (div + 1));
      divider.sample(div);
    });
  }
});

describe('CRC unit', () => {
  test('check value: CRC-32 of "123456789" is CBF43926h on both faces', async ({ flash }) => {
    const env = await flash();
    const msg = new TextEncoder().encode('123456789');
    await env.check('stream', { op: FlashOp.Program, addr: 0x4ffc, len: 9, data: msg });
    for (const f of FACES) expect((await env.check(f, { op: FlashOp.Crc, addr: 0x4ffc, len: 9 })).crc).toBe(0xcbf43926);
    expect(crc32(msg)).toBe(0xcbf43926);
    await env.finish();
  });
});

describe('CRC unit vs models/common/crc.ts', () => {
  test('random regions of random content, both faces (fast-check)', async ({ sim, flash, seed }) => {
    const env = await flash();
    const content = fc.sample(fc.uint8Array({ minLength: 0x6000, maxLength: 0x6000 }), { seed, numRuns: 1 })[0]!;
    await env.load(0x1000, content);
    const regions = fc.sample(fc.tuple(fc.constantFrom<Face>('stream', 'csr'), fc.integer({ min: 0x800, max: 0x7000 }), fc.integer({ min: 1, max: 1500 })), { seed, numRuns: 16 });
    for (const [f, addr, len] of regions) {
      const want = crc32((await sim.dut.u_nor.mem_q.read(addr, len)) as Uint8Array);
      const r = await env.check(f, { op: FlashOp.Crc, addr, len });
      expect(r.crc, `${f} CRC over [0x${addr.toString(16)}, +${len})`).toBe(want);
    }
    await env.finish();
  });
});

describe('coverage', () => {
  test('every bin of this file was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
