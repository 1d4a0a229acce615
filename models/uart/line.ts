/**
 * The management line at character level: the UART's bit timing, parity and character format,
 * the wired-AND arbitration of characters that start together, and a decoder that turns the
 * line's edges back into characters and timing violations (the protocol checker's engine).
 * Names follow rtl/uart/ (LCR.PARITY's Parity codes, DIV.DIVISOR, TICKS_PER_BIT ticks per bit,
 * all from uart_desc.json).
 */
import { Parity, TICKS_PER_BIT } from './uart_pkg.js';

/** What DIV and LCR program. */
export interface LineSettings {
  /** DIV.DIVISOR: one 16x tick every `divisor` cycles; 0 acts as 1. */
  readonly divisor: number;
  readonly parity: Parity;
  /** LCR.STOP2: two stop bits. */
  readonly stop2: boolean;
}

/** Clock cycles per bit. */
export function bitCycles(s: LineSettings): number {
  return TICKS_PER_BIT * Math.max(1, s.divisor);
}

/** Bits per character: start, 8 data, parity, stop bits. */
export function charBits(s: LineSettings): number {
  return 10 + (s.parity === Parity.None ? 0 : 1) + (s.stop2 ? 1 : 0);
}

/** Cycles from a character's start edge to the middle of its first stop bit, where a receiver decides it (and the line's idle time begins). */
export function rxDecideCycles(s: LineSettings): number {
  return (charBits(s) - (s.stop2 ? 2 : 1) + 0.5) * bitCycles(s);
}

/** Clock cycles per character. */
export function charCycles(s: LineSettings): number {
  return charBits(s) * bitCycles(s);
}

/**
 * Carrier sense: the earliest cycle a sender may start after another sender's character that
 * started at `start`, one whole character of idle line after its end. (Its own next character
 * may follow back to back, at `start + charCycles`.)
 */
export function earliestOtherStart(start: number, s: LineSettings): number {
  return start + 2 * charCycles(s);
}

/** The most characters a line can carry per 1000 cycles: back to back, no idle time. */
export function boundPerKcycle(s: LineSettings): number {
  return 1000 / charCycles(s);
}

/** The receiver's sample ticks of a bit, counted from the tick that first saw the start bit low (majority of three). */
export const RX_VOTE_TICKS = [6, 7, 8] as const;

/** Edges of the band of baud skews a receiver takes back to back (`skew`: the sender's bit is 1 + skew of ours). */
export interface SkewWindow {
  /** The fastest sender received (negative). */
  readonly fast: number;
  /** The slowest sender received. */
  readonly slow: number;
}

/**
 * The receiver's tolerance for a sender `skew` off whose characters come back to back, from its
 * sample points: the start bit is seen 0 to 1 tick after its edge, and bit k is the majority of
 * ticks 16k + 6..8 from there, so it is right while the middle vote (16k + 7 … 16k + 8) lies in
 * the sender's bit k, [16k (1 + skew), 16 (k + 1)(1 + skew)). A slow sender fails first at the
 * start of the first stop bit K: 16K + 7 ≥ 16K (1 + skew). A fast one at the end of the last
 * high bit before the next start edge (the stop bits, whose decision tick is already a hunting
 * tick), or with two stop bits at the end of the bit before them.
 */
export function rxSkewWindow(s: LineSettings): SkewWindow {
  const [, mid, last] = RX_VOTE_TICKS;
  const k = 9 + (s.parity === Parity.None ? 0 : 1);  // the first stop bit
  const end = (bit: number, bits: number): number => (TICKS_PER_BIT * bit + last) / (TICKS_PER_BIT * bits) - 1;
  return { fast: Math.max(end(k, k + (s.stop2 ? 2 : 1)), end(k - 1, k)), slow: mid / (TICKS_PER_BIT * k) };
}

/** The parity bit of `byte`, or undefined without parity. */
export function parityBit(byte: number, parity: Parity): 0 | 1 | undefined {
  if (parity === Parity.None) return undefined;
  let ones = 0;
  for (let b = byte & 0xff; b; b >>= 1) ones += b & 1;
  return ((ones + (parity === Parity.Odd ? 1 : 0)) & 1) as 0 | 1;
}

/** The line levels of one character, start bit first, data LSB first. */
export function frameBits(byte: number, s: LineSettings): number[] {
  const bits = [0];
  for (let i = 0; i < 8; i++) bits.push((byte >> i) & 1);
  const p = parityBit(byte, s.parity);
  if (p !== undefined) bits.push(p);
  bits.push(1);
  if (s.stop2) bits.push(1);
  return bits;
}

