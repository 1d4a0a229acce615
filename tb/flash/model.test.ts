// Model-based verification of the flash controller and part: random operation sequences
// (fc.commands + fc.asyncModelRun) through both faces against the reference, every result
// compared as it comes, and at the end the SPI checker's verdict, the transactions on the wire
// and the arrays of the RTL part and both TypeScript parts.
import path from 'node:path';
import fc from 'fast-check';
import { describe } from 'vitest';
import { CoverGroup, simProperty, type Simulator } from '../../bridge/src/index.js';
import { wavePath } from '../../bridge/src/vitest.js';
import type { FlashRequest } from '../../models/flash/spi_flash_ctrl.js';
import { FLASH_OFFSET, FlashErr, FlashOp, SpiNorCmd } from '../../models/flash/spi_flash_pkg.js';
import { faceOp, protectWindow, type FaceOp } from './arbitraries.js';
import { flashTest, type Face, type FlashEnv, type FlashFixture } from './env.js';

const SIZE = 1 << 18;
const test = flashTest({ simTimeout: [200, 'ms'] });

// Functional coverage of this file: every bin is hit by the directed sequence, whatever the seed.
const cov = new CoverGroup('flash_ops');
const opcode = cov.point<number>('spi_opcode', Object.fromEntries(
  Object.entries(SpiNorCmd).filter(([, v]) => typeof v === 'number').map(([k, v]) => [k, (o: number) => o === v]),
));
const face = cov.point<Face>('face', { stream: (f) => f === 'stream', csr: (f) => f === 'csr' });
const op = cov.point<number>('op', Object.fromEntries(
  Object.entries(FlashOp).filter(([, v]) => typeof v === 'number').map(([k, v]) => [k, (o: number) => o === v]),
));
const opFace = cov.cross('op_x_face', op, face);
const program = cov.point<FlashRequest>('program', {
  within_page: (r) => (r.addr & 0xff) + r.len <= 256,
  crosses_page: (r) => (r.addr & 0xff) + r.len > 256,
  several_pages: (r) => r.len > 256,
});
const erased = cov.point<number>('erase_done', { sector: (o) => o === FlashOp.SectorErase, block: (o) => o === FlashOp.BlockErase, chip: (o) => o === FlashOp.ChipErase });
const result = cov.point<FlashErr>('result', { ok: (e) => e === FlashErr.None, protect: (e) => e === FlashErr.Protect, command: (e) => e === FlashErr.Command });
const busyPolls = cov.point<number>('busy_polls', { seen: (n) => n > 0 });
const switches = cov.point<[Face, Face]>('face_sequence', { stream_then_csr: ([a, b]) => a === 'stream' && b === 'csr', csr_then_stream: ([a, b]) => a === 'csr' && b === 'stream' });

class Ctx {
  last?: Face;
  count = 0;
  constructor(readonly env: FlashEnv) {}
}

class OpCmd implements fc.AsyncCommand<object, Ctx> {
  constructor(readonly f: FaceOp) {}
  check(): boolean {
    return true;
  }
  async run(_m: object, ctx: Ctx): Promise<void> {
    const { face: fc_, req } = this.f;
    if (process.env.FLASH_TRACE) console.log(`#${ctx.count} ${this.toString()} at ${ctx.env.sim.describeTime()}`);
    ctx.count++;
    const r = await ctx.env.check(fc_, req);
    opFace.sample(req.op, fc_);
    result.sample(r.err);
    if (req.op === FlashOp.Program && r.err === FlashErr.None) program.sample(req);
    if (r.err === FlashErr.None) erased.sample(req.op);
    if (ctx.last) switches.sample([ctx.last, fc_]);
    ctx.last = fc_;
  }
  toString(): string {
    const { face: f, req } = this.f;
    return `${f}(${FlashOp[req.op] ?? `op ${req.op}`}, 0x${req.addr.toString(16)}, ${req.len})`;
  }
}

