// The image checker (rtl/cell/image_check.sv, window 4 of cell_top) on cell_pair_tb, against the
// rule of models/image.ts (checkImage) and the register-level checker of
// models/cell/image_checker.ts: every status with its result registers, checks in a row, the
// region's edge, a 256 KiB image, and random images of 1 B … 8 KiB in every variant. Each check
// waits for CHECK_DONE on irq_o (one round trip, where polling STATUS costs one per 256 cycles).
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { CoverGroup, simProperty, type Simulator } from '../../bridge/src/index.js';
import { wavePath } from '../../bridge/src/vitest.js';
import { CELL_CTRL_IRQ_ENABLE, CELL_CTRL_IRQ_STATUS, CELL_CTRL_OFFSET } from '../../models/cell/cell_ctrl_pkg.js';
import { CellWindow, WINDOW_BYTES } from '../../models/cell/cell_pkg.js';
import { FlashArbiter } from '../../models/cell/flash_arbiter.js';
import { BENCH_FLASH_TIMING, flashOpCycles } from '../../models/cell/flash_timing.js';
import {
  IMAGE_CHECK_CTRL, IMAGE_CHECK_OFFSET, IMAGE_CHECK_STATUS, IMAGE_HDR_CRC_BYTES, IMAGE_HEADER_BYTES, IMAGE_MAGIC, ImageHeader,
} from '../../models/cell/image_check_pkg.js';
import { ImageCheckerModel } from '../../models/cell/image_checker.js';
import { EventQueue } from '../../models/cell/scheduler.js';
import { crc32 } from '../../models/common/crc.js';
import { FLASH_OFFSET, FlashErr, FlashOp, PAGE_BYTES } from '../../models/flash/spi_flash_pkg.js';
import { SpiNor } from '../../models/flash/spi_nor.js';
import { buildImage, checkImage, ImageStatus, judgeHeader, patternBody, variant, type ImageVariant } from '../../models/image.js';
import { hex } from '../common/hex.js';
import { hexDiff } from '../flash/env.js';
import { cellTest, REGION_BYTES, type CellEnv, type CellPair } from './env.js';

// The 256 KiB check alone is 4.2 M cycles of SPI at clk / 2: the limit is per run of the model.
const test = cellTest({ simTimeout: [60, 'ms'] });

/** cell_pair_tb's parts (SizeBytes). */
const PART_BYTES = 1 << 21;

/** How a case spoils its image. */
type Spoil =
  | { readonly kind: ImageVariant; readonly at: number }
  | { readonly kind: 'bad-magic'; readonly magic: number }
  | { readonly kind: 'hdr-crc'; readonly bit: number }
  | { readonly kind: 'too-long'; readonly bodyLen: number }
  | { readonly kind: 'erased-header' }
  | { readonly kind: 'erased-but-one'; readonly at: number; readonly value: number }
  | { readonly kind: 'hdr-version'; readonly hdrVersion: number };

/** What DESIGN.md section 4 and rtl/cell/README.md say each spoil checks as. */
const SPEC: Readonly<Record<Spoil['kind'], ImageStatus>> = {
  valid: ImageStatus.Valid,
  outdated: ImageStatus.Valid,
  'hdr-version': ImageStatus.Valid,  // reported, not judged
  missing: ImageStatus.Missing,
  'erased-header': ImageStatus.Missing,  // the header decides, whatever the body holds
  'corrupt-header': ImageStatus.CorruptHeader,
  'bad-magic': ImageStatus.CorruptHeader,
  'hdr-crc': ImageStatus.CorruptHeader,
  'too-long': ImageStatus.CorruptHeader,
  'erased-but-one': ImageStatus.CorruptHeader,
  'corrupt-body': ImageStatus.CorruptBody,
};

/** `image` with header fields replaced and hdr_crc32 made good again. */
function withHeader(image: Uint8Array, fields: Partial<ImageHeader>): Uint8Array {
  const head = ImageHeader.toBytes({ ...ImageHeader.fromBytes(image.subarray(0, IMAGE_HEADER_BYTES)), ...fields });
  new DataView(head.buffer, head.byteOffset).setUint32(IMAGE_HDR_CRC_BYTES, crc32(head.subarray(0, IMAGE_HDR_CRC_BYTES)), true);
  const out = image.slice();
  out.set(head);
  return out;
}

