// The SPI NOR part (tb/hdl/spi_nor_model.sv) on its own: a test drives its pins through
// flash_tb's bypass, bit by bit, into the rules the controller never breaks (so the checker
// reports them: these tests also show it catches them). The checker's TypeScript part follows
// every transaction; its MISO and its array must match the RTL part's.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { ClockCycles, Until } from '../../bridge/src/index.js';
import { SpiNorCmd } from '../../models/flash/spi_flash_pkg.js';
import { STATUS_WEL, STATUS_WIP } from '../../models/flash/spi_nor.js';
import { hex } from '../common/hex.js';
import { flashTest, type FlashEnv, type FlashFixture } from './env.js';
import type { FlashTbDut } from './gen/flash_tb.js';

const test = flashTest({ simTimeout: [10, 'ms'] });

/** One command on the bypass pins: CS# low, `mosi` MSB first, `extraBits` more, CS# high. Returns MISO bytes. */
async function bang(dut: FlashTbDut, mosi: readonly number[], extraBits = 0): Promise<number[]> {
  const clk = dut.clk_i;
  dut.bb_cs_ni.value = 0;
  await ClockCycles(clk, 1);
  const miso: number[] = [];
  const bits = mosi.flatMap((b) => Array.from({ length: 8 }, (_, i) => (b >> (7 - i)) & 1)).concat(new Array<number>(extraBits).fill(1));
  let cur = 0;
  for (const [i, bit] of bits.entries()) {
    dut.bb_mosi_i.value = bit;
    await ClockCycles(clk, 1);
    dut.bb_sclk_i.value = 1;
    await ClockCycles(clk, 2);
    cur = ((cur << 1) | dut.spi_miso_o.value) & 0xff;  // held through the high phase
    dut.bb_sclk_i.value = 0;
    if (i % 8 === 7) miso.push(cur);
  }
  await ClockCycles(clk, 2);
  dut.bb_cs_ni.value = 1;
  await ClockCycles(clk, 2);
  return miso;
}

async function bypass(flash: FlashFixture): Promise<FlashEnv> {
  const env = await flash();
  const dut = env.dut;
  dut.bb_sclk_i.value = 0;
  dut.bb_mosi_i.value = 0;
  dut.bb_en_i.value = 1;
  await ClockCycles(dut.clk_i, 2);
  return env;
}

const rdsr = async (dut: FlashTbDut): Promise<number> => (await bang(dut, [SpiNorCmd.Rdsr, 0]))[1]!;
const read = async (dut: FlashTbDut, addr: number, n: number): Promise<number[]> =>
  (await bang(dut, [SpiNorCmd.Read, addr >> 16, (addr >> 8) & 0xff, addr & 0xff, ...new Array<number>(n).fill(0)])).slice(4);
const waitReady = async (dut: FlashTbDut): Promise<void> => {
  await Until(dut.clk_i, dut.wip_o, 0);
  expect(await rdsr(dut)).toBe(0);  // the RDSR showing WIP clear completes the checker's program or erase
};

