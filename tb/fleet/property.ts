// The fleet property (issue 15): random fleets (N 2..16, each cell valid vK, corrupt or missing)
// and random faults that stop at a random time; every cell converges to the newest valid image,
// or every cell reports none, within a bound derived from the firmware's settings and the
// part's times, counted from the last fault. Shared by the test (tb/fleet/property.test.ts)
// and the bench (bench/fleet.ts: cases per second).
import fc from 'fast-check';
import { flashOpCycles, type FlashTiming } from '../../models/cell/flash_timing.js';
import { Fleet, type Fault } from '../../models/fleet/fleet.js';
import { FlashOp } from '../../models/flash/spi_flash_pkg.js';
import { buildImage, checkImage, ImageStatus, patternBody, variant } from '../../models/image.js';
import { eraseCycles, type FirmwareConfig } from '../../models/mgmt/config.js';
import { ANNOUNCE_FLAGS } from '../../models/mgmt/messages.js';

/** Short part times (as tb/flash's): the property is about the method, not the part. */
export const PROPERTY_TIMING: FlashTiming = { tPP: 2_000, tSE: 10_000, tBE: 40_000 };
/** Image bytes, header included: two firmware frames. */
export const PROPERTY_IMAGE_BYTES = 1024;
/** Faults happen in [0, FAULT_WINDOW). */
export const FAULT_WINDOW = 3_000_000;

const IMAGES = new Map<number, Uint8Array>();

/** The image of version `v` (one body per version), built once: callers copy it, never change it. */
export function imageOf(v: number): Uint8Array {
  let img = IMAGES.get(v);
  if (!img) IMAGES.set(v, (img = buildImage(v, patternBody(PROPERTY_IMAGE_BYTES - 24, v))));
  return img;
}

export type CellState = { readonly kind: 'valid'; readonly version: number } | { readonly kind: 'corrupt' | 'missing' };

export interface FleetCase {
  readonly cells: readonly CellState[];
  readonly faults: readonly Fault[];
  readonly seed: number;
}

const cellState: fc.Arbitrary<CellState> = fc.oneof(
  fc.record({ kind: fc.constant('valid' as const), version: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constantFrom('corrupt' as const, 'missing' as const) }),
);

function fault(n: number): fc.Arbitrary<Fault> {
  const cell = fc.integer({ min: 0, max: n - 1 });
  const at = fc.integer({ min: 0, max: FAULT_WINDOW });
  const dur = fc.integer({ min: 1_000, max: FAULT_WINDOW / 2 });
  return fc.oneof(
    fc.record({ kind: fc.constant('reset' as const), cell, at }),
    fc.record({ kind: fc.constant('power' as const), cell, at }),
    fc.tuple(cell, at, dur).map(([c, a, d]): Fault => ({ kind: 'stop', cell: c, at: a, until: a + d })),
    fc.tuple(cell, at, dur).map(([c, a, d]): Fault => ({ kind: 'cut', cell: c, at: a, until: a + d })),
    fc.tuple(cell, at, dur, fc.double({ min: 0.01, max: 0.5, noNaN: true })).map(([c, a, d, rate]): Fault => ({ kind: 'hsi-errors', cell: c, at: a, until: a + d, rate })),
    fc.tuple(at, dur, fc.double({ min: 0.0005, max: 0.01, noNaN: true })).map(([a, d, rate]): Fault => ({ kind: 'noise', at: a, until: a + d, rate })),
  );
}

/**
 * The largest fleet of the property: FLEET_MAX_CELLS, at most 16. @defaultValue 16 — the issue's
 * 2..16. A case's cost grows with the line's characters times the cells that receive them: 1000
 * cases of 2..16 cells take about 3 min of one core (SEED 11 and 3). Until the firmware stopped
 * queueing a message whose first copy still waited (models/mgmt/mgmt_link.ts) the line congested
 * above 12 cells and this was 12: retries and the cached replies to them queued behind their
 * first copies, and convergence took up to 98 % of the bound (the regression of SEED=11 with 16 cells).
 */
export const MAX_CELLS_PROPERTY = Math.min(16, Number(process.env.FLEET_MAX_CELLS ?? 16));

/** Random fleets and faults. */
export const fleetCase: fc.Arbitrary<FleetCase> = fc.integer({ min: 2, max: MAX_CELLS_PROPERTY }).chain((n) =>
  fc.record({
    cells: fc.array(cellState, { minLength: n, maxLength: n }),
    faults: fc.array(fault(n), { maxLength: 4 }),
    seed: fc.nat(),
  }));