function spoil(image: Uint8Array, s: Spoil): Uint8Array {
  switch (s.kind) {
    case 'bad-magic':
      return withHeader(image, { magic: s.magic });
    case 'too-long':
      return withHeader(image, { bodyLen: s.bodyLen });
    case 'hdr-version':
      return withHeader(image, { hdrVersion: s.hdrVersion });
    case 'hdr-crc': {
      const out = image.slice();
      out[IMAGE_HDR_CRC_BYTES + (s.bit >> 3)]! ^= 1 << (s.bit & 7);
      return out;
    }
    case 'erased-header':
    case 'erased-but-one': {
      const out = image.slice();
      out.fill(0xff, 0, IMAGE_HEADER_BYTES);
      if (s.kind === 'erased-but-one') out[s.at] = s.value;
      return out;
    }
    default:
      return variant(image, s.kind, s.at);
  }
}

/** The result registers after a check. */
interface Result {
  readonly status: ImageStatus;
  readonly fwVersion: number;
  readonly bodyLen: number;
  readonly bodyCrc: number;
  readonly crcRead: number;
}

/** A result as a person compares it: the status by name, the registers in hex. */
const show = (r: Result) => ({
  status: ImageStatus[r.status], FW_VERSION: hex(r.fwVersion, 8), BODY_LEN: hex(r.bodyLen, 8), BODY_CRC: hex(r.bodyCrc, 8), CRC_READ: hex(r.crcRead, 8),
});

/**
 * What the model checker reports for `flash` (the bytes from offset 0, erased after), and the
 * cycles it takes at CTRL.DIV 0 (the RTL's setting: its bound); the model must agree with
 * checkImage, the rule itself.
 */
function predict(flash: Uint8Array): { readonly result: Result; readonly cycles: number } {
  const chip = new SpiNor({ sizeBytes: PART_BYTES });
  chip.load(flash);
  const q = new EventQueue();
  const arb = new FlashArbiter(chip, q, BENCH_FLASH_TIMING, () => undefined);
  arb.write(FLASH_OFFSET.CTRL, 0);
  const m = new ImageCheckerModel(arb, REGION_BYTES, () => undefined);
  m.write(IMAGE_CHECK_OFFSET.CTRL, IMAGE_CHECK_CTRL.START.put(1));
  while (q.step());
  const reg = (name: keyof typeof IMAGE_CHECK_OFFSET): number => m.read(IMAGE_CHECK_OFFSET[name]).data >>> 0;
  const status = reg('STATUS');
  expect(IMAGE_CHECK_STATUS.DONE.get(status), 'the model checker finished').toBe(1);
  const result: Result = {
    status: IMAGE_CHECK_STATUS.RESULT.get(status), fwVersion: reg('FW_VERSION'), bodyLen: reg('BODY_LEN'), bodyCrc: reg('BODY_CRC'), crcRead: reg('CRC_READ'),
  };
  const ref = checkImage(flash, REGION_BYTES);
  const rule: Result = { status: ref.status, fwVersion: ref.info?.fwVersion ?? 0, bodyLen: ref.info?.bodyLen ?? 0, bodyCrc: ref.info?.bodyCrc32 ?? 0, crcRead: ref.crcRead ?? 0 };
  expect(show(result), 'models/cell/image_checker.ts vs models/image.ts checkImage').toEqual(show(rule));
  return { result, cycles: q.now() };
}

const checkAddr = (offset: number): number => CellWindow.ImageCheck * WINDOW_BYTES + offset;
const ctrlAddr = (offset: number): number => CellWindow.CellCtrl * WINDOW_BYTES + offset;

/** Starts a check on `c`, CHECK_DONE enabled on irq_o. */
async function start(c: CellEnv): Promise<void> {
  const r = await c.apb.batch([
    { kind: 'write', addr: ctrlAddr(CELL_CTRL_OFFSET.IRQ_ENABLE), data: CELL_CTRL_IRQ_ENABLE.CHECK_DONE.put(1) },
    { kind: 'write', addr: checkAddr(IMAGE_CHECK_OFFSET.CTRL), data: IMAGE_CHECK_CTRL.START.put(1) },
  ]);
  expect(r.some((x) => x.slverr), `${c.options.prefix}: START answered slverr`).toBe(false);
}