async function runCase(flash: FlashFixture, window: { base: number; limit: number }, cmds: Iterable<fc.AsyncCommand<object, Ctx>>, div = 0): Promise<void> {
  const env = await flash({ div, sizeBytes: SIZE });
  await env.writeReg(FLASH_OFFSET.WP_BASE, window.base);
  await env.writeReg(FLASH_OFFSET.WP_LIMIT, window.limit);
  const ctx = new Ctx(env);
  await fc.asyncModelRun(() => ({ model: {}, real: ctx }), cmds);
  await env.finish();
  for (const [o] of env.checker.stats.opcodes) opcode.sample(o);
  busyPolls.sample(env.checker.stats.busyPolls);
}

describe('model-based', () => {
  test('a directed sequence: every op on both faces, page-crossing programs, every erase', async ({ sim, flash }) => {
    const data = (n: number, k: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 13 + k) & 0xff);
    const ops: FaceOp[] = [];
    for (const f of ['stream', 'csr'] as const) {
      ops.push(
        { face: f, req: { op: FlashOp.ReadId, addr: 0, len: 0 } },
        { face: f, req: { op: FlashOp.WriteEnable, addr: 0, len: 0 } },
        { face: f, req: { op: FlashOp.ReadStatus, addr: 0, len: 0 } },
        { face: f, req: { op: FlashOp.WriteDisable, addr: 0, len: 0 } },
        { face: f, req: { op: FlashOp.Program, addr: 0x10, len: 32, data: data(32, 1) } },
        { face: f, req: { op: FlashOp.Program, addr: 0x1f8, len: 200, data: data(200, 2) } },
        { face: f, req: { op: FlashOp.Read, addr: 0x0, len: 0x300 } },
        { face: f, req: { op: FlashOp.FastRead, addr: 0x1f0, len: 20 } },
        { face: f, req: { op: FlashOp.Crc, addr: 0x0, len: 0x2c0 } },
        { face: f, req: { op: FlashOp.SectorErase, addr: 0x123, len: 0 } },
        { face: f, req: { op: FlashOp.Program, addr: 0x30000, len: 8, data: data(8, 3) } },  // protected
        { face: f, req: { op: 13 as FlashOp, addr: 0, len: 0 } },
      );
    }
    ops.push(
      { face: 'stream', req: { op: FlashOp.Program, addr: 0x10080, len: 600, data: data(600, 4) } },
      { face: 'csr', req: { op: FlashOp.BlockErase, addr: 0x10000, len: 0 } },
      { face: 'stream', req: { op: FlashOp.Read, addr: 0x10070, len: 0x40 } },
    );
    await runCase(flash, { base: 0x30000, limit: 0x3ffff }, ops.map((o) => new OpCmd(o)));
    // The chip erase needs an empty protection window.
    await sim.restart();
    await runCase(flash, { base: 1, limit: 0 }, [
      { face: 'csr', req: { op: FlashOp.Program, addr: 0x2000, len: 4, data: data(4, 5) } },
      { face: 'stream', req: { op: FlashOp.ChipErase, addr: 0, len: 0 } },
      { face: 'csr', req: { op: FlashOp.Read, addr: 0x2000, len: 4 } },
      { face: 'stream', req: { op: FlashOp.Program, addr: 0x3ff00, len: 4, data: data(4, 6) } },
      { face: 'csr', req: { op: FlashOp.ChipErase, addr: 0, len: 0 } },
      { face: 'stream', req: { op: FlashOp.Read, addr: 0x3ff00, len: 4 } },
    ].map((o) => new OpCmd(o as FaceOp)), 2);
  });

  test('random operation sequences on both faces follow the reference (fc.commands)', async ({ sim, flash, seed, task }) => {
    const commands = fc.commands([faceOp(SIZE).map((o) => new OpCmd(o))], { maxCommands: 16, size: '+1' });
    await simProperty(sim as Simulator<unknown>, fc.tuple(protectWindow(SIZE), fc.integer({ min: 0, max: 2 }), commands), async ([window, div, ops]) => {
      await runCase(flash, window, ops, div);
    }, { seed, numRuns: Number(process.env.FLASH_RUNS ?? 40), wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });

  test('coverage: every bin of this file was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
