// `make bench`, the fleet model: bench/out/fleet.json (issue 15). A 64 KiB image with its header
// on the flash bench's part (DIV 0, tPP 20 000, tSE 100 000, tBE 400 000 cycles), UART DIV 1:
//   model_heal_cycles: one errored cell (2 cells), from reset (the first check) to the healed
//     cell's ANNOUNCE on the line;
//   model_heal3_cycles: three errored at once in a 4-cell fleet, to the last healed ANNOUNCE;
//   bound_cycles: what issue 16 holds the RTL's heal to — one image read (the boot check) + the
//     handshake (each message's framed bytes × 10 bit times plus one idle character, from the
//     messages the line's deframer saw between the two cells) + the erase of the extent + the
//     slowest stream (sender's flash read, HSI at ceil(P/8) + 2 blocks a frame, receiver's page
//     programs with their SPI shift and tPP) + the verify read;
//   model_cases_per_s: cases of the fleet property (tb/fleet/property.ts) per wall-clock second, a
//     fixed sample of 20 drawn as make test draws them (2..property_max_cells cells: 2..16 since the
//     property's default became 16, 2..12 before, and 6 cases of 2..6 before that; figures of
//     another range are not comparable).
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../bridge/src/paths.js';
import { BENCH_FLASH_TIMING } from '../models/cell/flash_timing.js';
import { Fleet } from '../models/fleet/fleet.js';
import { healBound } from '../models/fleet/heal_bound.js';
import { buildImage, patternBody } from '../models/image.js';
import { charCycles } from '../models/uart/line.js';
import { fleetCase, MAX_CELLS_PROPERTY, runCase } from '../tb/fleet/property.js';
import { runUntilAnnounced } from '../models/fleet/converge.js';

const IMAGE_BYTES = 65536;
const IMAGE = buildImage(3, patternBody(IMAGE_BYTES - 24, 3));
const T = BENCH_FLASH_TIMING;
const DIV = 0;
const LIMIT = 200_000_000;

async function heal(images: (Uint8Array | undefined)[], fds: number[]): Promise<{ cycles: number; f: Fleet }> {
  const f = new Fleet({ images, seed: 1, timing: T, flashDiv: DIV, uartDiv: 1, regionBytes: 1 << 20, partBytes: 1 << 21 });
  const end = await runUntilAnnounced(f, fds, 3, LIMIT);
  if (end === undefined) throw new Error(`bench fleet: cells ${fds.join(', ')} did not heal within ${LIMIT} cycles`);
  return { cycles: end, f };
}

const t0 = performance.now();
const one = await heal([IMAGE, undefined], [1]);
const wallOne = (performance.now() - t0) / 1000;
const three = await heal([IMAGE, undefined, undefined, undefined], [1, 2, 3]);

const hb = healBound(one.f.monitor.messages, 0, 1, { imageBytes: IMAGE_BYTES, timing: T, flashDiv: DIV, charCycles: charCycles(one.f.config.uart) });
const bound = hb.total;

// The property's speed: a fixed sample of cases.
const cases = fc.sample(fleetCase, { numRuns: 20, seed: 1 });
const tp = performance.now();
for (const c of cases) {
  const r = await runCase(c);
  if (!r.ok) throw new Error(`bench fleet: a property case failed: ${r.why}`);
}
const casesPerS = cases.length / ((performance.now() - tp) / 1000);

const out = {
  image_bytes: IMAGE_BYTES,
  flash: { part_bytes: 1 << 21, div: DIV, tPP: T.tPP, tSE: T.tSE, tBE: T.tBE },
  uart_div: 1,
  model_heal_cycles: one.cycles,
  model_heal3_cycles: three.cycles,
  bound_cycles: bound,
  model_heal_ratio: one.cycles / bound,
  model_heal3_ratio: three.cycles / bound,
  bound_terms: hb.terms,
  model_heal_wall_s: wallOne,
  model_cases_per_s: casesPerS,
  property_cases_timed: cases.length,
  property_max_cells: MAX_CELLS_PROPERTY,
};
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'out', 'fleet.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`bench fleet: heal ${one.cycles} cycles (${(one.cycles / bound).toFixed(3)} x bound ${bound}), heal3 ${three.cycles} (${(three.cycles / bound).toFixed(3)} x), ${casesPerS.toFixed(2)} property cases/s`);
