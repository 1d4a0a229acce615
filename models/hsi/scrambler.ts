/**
 * The self-synchronizing scrambler of IEEE 802.3 clause 49 (49.2.6), G(x) = 1 + x^39 + x^58,
 * over the 64-bit payload of a 66-bit block (bit 0 first; the sync header is not scrambled), as
 * rtl/hsi/hsi_scrambler.sv and hsi_descrambler.sv compute it: a block at a time, from a 58-bit
 * state whose bit j is the line bit sent 58 - j bits before the block's bit 0. The bit-serial
 * reference (`serialScramble`, `serialDescramble`) is written from the polynomial alone; the
 * tests hold the block form to it.
 */

const M6 = (1n << 6n) - 1n;
const M25 = (1n << 25n) - 1n;
const M39 = (1n << 39n) - 1n;
const M58 = (1n << 58n) - 1n;
const M64 = (1n << 64n) - 1n;

/** The polynomial's taps: s(n) = d(n) ^ s(n - 39) ^ s(n - 58). */
export const SCRAMBLER_TAPS = [39, 58] as const;

/** The RTL scrambler's reset state (hsi_scrambler's ResetState): all ones. @defaultValue */
export const SCRAMBLER_RESET_STATE = M58;

/** The result of one block: the output payload and the state after it. */
export interface ScrambleStep {
  readonly payload: bigint;
  readonly state: bigint;
}

/** Scrambles a 64-bit payload from `state` in two word-wide stages, as the RTL does. */
export function scramble(state: bigint, payload: bigint): ScrambleStep {
  const lo = (payload & M39) ^ (state >> 19n) ^ (state & M39);
  const hi = ((payload >> 39n) & M25) ^ (lo & M25) ^ (((lo & M6) << 19n) | (state >> 39n));
  const s = lo | (hi << 39n);
  return { payload: s, state: s >> 6n };
}

/** Descrambles a 64-bit line payload from `state`: every term is a line bit. */
export function descramble(state: bigint, payload: bigint): ScrambleStep {
  const t39 = (state >> 19n) | ((payload & M25) << 39n);
  const t58 = state | ((payload & M6) << 58n);
  return { payload: (payload ^ t39 ^ t58) & M64, state: payload >> 6n };
}

/** History of line bits, newest first, as the polynomial reads it: `h[k - 1]` = s(n - k). */
function historyOf(state: bigint): number[] {
  return Array.from({ length: 58 }, (_, k) => Number((state >> BigInt(57 - k)) & 1n));
}

function stateOf(history: readonly number[]): bigint {
  let st = 0n;
  for (let k = 0; k < 58; k++) st |= BigInt(history[k]!) << BigInt(57 - k);
  return st;
}

function serial(state: bigint, payload: bigint, line: (inBit: number, taps: number) => { out: number; sent: number }): ScrambleStep {
  const h = historyOf(state);
  let out = 0n;
  for (let i = 0; i < 64; i++) {
    let taps = 0;
    for (const t of SCRAMBLER_TAPS) taps ^= h[t - 1]!;
    const r = line(Number((payload >> BigInt(i)) & 1n), taps);
    out |= BigInt(r.out) << BigInt(i);
    h.unshift(r.sent);
    h.pop();
  }
  return { payload: out, state: stateOf(h) };
}

/** Bit-serial scrambler, one bit at a time from the polynomial: the reference for {@link scramble}. */
export function serialScramble(state: bigint, payload: bigint): ScrambleStep {
  return serial(state, payload, (d, taps) => ({ out: d ^ taps, sent: d ^ taps }));
}

/** Bit-serial descrambler: the reference for {@link descramble}. */
export function serialDescramble(state: bigint, payload: bigint): ScrambleStep {
  return serial(state, payload, (s, taps) => ({ out: s ^ taps, sent: s }));
}

/** hsi_scrambler on 66-bit blocks: the header passes, the payload [65:2] is scrambled. */
export class HsiScrambler {
  /** @defaultValue {@link SCRAMBLER_RESET_STATE} */
  constructor(public state: bigint = SCRAMBLER_RESET_STATE) {}

  block(block: bigint): bigint {
    const r = scramble(this.state, block >> 2n);
    this.state = r.state;
    return (r.payload << 2n) | (block & 3n);
  }
}

/** hsi_descrambler on 66-bit blocks (its reset state is 0; any state synchronizes in one block). */
export class HsiDescrambler {
  /** @defaultValue 0 */
  constructor(public state = 0n) {}

  block(block: bigint): bigint {
    const r = descramble(this.state, block >> 2n);
    this.state = r.state;
    return (r.payload << 2n) | (block & 3n);
  }
}