/** Waits up to `cycles` for CHECK_DONE, then reads the result registers and clears DONE and the interrupt. */
async function finished(c: CellEnv, cycles: number, what: string): Promise<Result> {
  expect(await c.waitIrq(cycles), `${what}: no CHECK_DONE within ${cycles} cycles of START (${c.sim.describeTime()})`).toBe(true);
  const r = await c.apb.batch([
    ...(['STATUS', 'FW_VERSION', 'BODY_LEN', 'BODY_CRC', 'CRC_READ'] as const).map((n) => ({ kind: 'read' as const, addr: checkAddr(IMAGE_CHECK_OFFSET[n]) })),
    { kind: 'write', addr: checkAddr(IMAGE_CHECK_OFFSET.STATUS), data: IMAGE_CHECK_STATUS.DONE.put(1) },
    { kind: 'write', addr: ctrlAddr(CELL_CTRL_OFFSET.IRQ_STATUS), data: CELL_CTRL_IRQ_STATUS.CHECK_DONE.put(1) },
  ]);
  expect(r.some((x) => x.slverr), `${what}: a checker register answered slverr`).toBe(false);
  const [status, fwVersion, bodyLen, bodyCrc, crcRead] = r.map((x) => x.data >>> 0) as [number, number, number, number, number];
  expect({ BUSY: IMAGE_CHECK_STATUS.BUSY.get(status), DONE: IMAGE_CHECK_STATUS.DONE.get(status) }, `${what}: STATUS ${hex(status, 8)} at CHECK_DONE`).toEqual({ BUSY: 0, DONE: 1 });
  return { status: IMAGE_CHECK_STATUS.RESULT.get(status), fwVersion, bodyLen, bodyCrc, crcRead };
}

const cov = new CoverGroup('image_check');
const sizeBins = {
  le256: (n: number) => n <= 256,
  le4k: (n: number) => n > 256 && n <= 4096,
  le8k: (n: number) => n > 4096 && n <= 8192,
  '256k': (n: number) => n > 8192,
};
const statusBins = {
  valid: (s: ImageStatus) => s === ImageStatus.Valid,
  missing: (s: ImageStatus) => s === ImageStatus.Missing,
  corrupt_header: (s: ImageStatus) => s === ImageStatus.CorruptHeader,
  corrupt_body: (s: ImageStatus) => s === ImageStatus.CorruptBody,
};
// Result × the body's size class, but for a corrupt body at 256 KiB: a second 4.2 M-cycle CRC,
// for the comparison the three smaller classes already make.
const resultBySize = cov.point<{ status: ImageStatus; body: number }>('result_x_body_size', Object.fromEntries(
  Object.entries(statusBins).flatMap(([s, fs]) => Object.entries(sizeBins)
    .filter(([z]) => !(s === 'corrupt_body' && z === '256k'))
    .map(([z, fz]) => [`${s} x ${z}`, (v: { status: ImageStatus; body: number }) => fs(v.status) && fz(v.body)])),
));
const spoilKinds = cov.point<Spoil['kind']>('spoil', Object.fromEntries(Object.keys(SPEC).map((k) => [k, (v: string) => v === k])));

/**
 * Checks `c`, whose part holds `bytes` from offset 0: the RTL's status and registers must be the
 * model's, and the model's status what the spec says `kind` is.
 */
async function expectCheck(c: CellEnv, bytes: Uint8Array, kind: Spoil['kind'], what: string): Promise<void> {
  const want = predict(bytes);
  expect(ImageStatus[want.result.status], `${what}: the models' status for a ${kind} image`).toBe(ImageStatus[SPEC[kind]]);
  await start(c);
  const got = await finished(c, 2 * want.cycles + 4096, what);
  expect(show(got), `${what}: the RTL checker (got) vs the model (expected), at ${c.sim.describeTime()}`).toEqual(show(want.result));
  resultBySize.sample({ status: got.status, body: bytes.length - IMAGE_HEADER_BYTES });
  spoilKinds.sample(kind);
}

/**
 * One image on a run of the model that `pair` starts: `bytes` loaded at offset 0 of `cell`'s
 * part (both backdoors) and checked, then both cells' finish (SPI checkers clean, parts equal).
 * One load per run: the SPI checker's part replays the wire only at finish, after every load.
 */
async function checkImageOn(pair: () => Promise<CellPair>, cell: 'c0' | 'c1', bytes: Uint8Array, kind: Spoil['kind'], what: string): Promise<void> {
  const cells = await pair();
  await cells[cell].load(0, bytes);
  await expectCheck(cells[cell], bytes, kind, what);
  await cells.c0.finish();
  await cells.c1.finish();
}

/** Each spoil of `list` applied to `image`, each on a fresh run of the model. */
async function checkEach(sim: Simulator<unknown>, pair: () => Promise<CellPair>, image: Uint8Array, list: readonly Spoil[], what: string, cell: (i: number) => 'c0' | 'c1' = () => 'c0'): Promise<void> {
  for (const [i, s] of list.entries()) {
    await sim.restart();
    await checkImageOn(pair, cell(i), spoil(image, s), s.kind, `${what} on ${cell(i)}, ${JSON.stringify(s)}`);
  }
}

