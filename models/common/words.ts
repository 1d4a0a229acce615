/**
 * Bytes and the 32-bit little-endian words a CSR FIFO carries them in (byte 0 in bits [7:0]),
 * as the flash controller's TXDATA and RXDATA do.
 */

/** `bytes` as words, the last one padded with zeros. */
export function toWords(bytes: ArrayLike<number>): number[] {
  return Array.from({ length: Math.ceil(bytes.length / 4) }, (_, k) => {
    let w = 0;
    for (let i = 0; i < 4 && 4 * k + i < bytes.length; i++) w |= (bytes[4 * k + i]! & 0xff) << (8 * i);
    return w >>> 0;
  });
}

/** The first `n` bytes of `words`. */
export function fromWords(words: readonly number[], n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (words[i >> 2]! >>> (8 * (i & 3))) & 0xff);
}

/** `a` and `b` hold the same bytes. */
export function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
