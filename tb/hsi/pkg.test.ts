// DESIGN.md fixes the sync headers in transmission order: `01` data, `10` control, bit 0 first.
// The description (rtl/hsi/hsi_desc.json) gives them as [1:0] vectors; this pins the two readings
// to each other, and the model's test of a header to the description.
import { expect, test } from 'vitest';
import { syncValid } from '../../models/hsi/block_lock.js';
import { AckBlock, BLOCK_BITS, BlockType, CREDIT_BITS, FcBlock, MAX_FRAME_BYTES, PAYLOAD_BITS, SEQ_BITS, SofBlock, SyncHeader } from '../../models/hsi/hsi_pkg.js';

/** A header as the lane carries it, bit 0 first. */
const onLane = (h: number): string => `${h & 1}${h >> 1}`;

test('sync headers: data is 01 and control 10 on the lane; 00 and 11 are invalid; a block is the header and 64 payload bits', () => {
  expect(onLane(SyncHeader.Data)).toBe('01');
  expect(onLane(SyncHeader.Ctrl)).toBe('10');
  expect([0, 1, 2, 3].filter(syncValid)).toEqual([SyncHeader.Ctrl, SyncHeader.Data]);
  expect(BLOCK_BITS).toBe(PAYLOAD_BITS + 2);
});

test('control-block types differ pairwise in at least 4 bits, so no 1- to 3-bit error turns one into another', () => {
  const codes = Object.values(BlockType).filter((v): v is number => typeof v === 'number');
  expect(codes.length).toBe(6);
  const weight = (x: number): number => (x === 0 ? 0 : (x & 1) + weight(x >>> 1));
  for (const a of codes) for (const b of codes) if (a !== b) expect(weight(a ^ b), `${BlockType[a]} vs ${BlockType[b]}`).toBeGreaterThanOrEqual(4);
});

test('a frame header fits its SOF: len holds 1..MAX_FRAME_BYTES, seq and the FC counter their constants', () => {
  const field = (f: { fields: readonly { name: string; width: number }[] }, n: string): number => f.fields.find((x) => x.name === n)!.width;
  expect(2 ** field(SofBlock, 'len')).toBeGreaterThan(MAX_FRAME_BYTES);
  expect(field(SofBlock, 'seq')).toBe(SEQ_BITS);
  expect(field(AckBlock, 'seq')).toBe(SEQ_BITS);
  expect(field(FcBlock, 'credits')).toBe(CREDIT_BITS);
});