describe('SPI NOR part', () => {
  test('RDID, RDSR, WREN/WRDI; program clears bits only; FAST_READ; a PP wraps inside its page', async ({ flash, dut }) => {
    const env = await bypass(flash);
    expect((await bang(dut, [SpiNorCmd.Rdid, 0, 0, 0])).slice(1)).toEqual([0xef, 0x40, 18]);
    await bang(dut, [SpiNorCmd.Wren]);
    expect(await rdsr(dut)).toBe(STATUS_WEL);
    await bang(dut, [SpiNorCmd.Wrdi]);
    expect(await rdsr(dut)).toBe(0);
    await bang(dut, [SpiNorCmd.Wren]);
    await bang(dut, [SpiNorCmd.Pp, 0, 0x01, 0xfc, 0xf0, 0x0f, 0x3c, 0xa5, 0x11, 0x22]);  // 6 bytes from 0x1FC: 2 wrap to 0x100
    expect((await rdsr(dut)) & STATUS_WIP).toBe(STATUS_WIP);
    await waitReady(dut);
    expect(await read(dut, 0x1fc, 4)).toEqual([0xf0, 0x0f, 0x3c, 0xa5]);
    expect(await read(dut, 0x100, 3)).toEqual([0x11, 0x22, 0xff]);
    expect(await read(dut, 0x200, 1)).toEqual([0xff]);
    await bang(dut, [SpiNorCmd.Wren]);
    await bang(dut, [SpiNorCmd.Pp, 0, 0x01, 0xfc, 0x0f, 0x0f]);  // old AND new
    await waitReady(dut);
    expect((await bang(dut, [SpiNorCmd.FastRead, 0, 0x01, 0xfc, 0, 0, 0])).slice(5)).toEqual([0x00, 0x0f]);
    await env.finish({ reference: false, violations: ['PP at 0x0001fc of 6 bytes crosses a page'] });
  });

  test('without WREN a PP is ignored; while WIP only RDSR answers; CS# off a byte boundary drops a write; a status byte past a ready one is flagged', async ({ flash, dut }) => {
    const env = await bypass(flash);
    await bang(dut, [SpiNorCmd.Pp, 0, 0, 0x10, 0x00]);
    expect(await read(dut, 0x10, 1)).toEqual([0xff]);
    await bang(dut, [SpiNorCmd.Wren]);
    await bang(dut, [SpiNorCmd.Se, 0, 0, 0], 3);  // 3 bits past the address: dropped
    expect(await rdsr(dut)).toBe(STATUS_WEL);     // still enabled
    await bang(dut, [SpiNorCmd.Pp, 0, 0, 0x20, 0x5a]);
    // Busy: WRDI, READ and SE are ignored, RDSR answers.
    await bang(dut, [SpiNorCmd.Wrdi]);
    await bang(dut, [SpiNorCmd.Read, 0, 0, 0x20, 0]);
    expect(await rdsr(dut)).toBe(STATUS_WIP | STATUS_WEL);
    await waitReady(dut);
    expect(await read(dut, 0x20, 1)).toEqual([0x5a]);
    // A status byte read past one showing WIP clear: the part answers, the checker flags it (the
    // controller's poll ends at the first ready status).
    expect((await bang(dut, [SpiNorCmd.Rdsr, 0, 0])).slice(1)).toEqual([0, 0]);
    await bang(dut, [SpiNorCmd.Wren]);
    await bang(dut, [SpiNorCmd.Pp, 0, 0, 0x21, 0x00], 5);
    expect(await read(dut, 0x21, 1)).toEqual([0xff]);
    await env.finish({
      reference: false,
      violations: [
        `opcode ${hex(SpiNorCmd.Pp)} without a WREN before it (WEL clear)`,
        'CS# rose 3 bit(s) into a byte',
        `opcode ${hex(SpiNorCmd.Wrdi)} sent while WIP (only RDSR is allowed)`,
        `opcode ${hex(SpiNorCmd.Read)} sent while WIP (only RDSR is allowed)`,
        'RDSR byte 2 read after byte 1 showed WIP clear',
        'CS# rose 5 bit(s) into a byte',
      ],
    });
  });
});

// Backdoor by plusarg: a hex file loaded at start, the array dumped when the model goes.
const dir = mkdtempSync(path.join(os.tmpdir(), 'cellbench-flash-'));
const load = path.join(dir, 'load.hex');
const dump = path.join(dir, 'dump.hex');
writeFileSync(load, '@0\n12 34 56\n@100\nab\n');
const withFiles = flashTest({ simTimeout: [10, 'ms'], plusargs: [`+spi_nor_load=${load}`, `+spi_nor_dump=${dump}`] });

describe('backdoor', () => {
  withFiles('+spi_nor_load plants an image, +spi_nor_dump writes the array at the end', async ({ sim, dut, flash }) => {
    const env = await flash();
    const mem = await dut.u_nor.mem_q.read(0, 0x101);
    expect([mem[0], mem[1], mem[2], mem[3], mem[0x100]]).toEqual([0x12, 0x34, 0x56, 0xff, 0xab]);
    await env.load(0x300, Uint8Array.of(0x77));
    await sim.restart();  // the old model's final block dumps
    const words = readFileSync(dump, 'utf8').split(/\s+/).filter((w) => /^[0-9a-f]+$/i.test(w));
    expect(words.slice(0, 4)).toEqual(['12', '34', '56', 'ff']);
    expect(words[0x300]).toBe('77');
  });
});