/** The result of characters started on the same bit of a wired-AND line. */
export interface Arbitration {
  /** The character the line carries (the AND of all). */
  readonly line: number[];
  /** Senders whose whole character went out (several if they sent the same bits). */
  readonly winners: number[];
  /** For each loser, the bit index where it read 0 while driving 1. */
  readonly lostAt: ReadonlyMap<number, number>;
}

/** Arbitrates characters that start together: a 0 wins, bit by bit, like CAN. */
export function arbitrate(bytes: readonly number[], s: LineSettings): Arbitration {
  const frames = bytes.map((b) => frameBits(b, s));
  const lostAt = new Map<number, number>();
  const line: number[] = [];
  for (let i = 0; i < frames[0]!.length; i++) {
    // Only those still driving count: a loser releases the line at once.
    const active = frames.map((_, who) => who).filter((who) => !lostAt.has(who));
    const level = Math.min(...active.map((who) => frames[who]![i]!));
    line.push(level);
    for (const who of active) if (frames[who]![i] === 1 && level === 0) lostAt.set(who, i);
  }
  return { line, winners: bytes.map((_, i) => i).filter((i) => !lostAt.has(i)), lostAt };
}

/** A character decoded from the line. */
export interface LineChar {
  readonly value: number;
  /** Cycle of its start edge. */
  readonly start: number;
  readonly parityError: boolean;
  readonly framingError: boolean;
  /** Low for the whole character. */
  readonly break: boolean;
}

/** A timing rule the line broke. */
export interface LineViolation {
  readonly cycle: number;
  readonly reason: string;
}

/**
 * Decodes a line from its edges (the cycle of every change, in order). Every edge inside a
 * character must fall within `tolerance` cycles of one of its bit boundaries, so a sender with
 * the wrong divisor or one starting inside another's character shows up; a falling edge that
 * comes after a character's end starts the next one, so the line must be idle high between
 * characters. Levels are read in the middle of each bit.
 */
export class LineDecoder {
  readonly chars: LineChar[] = [];
  readonly violations: LineViolation[] = [];
  private level = 1;
  private start?: number;
  private edges: { cycle: number; level: number }[] = [];

  /** @param tolerance cycles an edge may sit off a bit boundary (jitter of ticks, synchronizers). */
  constructor(readonly settings: LineSettings, readonly tolerance: number) {}

  /** The line changed to `level` at `cycle`. */
  edge(cycle: number, level: number): void {
    this.advance(cycle);
    if (this.start === undefined) {
      if (level === 0 && this.level === 1) this.start = cycle;
    } else {
      const bit = bitCycles(this.settings);
      const off = (cycle - this.start) % bit;
      const dist = Math.min(off, bit - off);
      if (dist > this.tolerance) {
        this.violations.push({ cycle, reason: `edge ${dist} cycles off a bit boundary of the character started at cycle ${this.start} (bit = ${bit} cycles, tolerance ${this.tolerance})` });
      }
      this.edges.push({ cycle, level });
    }
    this.level = level;
  }

  /** Finishes every character that has ended by `cycle`. */
  advance(cycle: number): void {
    if (this.start === undefined || cycle < this.start + charCycles(this.settings) - this.tolerance) return;
    this.finish();
  }

  private finish(): void {
    const start = this.start!;
    const bit = bitCycles(this.settings);
    const levelAt = (t: number): number => {
      let v = 0;  // the start edge
      for (const e of this.edges) if (e.cycle <= t) v = e.level;
      return v;
    };
    const bits = Array.from({ length: charBits(this.settings) }, (_, k) => levelAt(start + Math.floor((k + 0.5) * bit)));
    if (bits[0] !== 0) this.violations.push({ cycle: start, reason: `start bit at cycle ${start} is shorter than half a bit` });
    let value = 0;
    for (let i = 0; i < 8; i++) value |= bits[1 + i]! << i;
    const p = parityBit(value, this.settings.parity);
    const stops = bits.slice(p === undefined ? 9 : 10);
    const framingError = stops.some((b) => b === 0);
    this.chars.push({
      value,
      start,
      parityError: p !== undefined && bits[9] !== p,
      framingError,
      break: framingError && bits.every((b) => b === 0),
    });
    this.start = undefined;
    this.edges = [];
  }
}
