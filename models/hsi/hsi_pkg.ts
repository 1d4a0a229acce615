/**
 * The HSI's wire constants that the PCS needs, as rtl/hsi/hsi_pkg.sv has them (tb/hsi/pkg.test.ts
 * checks that they agree). Hand-written until the HSI has its description; then generated.
 */

/** Bits of a block's scrambled payload. */
export const PAYLOAD_BITS = 64;
/** Bits of a block on the lane: sync header [1:0], payload [65:2], bit 0 first. */
export const BLOCK_BITS = 66;
/** Sync header of a data block: `01` on the lane (bit 0 first), 2'b10 as a [1:0] vector. */
export const SYNC_DATA = 0b10;
/** Sync header of a control block: `10` on the lane, 2'b01 as a [1:0] vector. */
export const SYNC_CTRL = 0b01;

/** Whether a sync header is one of the two valid codes (the others are `00` and `11`). */
export function syncValid(header: number): boolean {
  return header === SYNC_DATA || header === SYNC_CTRL;
}
