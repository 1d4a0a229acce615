// Power loss during a program or an erase, at a random cycle of its busy time: every byte of the
// interrupted page or sector lies bitwise between its old and its intended content (a program
// only clears bits, an erase only sets them), everything else is untouched, and where the result
// differs from what was meant the controller's CRC over the region says so.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ClockCycles, CoverGroup, Until, simProperty, type Simulator } from '../../bridge/src/index.js';
import { wavePath } from '../../bridge/src/vitest.js';
import { crc32 } from '../../models/common/crc.js';
import { toWords } from '../../models/common/words.js';
import { csrOperation } from '../../models/flash/flash_driver.js';
import { BLOCK_BYTES, FLASH_OFFSET as R, FlashOp, PAGE_BYTES, SECTOR_BYTES } from '../../models/flash/spi_flash_pkg.js';
import type { Bench } from '../common/bench.js';
import { hex } from '../common/hex.js';
import { flashTest, type FlashFixture } from './env.js';
import type { FlashTbDut } from './gen/flash_tb.js';

const SIZE = 1 << 18;
// flash_tb's busy times: a power loss inside them interrupts the operation.
const BUSY = { [FlashOp.Program]: 600, [FlashOp.SectorErase]: 2000, [FlashOp.BlockErase]: 5000 } as const;
const test = flashTest({ simTimeout: [100, 'ms'] });

const cov = new CoverGroup('flash_power_loss');
const kind = cov.point<number>('interrupted', { program: (o) => o === FlashOp.Program, sector_erase: (o) => o === FlashOp.SectorErase, block_erase: (o) => o === FlashOp.BlockErase });
const outcome = cov.point<boolean>('region', { differs_crc_fails: (d) => d, as_intended: (d) => !d });

interface Case {
  readonly op: FlashOp.Program | FlashOp.SectorErase | FlashOp.BlockErase;
  readonly addr: number;
  readonly len: number;
  readonly old: Uint8Array;   // content planted in the region first
  readonly data: Uint8Array;  // program data
  readonly at: number;        // fraction of the busy time
  readonly seed: number;
}


