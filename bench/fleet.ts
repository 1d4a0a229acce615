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
//   model_cases_per_s: cases of the fleet property (tb/fleet/property.ts) per wall-clock second.
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../bridge/src/paths.js';
import { BENCH_FLASH_TIMING, flashOpCycles } from '../models/cell/flash_timing.js';
import { Fleet } from '../models/fleet/fleet.js';
import { frameBlocks } from '../models/fleet/hsi_fabric.js';
import { FlashOp } from '../models/flash/spi_flash_pkg.js';
import { buildImage, patternBody } from '../models/image.js';
import { eraseExtent } from '../models/mgmt/flash_jobs.js';
import { frame } from '../models/mgmt/framing.js';
import { encodePacket, splitMessage } from '../models/mgmt/mctp.js';
import { encodeRequest, encodeResponse, type MessageName, type RequestOf, type ResponseOf } from '../models/mgmt/messages.js';
import { charCycles } from '../models/uart/line.js';
import { fleetCase, runCase } from '../tb/fleet/property.js';
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

/** Characters a message takes on the line: its packets framed (escapes included). */
function framedChars(m: Fleet['monitor']['messages'][number]): number {
  const body = m.request
    ? encodeRequest(m.name, m.instance, m.fields as RequestOf<MessageName>)
    : encodeResponse(m.name, m.instance, m.cc!, m.fields as ResponseOf<MessageName>);
  return splitMessage(body, { dst: 0x10, src: 0x11, tagOwner: m.request, tag: 0 }).reduce((n, p) => n + frame(encodePacket(p)).length, 0);
}

const t0 = performance.now();
const one = await heal([IMAGE, undefined], [1]);
const wallOne = (performance.now() - t0) / 1000;
const three = await heal([IMAGE, undefined, undefined, undefined], [1, 2, 3]);

// The bound, term by term.
const ch = charCycles(one.f.config.uart);
const read = (n: number): number => flashOpCycles(T, DIV, FlashOp.Read, 0, n);
const handshake = one.f.monitor.messages
  .filter((m) => m.name !== 'Announce' && ((m.src === 0 && m.dst === 1) || (m.src === 1 && m.dst === 0)))
  // Each message once: a retry is the model's own cost, not the bound's.
  .filter((m, i, all) => all.findIndex((x) => x.name === m.name && x.request === m.request && x.src === m.src) === i)
  .reduce((c, m) => c + framedChars(m) * ch + ch, 0);
const erase = eraseExtent(IMAGE_BYTES).reduce((c, r) => c + flashOpCycles(T, DIV, r.op, r.addr, r.len), 0);
const frames = IMAGE_BYTES / 512;
const senderRead = frames * read(512);
const hsi = frames * 2 * frameBlocks(516);
const programs = frames * flashOpCycles(T, DIV, FlashOp.Program, 0, 512);
const stream = Math.max(senderRead, hsi, programs);
const bound = read(24) + read(IMAGE_BYTES - 24) + handshake + erase + stream + read(24) + read(IMAGE_BYTES - 24);

// The property's speed: a fixed sample of cases.
const cases = fc.sample(fleetCase, { numRuns: 6, seed: 1 });
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
  bound_terms: { image_read: read(24) + read(IMAGE_BYTES - 24), handshake, erase, stream, stream_terms: { sender_read: senderRead, hsi, receiver_programs: programs }, verify_read: read(24) + read(IMAGE_BYTES - 24) },
  model_heal_wall_s: wallOne,
  model_cases_per_s: casesPerS,
  property_cases_timed: cases.length,
};
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'out', 'fleet.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`bench fleet: heal ${one.cycles} cycles (${(one.cycles / bound).toFixed(3)} x bound ${bound}), heal3 ${three.cycles} (${(three.cycles / bound).toFixed(3)} x), ${casesPerS.toFixed(2)} property cases/s`);
