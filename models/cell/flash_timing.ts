/**
 * What a flash operation costs in clock cycles: the SPI shift of its command, address and data
 * bytes at SCLK = clk / (2 (DIV + 1)) (8 SCLK per byte) plus the part's busy time (tPP per page
 * program, tSE, tBE, tCE). These are the bound's terms (bench/flash.ts counts the same), so the
 * cell model takes as long as the RTL may at best, and its heal times bound the RTL's.
 */
import { FlashOp, PAGE_BYTES } from '../flash/spi_flash_pkg.js';

/** The part's busy times in cycles (the flash bench's part: tPP 20 000, tSE 100 000, tBE 400 000). */
export interface FlashTiming {
  readonly tPP: number;
  readonly tSE: number;
  readonly tBE: number;
  /** @defaultValue 16 × tBE */
  readonly tCE?: number;
}

/** The flash bench's part. */
export const BENCH_FLASH_TIMING: FlashTiming = { tPP: 20_000, tSE: 100_000, tBE: 400_000 };

/** Cycles of one SPI byte at CTRL.DIV = `div`. */
export const spiByteCycles = (div: number): number => 16 * (div + 1);

/** Cycles of `op` on `len` bytes from `addr`, at `div`. */
export function flashOpCycles(t: FlashTiming, div: number, op: FlashOp, addr: number, len: number): number {
  const b = spiByteCycles(div);
  switch (op) {
    case FlashOp.Read:
    case FlashOp.Crc:
      return len ? (4 + len) * b : 0;
    case FlashOp.FastRead:
      return len ? (5 + len) * b : 0;
    case FlashOp.Program: {
      let c = 0;
      for (let at = 0; at < len;) {
        const n = Math.min(PAGE_BYTES - ((addr + at) % PAGE_BYTES), len - at);
        c += (4 + n) * b + t.tPP;
        at += n;
      }
      return c;
    }
    case FlashOp.SectorErase:
      return 4 * b + t.tSE;
    case FlashOp.BlockErase:
      return 4 * b + t.tBE;
    case FlashOp.ChipErase:
      return b + (t.tCE ?? 16 * t.tBE);
    case FlashOp.ReadStatus:
    case FlashOp.ReadId:
      return 4 * b;
    default:
      return b;
  }
}
