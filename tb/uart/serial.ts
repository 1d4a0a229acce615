// Line settings as the bridge's serial transactors take them (no vitest: bench/uart.ts uses it too).
import type { SerialFormat } from '../../bridge/src/index.js';
import { bitCycles, type LineSettings } from '../../models/uart/line.js';
import { Parity } from '../../models/uart/uart_pkg.js';

/** The serial transactors' format for the settings (a UART bit is TICKS_PER_BIT x divisor cycles). */
export function serialFormat(s: LineSettings, skew = 0): SerialFormat {
  return { cyclesPerBit: bitCycles(s), parity: (['none', 'even', 'odd'] as const)[s.parity], stopBits: s.stop2 ? 2 : 1, skew };
}

/** 8N1 at the smallest divisor. */
export const FAST: LineSettings = { divisor: 1, parity: Parity.None, stop2: false };
