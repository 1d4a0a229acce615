// The CRCs are pinned by their catalogue check values and DESIGN.md's framing vector.
import { expect, test } from 'vitest';
import { crc16Mcrf4xx, crc32, crc32Update } from '../../models/common/crc.js';

const check = new TextEncoder().encode('123456789');

test('CRC-32 check value CBF43926h, and in pieces', () => {
  expect(crc32(check)).toBe(0xcbf43926);
  expect((crc32Update(check.subarray(4), crc32Update(check.subarray(0, 4))) ^ 0xffffffff) >>> 0).toBe(0xcbf43926);
  expect(crc32([])).toBe(0);
});

test('CRC-16/MCRF4XX check value 6F91h and the DSP0253 vector FCS 2BC1h', () => {
  expect(crc16Mcrf4xx(check)).toBe(0x6f91);
  expect(crc16Mcrf4xx([0x01, 0x07, 0x01, 0x00, 0x08, 0xc8, 0x00, 0x80, 0x02])).toBe(0x2bc1);
});
