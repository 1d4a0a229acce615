// Hex formatting for testbench messages (expected vs got), one place for every block.

/** `0x..` with at least `digits` digits. @defaultValue digits 2 */
export function hex(v: number, digits = 2): string {
  return `0x${v.toString(16).padStart(digits, '0')}`;
}

/** Bytes as `12 ab 00`, so two sequences compare and diff as strings. */
export function hexBytes(b: ArrayLike<number>): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}
