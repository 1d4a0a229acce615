// Random operations for the flash testbench: addresses biased to a few sectors so reads meet
// earlier programs, lengths across page boundaries, every op of both faces.
import fc from 'fast-check';
import type { FlashRequest } from '../../models/flash/spi_flash_ctrl.js';
import { FlashOp } from '../../models/flash/spi_flash_pkg.js';
import type { Face } from './env.js';

/** An operation on a face. */
export interface FaceOp {
  readonly face: Face;
  readonly req: FlashRequest;
}

/** Addresses: mostly in sectors 0..3 and the first sector of the next 64 KiB blocks, sometimes anywhere. */
export const address = (sizeBytes: number): fc.Arbitrary<number> => fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xfff })).map(([s, o]) => s * 0x1000 + o) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: sizeBytes / 0x10000 - 1 }), fc.integer({ min: 0, max: 0x1fff })).map(([b, o]) => b * 0x10000 + o) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffff }) },
);

/** Lengths: short (an empty one too), around a page, and a few pages. */
export const length = (max: number): fc.Arbitrary<number> => fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: 240, max: Math.min(272, max) }),
  fc.integer({ min: 1, max }),
);

/** One random operation on a random face (CSR programs fit the TX FIFO: at most 256 bytes). */
export const faceOp = (sizeBytes: number): fc.Arbitrary<FaceOp> =>
  fc.tuple(fc.constantFrom<Face>('stream', 'csr'), address(sizeBytes)).chain(([face, addr]) => {
    const maxProgram = face === 'csr' ? 256 : 700;
    const read = fc.tuple(fc.constantFrom(FlashOp.Read, FlashOp.FastRead, FlashOp.Crc), length(700)).map(([op, len]) => ({ op, addr, len }));
    const program = length(maxProgram).chain((len) => fc.uint8Array({ minLength: len, maxLength: len }).map((data) => ({ op: FlashOp.Program, addr, len, data })));
    const erase = fc.constantFrom(FlashOp.SectorErase, FlashOp.BlockErase, FlashOp.ChipErase).map((op) => ({ op, addr, len: 0 }));
    // 0, 12 and 15 are no op: refused with FlashErr.Command.
    const unknown = [0, 12, 15].map((code) => code as FlashOp);
    const small = fc.constantFrom(FlashOp.ReadStatus, FlashOp.ReadId, FlashOp.WriteEnable, FlashOp.WriteDisable, ...unknown).map((op) => ({ op, addr, len: 0 }));
    return fc.oneof(
      { weight: 5, arbitrary: read },
      { weight: 5, arbitrary: program },
      { weight: 2, arbitrary: erase },
      { weight: 2, arbitrary: small },
    ).map((req): FaceOp => ({ face, req }));
  });

/** A write-protect window: empty (base above limit) or a range inside the part. */
export const protectWindow = (sizeBytes: number): fc.Arbitrary<{ base: number; limit: number }> => fc.oneof(
  fc.constant({ base: 0xffffff, limit: 0 }),
  fc.tuple(fc.integer({ min: 0, max: sizeBytes - 1 }), fc.integer({ min: 0, max: 0x20000 }))
    .map(([base, span]) => ({ base, limit: Math.min(base + span, 0xffffff) })),
);
