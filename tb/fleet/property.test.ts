// The fleet property on the models: random fleets and random faults converge (tb/fleet/property.ts
// says what and derives the bound). FLEET_CASES sets the number of cases and FLEET_MAX_CELLS the
// largest fleet. make test: 1000 cases of 2..16 cells, about 3 min of one core (a loaded machine
// takes up to twice that in wall time).
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { seededTest } from '../../bridge/src/vitest.js';
import { type FleetCase, fleetCase, runCase } from './property.js';

const CASES = Number(process.env.FLEET_CASES ?? 1000);

seededTest('every cell converges to the newest valid image, or every cell reports none, within the bound after the last fault', async ({ seed }) => {
  let worst = 0;
  await fc.assert(
    fc.asyncProperty(fleetCase, async (c) => {
      const r = await runCase(c);
      expect(r.ok, r.why).toBe(true);
      worst = Math.max(worst, r.healCycles / r.bound);
    }),
    { seed, numRuns: CASES },
  );
  console.log(`fleet property: ${CASES} cases, seed ${seed}, slowest convergence ${(100 * worst).toFixed(1)} % of the bound`);
}, 900_000);

// Failures of the property (shrunk where fast-check did), kept as fixed cases, each with the seed that found it.
const REGRESSIONS: readonly { readonly seed: number; readonly why: string; readonly c: FleetCase }[] = [
  {
    seed: 925350387,
    why: 'a lane cut shorter than the replay budget took the update cell\'s link down after the lane came back, and its send waited forever',
    c: { cells: [{ kind: 'corrupt' }, { kind: 'valid', version: 1 }], faults: [{ kind: 'cut', cell: 1, at: 224421, until: 225421 }], seed: 0 },
  },
  {
    seed: 7,
    why: 'in a 13-cell fleet (found at FLEET_MAX_CELLS=16, the 11th case) one HSI_LINK_ENABLE answer never reached the update cell (a congested line), that cell went on over the management bus, and the session waited for the answer forever: no send, no expiry, every later FW_ERROR_NOTIFY acknowledged and never served',
    c: {
      cells: [{ kind: 'valid', version: 1 }, { kind: 'corrupt' }, { kind: 'corrupt' }, { kind: 'valid', version: 1 }, { kind: 'valid', version: 1 }, { kind: 'valid', version: 2 }, { kind: 'valid', version: 2 }, { kind: 'valid', version: 2 }, { kind: 'valid', version: 3 }, { kind: 'corrupt' }, { kind: 'missing' }, { kind: 'valid', version: 3 }, { kind: 'valid', version: 3 }],
      faults: [{ kind: 'reset', cell: 3, at: 416904 }, { kind: 'reset', cell: 9, at: 4641 }],
      seed: 1023172526,
    },
  },
  {
    seed: 11,
    why: 'a device whose update cell\'s lane was cut gave that session up and asked the update cell again; it was still a target there, so it was acknowledged and never served (found at FLEET_MAX_CELLS=16, the 959th case)',
    c: {
      cells: [{ kind: 'corrupt' }, { kind: 'valid', version: 1 }, { kind: 'valid', version: 2 }, { kind: 'valid', version: 1 }, { kind: 'missing' }, { kind: 'valid', version: 1 }, { kind: 'missing' }, { kind: 'valid', version: 2 }, { kind: 'valid', version: 3 }],
      faults: [{ kind: 'cut', cell: 8, at: 309618, until: 1798341 }],
      seed: 2147483620,
    },
  },
  {
    seed: 11,
    why: 'in a 16-cell fleet (the 103rd case at FLEET_MAX_CELLS=16) the line congested: each retry, and each cached reply to one, was queued again behind its first copy; convergence took 98 % of the bound, and 11 cells did not converge once a frame started without reading the UART first',
    c: {
      cells: [{ kind: 'valid', version: 3 }, { kind: 'corrupt' }, { kind: 'valid', version: 2 }, { kind: 'missing' }, { kind: 'missing' }, { kind: 'missing' }, { kind: 'valid', version: 2 }, { kind: 'valid', version: 2 }, { kind: 'valid', version: 3 }, { kind: 'missing' }, { kind: 'valid', version: 3 }, { kind: 'missing' }, { kind: 'corrupt' }, { kind: 'valid', version: 2 }, { kind: 'valid', version: 2 }, { kind: 'missing' }],
      faults: [{ kind: 'cut', cell: 6, at: 1926804, until: 2850709 }],
      seed: 7,
    },
  },
];

test.each(REGRESSIONS.map((r) => [r.seed, r.why, r.c] as const))('regression (SEED=%i): %s', async (_seed, _why, c) => {
  const r = await runCase(c);
  expect(r.ok, r.why).toBe(true);
});
