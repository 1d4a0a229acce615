// models/image.ts: the image format of DESIGN.md section 4 pinned by a vector, and the checker's
// rule over every variant, random bodies and random corruptions.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { seededTest } from '../../bridge/src/vitest.js';
import { IMAGE_HEADER_BYTES } from '../../models/cell/image_check_pkg.js';
import { buildImage, checkImage, ImageStatus, patternBody, variant, type ImageVariant } from '../../models/image.js';

// Computed once (and cross-checked with Python's zlib.crc32 and struct.pack('<HHIII')): version
// 01020304h, flags 1, the body "cellbench".
const VECTOR = '4346573101000100040302010900000098fa368854809e8163656c6c62656e6368';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('image format', () => {
  test('the kept vector: magic, versions, length, both CRCs, body', () => {
    const img = buildImage(0x01020304, new TextEncoder().encode('cellbench'), 1);
    expect(hex(img)).toBe(VECTOR);
    expect(checkImage(img)).toEqual({
      status: ImageStatus.Valid,
      info: { fwVersion: 0x01020304, bodyLen: 9, bodyCrc32: 0x8836fa98, flags: 1, hdrVersion: 1 },
      crcRead: 0x8836fa98,
      imageBytes: 33,
    });
  });

  test.each<[ImageVariant, ImageStatus]>([
    ['valid', ImageStatus.Valid],
    ['missing', ImageStatus.Missing],
    ['corrupt-header', ImageStatus.CorruptHeader],
    ['corrupt-body', ImageStatus.CorruptBody],
    ['outdated', ImageStatus.Valid],
  ])('variant %s checks as %s', (v, status) => {
    const img = buildImage(7, patternBody(300, 1));
    const got = checkImage(variant(img, v, 5));
    expect(ImageStatus[got.status]).toBe(ImageStatus[status]);
    if (v === 'outdated') expect(got.info?.fwVersion).toBe(6);
  });

  test('a body beyond the region is a corrupt header; erased flash shorter than a header is missing', () => {
    const img = buildImage(1, patternBody(100, 2));
    expect(checkImage(img, IMAGE_HEADER_BYTES + 99).status).toBe(ImageStatus.CorruptHeader);
    expect(checkImage(img, IMAGE_HEADER_BYTES + 100).status).toBe(ImageStatus.Valid);
    expect(checkImage(new Uint8Array(0)).status).toBe(ImageStatus.Missing);
  });

  seededTest('any body builds valid; any single flipped bit is corrupt header or body, by where it is', ({ seed }) => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), fc.nat(), fc.nat({ max: 7 }), fc.nat(), (body, at, bit, version) => {
        const img = buildImage(version, body);
        expect(checkImage(img).status).toBe(ImageStatus.Valid);
        const bad = img.slice();
        const i = at % img.length;
        bad[i]! ^= 1 << bit;
        expect(checkImage(bad).status).toBe(i < IMAGE_HEADER_BYTES ? ImageStatus.CorruptHeader : ImageStatus.CorruptBody);
      }),
      { seed, numRuns: 300 },
    );
  });
});