/** The flash contents of a case. */
export function imagesOf(c: FleetCase): (Uint8Array | undefined)[] {
  return c.cells.map((s, i) => (s.kind === 'valid' ? imageOf(s.version) : s.kind === 'missing' ? undefined : variant(imageOf(1), i % 2 ? 'corrupt-header' : 'corrupt-body', i * 7 + 1)));
}

/**
 * The bound, after the last fault: a dead update cell forgotten (peerTimeout) or given up on
 * (stallTimeout), a listening period, then up to three sessions (a cell errored by a fault
 * late in another's session waits for the next), each: the gather window, every request with
 * all its retries, the erase, the slower stream (the management path's chunks), the verify read.
 */
export function convergenceBound(c: FirmwareConfig, timing: FlashTiming): number {
  const retries = (p: { timeout: number; backoff: number; retries: number }): number => (p.timeout + p.backoff) * (p.retries + 1);
  const chunks = Math.ceil(PROPERTY_IMAGE_BYTES / 512);
  const verify = flashOpCycles(timing, c.flashDiv, FlashOp.Read, 0, PROPERTY_IMAGE_BYTES);
  const session = c.gatherWindow + 8 * retries(c.request) + eraseCycles(c, PROPERTY_IMAGE_BYTES) + chunks * retries(c.dataRequest) + verify;
  return c.peerTimeout + c.stallTimeout + 2 * c.announcePeriod + c.settle + 3 * session;
}

/** What a run of a case shows. */
export interface CaseResult {
  readonly ok: boolean;
  readonly why: string;
  /** Cycles from the last fault to convergence. */
  readonly healCycles: number;
  readonly bound: number;
}

/** Runs one case to convergence or its bound, and judges it from the line and the flash parts. */
export async function runCase(c: FleetCase): Promise<CaseResult> {
  const f = new Fleet({ images: imagesOf(c), seed: c.seed, timing: PROPERTY_TIMING, regionBytes: 1 << 16, partBytes: 1 << 17, faults: c.faults });
  const bound = convergenceBound(f.config, PROPERTY_TIMING);
  const newest = Math.max(0, ...c.cells.map((s) => (s.kind === 'valid' ? s.version : 0)));
  const lastFault = Math.max(0, ...c.faults.map((x) => ('until' in x && x.until !== undefined ? x.until : x.at)));
  const n = c.cells.length;
  // Converged: after the last fault, each cell announced the newest valid (or, with none, that none exists).
  const done = new Set<number>();
  let seen = 0;
  let healedAt = 0;
  await f.run(lastFault + bound, () => {
    const ms = f.monitor.messages;
    for (; seen < ms.length; seen++) {
      const m = ms[seen]!;
      if (m.name !== 'Announce' || m.time <= Math.max(lastFault, f.lastFault)) continue;
      const good = newest ? m.fields.status === ImageStatus.Valid && m.fields.fw_version === newest : ((m.fields.flags as number) & ANNOUNCE_FLAGS.NONE_VALID) !== 0;
      if (good && !done.has(m.src)) {
        done.add(m.src);
        healedAt = m.time;
      } else if (!good) done.delete(m.src);
    }
    return done.size === n;
  });
  const heal = healedAt - Math.max(lastFault, f.lastFault);
  if (done.size !== n) return { ok: false, why: `cells ${[...Array(n).keys()].filter((i) => !done.has(i)).join(', ')} did not converge within ${bound} cycles after the last fault`, healCycles: heal, bound };
  for (let i = 0; i < n; i++) {
    const got = checkImage(f.chips[i]!.mem.subarray(0, f.regionBytes), f.regionBytes);
    if (newest && (got.status !== ImageStatus.Valid || got.info?.fwVersion !== newest)) return { ok: false, why: `cell ${i} announced v${newest} but its flash checks ${ImageStatus[got.status]} v${got.info?.fwVersion}`, healCycles: heal, bound };
    if (!newest && Buffer.compare(Buffer.from(f.chips[i]!.mem.subarray(0, PROPERTY_IMAGE_BYTES)), Buffer.from(imagesOf(c)[i] ?? new Uint8Array(PROPERTY_IMAGE_BYTES).fill(0xff))) !== 0) {
      return { ok: false, why: `no valid image existed, yet cell ${i}'s flash was written`, healCycles: heal, bound };
    }
  }
  return { ok: true, why: '', healCycles: heal, bound };
}
