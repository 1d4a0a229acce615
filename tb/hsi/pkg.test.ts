// The wire constants are typed twice until the HSI's description generates them: here both
// copies must agree (rtl/hsi/hsi_pkg.sv and models/hsi/hsi_pkg.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../../bridge/src/paths.js';
import { BLOCK_BITS, PAYLOAD_BITS, SYNC_CTRL, SYNC_DATA, syncValid } from '../../models/hsi/hsi_pkg.js';

/** `localparam <type> Name = <value>;` of the package, as numbers (sized literals or plain decimals). */
function svConstants(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of readFileSync(file, 'utf8').matchAll(/localparam\s+[^=;]*?\b(\w+)\s*=\s*([^;]+);/g)) {
    const v = m[2]!.trim();
    const sized = /^\d*'([bdh])([0-9a-fA-F_]+)$/.exec(v);
    const n = sized ? parseInt(sized[2]!.replace(/_/g, ''), { b: 2, d: 10, h: 16 }[sized[1] as 'b' | 'd' | 'h']) : /^\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isNaN(n)) throw new Error(`${file}: cannot read the value of ${m[1]} (${v})`);
    out.set(m[1]!, n);
  }
  return out;
}

test('hsi_pkg.sv and hsi_pkg.ts hold the same sync headers and sizes; data is `01` on the lane, bit 0 first', () => {
  const sv = svConstants(path.join(ROOT, 'rtl/hsi/hsi_pkg.sv'));
  expect(Object.fromEntries(sv)).toEqual({ PayloadBits: PAYLOAD_BITS, BlockBits: BLOCK_BITS, SyncData: SYNC_DATA, SyncCtrl: SYNC_CTRL });
  // Transmission order: bit 0 first, so `01` (data) is 0 then 1.
  expect([SYNC_DATA & 1, SYNC_DATA >> 1]).toEqual([0, 1]);
  expect([SYNC_CTRL & 1, SYNC_CTRL >> 1]).toEqual([1, 0]);
  expect([0, 1, 2, 3].filter(syncValid)).toEqual([SYNC_CTRL, SYNC_DATA]);
});