/** Every spoil of a body of `bodyLen` bytes, at the edges of its parameters. */
function directedSpoils(bodyLen: number): Spoil[] {
  return [
    { kind: 'valid', at: 0 },
    { kind: 'outdated', at: 0 },
    { kind: 'hdr-version', hdrVersion: 0xffff },
    { kind: 'missing', at: 0 },
    { kind: 'erased-header' },
    // Byte at % 24, bit at & 7: the magic, hdr_crc32.
    { kind: 'corrupt-header', at: 0 },
    { kind: 'corrupt-header', at: 23 },
    { kind: 'bad-magic', magic: 0xffffffff },
    { kind: 'hdr-crc', bit: 31 },
    // One past the region, 24 + body_len = 2^32 (a 32-bit sum wraps to 0), a length whose low 24 bits fit.
    ...[REGION_BYTES - IMAGE_HEADER_BYTES + 1, 0xffffffe8, 0xffffffff, 0x01000000 + bodyLen].map((n): Spoil => ({ kind: 'too-long', bodyLen: n })),
    { kind: 'erased-but-one', at: 23, value: 0x00 },
    { kind: 'corrupt-body', at: 0 },
    { kind: 'corrupt-body', at: bodyLen * 8 - 1 },
  ];
}

describe('image_check on cell_pair_tb', () => {
  test('every spoil of a 300-byte image, and an empty body: status and registers as the models say', async ({ sim, pair }) => {
    const { c0 } = await pair();
    expect(await c0.read('check', 'REGION'), 'REGION.BYTES').toBe(REGION_BYTES);
    expect(ImageStatus[IMAGE_CHECK_STATUS.RESULT.get(await c0.read('check', 'STATUS'))], 'RESULT before any check').toBe('Unchecked');
    const s = sim as Simulator<unknown>;
    await checkEach(s, pair, buildImage(0x80000001, new Uint8Array(0)), [{ kind: 'valid', at: 0 }], 'empty body');
    await checkEach(s, pair, buildImage(0xfffffffe, patternBody(300, 3), 0xa5a5), directedSpoils(300), '300-byte body');
  });

  test('each result at the edges of the body size classes (1, 4096, 4097, 8192 bytes), on both cells', async ({ sim, pair }) => {
    for (const len of [1, 4096, 4097, 8192]) {
      const list: Spoil[] = [{ kind: 'valid', at: 0 }, { kind: 'missing', at: 0 }, { kind: 'corrupt-header', at: len }, { kind: 'corrupt-body', at: len * 3 }];
      await checkEach(sim as Simulator<unknown>, pair, buildImage(len, patternBody(len, 7 + len)), list, `${len}-byte body`, (i) => (i % 2 ? 'c1' : 'c0'));
    }
  });

  test('checks in a row on one cell, the image rewritten through the flash CSRs between them: no register kept from the last result', async ({ pair }) => {
    const { c0, c1 } = await pair();
    const image = buildImage(0x01020304, patternBody(1000, 11));
    await c0.load(0, image);
    const steps: Spoil[] = [
      { kind: 'valid', at: 0 }, { kind: 'missing', at: 0 }, { kind: 'corrupt-body', at: 500 }, { kind: 'corrupt-header', at: 14 }, { kind: 'outdated', at: 0 },
    ];
    for (const [i, s] of steps.entries()) {
      const bytes = spoil(image, s);
      if (i) {
        expect(FlashErr[await c0.csr({ op: FlashOp.SectorErase, addr: 0, len: 0 })], `step ${i}: erase`).toBe('None');
        if (s.kind !== 'missing') {
          for (let a = 0; a < bytes.length; a += PAGE_BYTES) {
            const data = bytes.subarray(a, a + PAGE_BYTES);
            expect(FlashErr[await c0.csr({ op: FlashOp.Program, addr: a, len: data.length, data })], `step ${i}: program at ${hex(a, 6)}`).toBe('None');
          }
        }
      }
      expect(hexDiff(await c0.flash(0, bytes.length), bytes), `step ${i}: the part holds the ${s.kind} image`).toBe('');
      await expectCheck(c0, bytes, s.kind, `step ${i}, ${JSON.stringify(s)}`);
    }
    await c0.finish();
    await c1.finish();
  });

  test('the region\'s edge: a body ending at its last byte goes on to the body CRC (one byte more is a corrupt header, above)', async ({ pair, bench }) => {
    const { c0, c1 } = await pair();
    const head = spoil(buildImage(9, new Uint8Array(0)), { kind: 'too-long', bodyLen: REGION_BYTES - IMAGE_HEADER_BYTES }).subarray(0, IMAGE_HEADER_BYTES);
    expect(ImageStatus[judgeHeader(head, REGION_BYTES).status], 'models/image.ts judges the header good').toBe('Valid');
    await c0.load(0, head);
    await start(c0);
    // A refused header ends the check within its read; the CRC of the 1 MiB body (16.8 M cycles)
    // is cut by a power loss, a read losing nothing.
    const headerCycles = 2 * flashOpCycles(BENCH_FLASH_TIMING, 0, FlashOp.Read, 0, IMAGE_HEADER_BYTES) + 1024;
    expect(await c0.waitIrq(headerCycles), `CHECK_DONE within ${headerCycles} cycles: the header of a region-filling image was refused`).toBe(false);
    const status = await c0.read('check', 'STATUS');
    expect({ BUSY: IMAGE_CHECK_STATUS.BUSY.get(status), DONE: IMAGE_CHECK_STATUS.DONE.get(status) }, `STATUS ${hex(status, 8)} during the body`).toEqual({ BUSY: 1, DONE: 0 });
    await c0.powerLoss(1, (n) => bench().reset(n));
    await c0.finish();
    await c1.finish();
  });

  test('a 256 KiB image: valid with its registers, then its header erased and corrupted', async ({ sim, pair }) => {
    const image = buildImage(0x00020001, patternBody(256 * 1024 - IMAGE_HEADER_BYTES, 256));
    await checkEach(sim as Simulator<unknown>, pair, image, [{ kind: 'valid', at: 0 }, { kind: 'erased-header' }, { kind: 'corrupt-header', at: 77 }], '256 KiB image');
  }, 120_000);  // 4.2 M cycles, 25–30 s on a 2-vCPU machine beside builds: the simulated-time limit is the one that decides

  test('random images of 1 B … 8 KiB in every spoil, on either cell', async ({ sim, pair, seed, task }) => {
    const spoilArb: fc.Arbitrary<Spoil> = fc.oneof(
      fc.record({ kind: fc.constantFrom<ImageVariant>('valid', 'outdated', 'missing', 'corrupt-header', 'corrupt-body'), at: fc.nat() }),
      fc.record({ kind: fc.constant('bad-magic' as const), magic: fc.oneof(fc.constant(0xffffffff), fc.integer({ min: 0, max: 0xffffffff })).filter((m) => m !== IMAGE_MAGIC) }),
      fc.record({ kind: fc.constant('hdr-crc' as const), bit: fc.nat(31) }),
      fc.record({
        kind: fc.constant('too-long' as const),
        // Half of them with low 24 bits inside the region: a 24-bit compare would take those.
        bodyLen: fc.oneof(
          fc.integer({ min: REGION_BYTES - IMAGE_HEADER_BYTES + 1, max: 0xffffffff }),
          fc.tuple(fc.integer({ min: 1, max: 0xff }), fc.nat(REGION_BYTES - IMAGE_HEADER_BYTES)).map(([hi, lo]) => hi * 2 ** 24 + lo),
        ),
      }),
      fc.constant({ kind: 'erased-header' as const }),
      fc.record({ kind: fc.constant('erased-but-one' as const), at: fc.nat(IMAGE_HEADER_BYTES - 1), value: fc.nat(0xfe) }),
      fc.record({ kind: fc.constant('hdr-version' as const), hdrVersion: fc.integer({ min: 0, max: 0xffff }) }),
    );
    const caseArb = fc.record({
      bodyLen: fc.oneof(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 257, max: 4096 }), fc.integer({ min: 4097, max: 8192 })),
      bodySeed: fc.nat(),
      fwVersion: fc.integer({ min: 1, max: 0xffffffff }),
      flags: fc.integer({ min: 0, max: 0xffff }),
      cell: fc.constantFrom('c0' as const, 'c1' as const),
      spoil: spoilArb,
    });
    await simProperty(sim as Simulator<unknown>, caseArb, async (k) => {
      const image = buildImage(k.fwVersion, patternBody(k.bodyLen, k.bodySeed), k.flags);
      await checkImageOn(pair, k.cell, spoil(image, k.spoil), k.spoil.kind, `${k.bodyLen}-byte body on ${k.cell}, ${JSON.stringify(k.spoil)}`);
    }, { seed, numRuns: 40, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });

  test('coverage: every image_check bin was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
