/**
 * One run of the headline, whatever ran it: its events in time order, each cell's outcome (healed
 * when, by whom, against which bound), so the timeline's summary and the report are written once
 * for the fleet model and the RTL.
 */
import { BENCH_FLASH_TIMING, type FlashTiming } from '../models/cell/flash_timing.js';
import { healBound, type HealBound } from '../models/fleet/heal_bound.js';
import type { SimEvent } from './events.js';
import type { ErroredKind, Headline } from './headline.js';

/** The flash part and line of `make sim` (the benches' realistic ones). */
export const SIM_PLATFORM = { timing: BENCH_FLASH_TIMING as FlashTiming, flashDiv: 0, uartDiv: 1, regionBytes: 1 << 20, partBytes: 1 << 21 } as const;

/** One cell's outcome. */
export interface CellOutcome {
  readonly cell: number;
  /** What it held at power-on; undefined: the valid image. */
  readonly errored?: ErroredKind;
  /** The cycle of its ANNOUNCE of the newest version valid (errored cells only). */
  readonly healedAt?: number;
  /** The cell that sent it the image. */
  readonly updater?: number;
  readonly bound?: HealBound;
}

/** A finished run. */
export interface SimRun {
  readonly engine: 'models' | 'rtl';
  readonly headline: Headline;
  readonly events: readonly SimEvent[];
  /** The last cycle simulated. */
  readonly end: number;
  readonly cells: readonly CellOutcome[];
  readonly wallSeconds: number;
  readonly charCycles: number;
}

/** Each cell's outcome, from the events alone (passive observation). */
export function outcomes(h: Headline, events: readonly SimEvent[], charCycles: number): CellOutcome[] {
  return Array.from({ length: h.cells }, (_, cell) => {
    const errored = h.errored.get(cell);
    if (errored === undefined) return { cell };
    const healed = events.find((e) => e.kind === 'message' && e.name === 'Announce' && e.src === cell
      && e.fields.status === 1 && e.fields.fw_version === h.version && e.time > 0
      && events.some((c) => c.kind === 'chunk' && c.dst === cell && c.time < e.time));
    const last = events.flatMap((e) => (e.kind === 'chunk' && e.dst === cell ? [e] : [])).at(-1);
    const updater = last?.src;
    const messages = events.flatMap((e) => (e.kind === 'message' ? [e] : []));
    // The path that finished the image: a transfer that fell back to the management bus is held to that path's bound.
    const bound = updater === undefined ? undefined : healBound(messages, updater, cell, {
      imageBytes: h.imageBytes, timing: SIM_PLATFORM.timing, flashDiv: SIM_PLATFORM.flashDiv, charCycles, path: last?.path,
    });
    return { cell, errored, healedAt: healed?.time, updater, bound };
  });
}