const caseArb: fc.Arbitrary<Case> = fc.record({
  op: fc.constantFrom(FlashOp.Program as const, FlashOp.SectorErase as const, FlashOp.BlockErase as const),
  addr: fc.integer({ min: 0, max: SIZE - 1 }),
  len: fc.integer({ min: 1, max: PAGE_BYTES }),
  old: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  data: fc.uint8Array({ minLength: PAGE_BYTES, maxLength: PAGE_BYTES }),
  at: fc.double({ min: 0, max: 0.999, noNaN: true }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
}).map((c) => ({ ...c, len: Math.min(c.len, PAGE_BYTES - (c.addr & 0xff)) }));

async function powerLossCase(flash: FlashFixture, bench: () => Bench<FlashTbDut>, c: Case): Promise<{ differs: boolean }> {
  const env = await flash({ sizeBytes: SIZE });
  const dut = env.dut;
  await env.writeReg(R.WP_BASE, 0xffffff);  // WP_BASE above WP_LIMIT: no protection
  await env.writeReg(R.WP_LIMIT, 0);
  // Plant an old content over the region: the pattern repeated, so bits both set and clear.
  const bytes = c.op === FlashOp.Program ? PAGE_BYTES : c.op === FlashOp.SectorErase ? SECTOR_BYTES : BLOCK_BYTES;
  const base = c.addr & ~(bytes - 1);
  await env.load(base, Uint8Array.from({ length: bytes }, (_, i) => c.old[i % c.old.length]!));
  // Start the operation through the CSRs (APB only: nothing waits on it once power goes).
  await env.apb.write(R.ADDR, c.addr);
  await env.apb.write(R.LEN, c.len);
  // Whole words of the case's data (the controller drops what the last one holds beyond LEN).
  for (const w of toWords(c.data.subarray(0, 4 * Math.ceil(c.len / 4)))) await env.apb.write(R.TXDATA, w);
  await env.apb.write(R.CMD, c.op);
  await Until(dut.clk_i, dut.wip_o, 1);
  const wait = Math.floor(c.at * BUSY[c.op]) - 2;
  if (wait > 0) await ClockCycles(dut.clk_i, wait);
  const { busy, before, after } = await env.powerLoss(c.seed, (cycles) => bench().reset(cycles));
  expect(busy, 'the part was busy when power went').toBeDefined();
  const region = busy!;
  expect(region.base).toBe(base);
  expect(region.bytes).toBe(bytes);
  const intended = before.slice(region.base, region.base + region.bytes);
  for (let i = 0; i < region.bytes; i++) intended[i] = region.kind === 'program' ? intended[i]! & region.page[i]! : 0xff;
  // Outside the region: untouched. Inside: between old and intended, bit by bit.
  for (let a = 0; a < SIZE; a++) {
    const inside = a >= region.base && a < region.base + region.bytes;
    const o = before[a]!;
    const got = after[a]!;
    if (!inside) {
      if (got !== o) expect.fail(`byte ${hex(a)} outside the interrupted region changed: ${hex(o)} -> ${hex(got)}`);
      continue;
    }
    const want = intended[a - region.base]!;
    const ok = region.kind === 'program' ? (got & ~o) === 0 && (want & ~got) === 0 : (o & ~got) === 0;
    if (!ok) expect.fail(`byte ${hex(a)}: ${hex(got)} is not between old ${hex(o)} and intended ${hex(want)} (${region.kind})`);
  }
  // The image checker's view: the CRC over the region against the intended content's.
  const got = after.subarray(region.base, region.base + region.bytes);
  const differs = got.some((v, i) => v !== intended[i]);
  const r = await env.check('stream', { op: FlashOp.Crc, addr: region.base, len: region.bytes });
  expect(r.crc === crc32(intended), `CRC over the region ${differs ? 'must fail' : 'must pass'}`).toBe(!differs);
  // The CSR face agrees after the power cycle (a page: a 64 KiB CRC costs a million cycles).
  if (region.kind === 'program') {
    const csr = await csrOperation(env.port, { op: FlashOp.Crc, addr: region.base, len: region.bytes }, async () => { await Until(dut.clk_i, dut.irq_o, 1); });
    expect(csr.crc).toBe(r.crc);
  }
  await env.finish({ transactions: false });
  kind.sample(c.op);
  outcome.sample(differs);
  return { differs };
}

describe('power loss', () => {
  test('a power loss mid-page-program leaves the page between old and new; mid-erase between old and FFh', async ({ sim, flash, bench }) => {
    // Directed: early in each kind, so the region surely differs from what was meant.
    for (const op of [FlashOp.Program, FlashOp.SectorErase, FlashOp.BlockErase] as const) {
      await sim.restart();
      const r = await powerLossCase(flash, bench, { op, addr: 0x1234, len: 200, old: Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff), data: Uint8Array.from({ length: 256 }, (_, i) => ~i & 0xff), at: 0.3, seed: 12345 });
      expect(r.differs).toBe(true);
    }
    // A program of all-ones changes nothing: cut or not, the page is as meant and the CRC passes.
    await sim.restart();
    const same = await powerLossCase(flash, bench, { op: FlashOp.Program, addr: 0x300, len: 256, old: Uint8Array.from({ length: 64 }, (_, i) => i), data: new Uint8Array(256).fill(0xff), at: 0.5, seed: 7 });
    expect(same.differs).toBe(false);
  });

  test('at a random cycle of a random program or erase (fast-check)', async ({ sim, flash, bench, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, caseArb, async (c) => {
      await powerLossCase(flash, bench, c);
    }, { seed, numRuns: 15, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });

  test('coverage: every bin of this file was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
