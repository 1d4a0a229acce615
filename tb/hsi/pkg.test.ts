// DESIGN.md fixes the sync headers in transmission order: `01` data, `10` control, bit 0 first.
// The description (rtl/hsi/hsi_desc.json) gives them as [1:0] vectors; this pins the two readings
// to each other, and the model's test of a header to the description.
import { expect, test } from 'vitest';
import { syncValid } from '../../models/hsi/block_lock.js';
import { BLOCK_BITS, PAYLOAD_BITS, SyncHeader } from '../../models/hsi/hsi_pkg.js';

/** A header as the lane carries it, bit 0 first. */
const onLane = (h: number): string => `${h & 1}${h >> 1}`;

test('sync headers: data is 01 and control 10 on the lane; 00 and 11 are invalid; a block is the header and 64 payload bits', () => {
  expect(onLane(SyncHeader.Data)).toBe('01');
  expect(onLane(SyncHeader.Ctrl)).toBe('10');
  expect([0, 1, 2, 3].filter(syncValid)).toEqual([SyncHeader.Ctrl, SyncHeader.Data]);
  expect(BLOCK_BITS).toBe(PAYLOAD_BITS + 2);
});
