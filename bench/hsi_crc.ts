// `make bench`, bench/out/hsi_crc.json: what hsi_crc32_64's elaboration-time XOR matrices buy in
// simulation speed over a loop over the data bits at run time (bench/native/hsi_crc32_bitloop.sv),
// both in a plain Verilator loop on the same beats (bench/native/hsi_crc_main.cpp); the two must
// show the same CRCs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../bridge/src/paths.js';
import { median, nativeBinary, run } from './native.js';

const CYCLES = Number(process.env.BENCH_CRC_CYCLES ?? 5_000_000);
const RUNS = 5;
const MAIN = 'bench/native/hsi_crc_main.cpp';

interface NativeRun {
  readonly cycles: number;
  readonly seconds: number;
  readonly crc_xor: number;
}

async function measure(top: string, source: string): Promise<{ cyclesPerS: number; crcXor: number }> {
  const bin = await nativeBinary(top, [source], MAIN);
  const runs: NativeRun[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(JSON.parse((await run(bin, [String(CYCLES)])).stdout) as NativeRun);
  return { cyclesPerS: median(runs.map((r) => r.cycles / r.seconds)), crcXor: runs[0]!.crc_xor };
}

const matrix = await measure('hsi_crc32_64', 'rtl/hsi/hsi_crc32_64.sv');
const loop = await measure('hsi_crc32_bitloop', 'bench/native/hsi_crc32_bitloop.sv');
if (matrix.crcXor !== loop.crcXor) throw new Error(`bench self-check: the two CRC units disagree (${matrix.crcXor} vs ${loop.crcXor})`);
const out = {
  cycles: CYCLES,
  runs: RUNS,
  matrix_cycles_per_s: Math.round(matrix.cyclesPerS),
  bitloop_cycles_per_s: Math.round(loop.cyclesPerS),
  speedup: Number((matrix.cyclesPerS / loop.cyclesPerS).toFixed(2)),
};
mkdirSync(path.join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench/out/hsi_crc.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`bench: hsi_crc32_64 ${out.matrix_cycles_per_s} cycles/s, bit loop ${out.bitloop_cycles_per_s} cycles/s: ${out.speedup}x`);
