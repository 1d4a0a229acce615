// `make bench`, flash part: bench/out/flash.json. Throughput of the controller's stream face
// against the SPI bounds, on the benchmark part (1 MiB, tPP 20 000, tSE 100 000 cycles), DIV 0
// (SCLK = clk / 2, so a byte takes 16 cycles).
//   read:    4 KiB READ bursts; bound = 8 SCLK per byte plus one READ command and address each.
//   program: a 64 KiB image, 16 sector erases then a 64 KiB program (256 page programs); bound =
//            the shift time of every SE and PP (command, address, data) plus tSE and tPP each.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApbMaster, AxisSink, AxisSource, Clock, ClockCycles, Simulator } from '../bridge/src/index.js';
import { ROOT } from '../bridge/src/paths.js';
import { FLASH_OFFSET, FlashErr, FlashOp, FlashReq, FlashRsp } from '../models/flash/spi_flash_pkg.js';
import { flashBench } from '../tb/flash/tops.js';
import { atMostBound } from './check.js';

const CYCLE_NS = 10;
const T_PP = 20000;
const T_SE = 100000;
const CYCLES_PER_BYTE = 16;  // DIV 0
const BURST = 4096;
const BURSTS = 32;
const IMAGE = 65536;

const sim = await Simulator.start(flashBench);
const dut = sim.dut;
const clk = dut.clk_i;
new Clock(clk, CYCLE_NS, 'ns').start();
dut.rst_ni.value = 0;
dut.bb_en_i.value = 0;
dut.power_loss_i.value = 0;
await ClockCycles(clk, 2);
dut.rst_ni.value = 1;
const apb = ApbMaster.fromPrefix(dut, 'apb', clk);
await apb.write(FLASH_OFFSET.CTRL, 0);
const req = AxisSource.fromPrefix(dut, 's_axis_req', clk);
const wr = AxisSource.fromPrefix(dut, 's_axis', clk);
const rd = AxisSink.fromPrefix(dut, 'm_axis', clk);
const rsp = AxisSink.fromPrefix(dut, 'm_axis_rsp', clk);
const request = (op: FlashOp, addr: number, len: number): Uint8Array => FlashReq.toBytes({ op, addr, len });
/** Cycles between two simulated times (steps of 1 ps). */
const between = (from: bigint, to: bigint): number => Number(to - from) / (CYCLE_NS * 1000);
const expectOk = (r: Uint8Array, what: string): void => {
  const { err } = FlashRsp.fromBytes(r);
  if (err !== FlashErr.None) throw new Error(`${what}: error ${FlashErr[err] ?? err}`);
};

// The image: 16 sector erases, then one 64 KiB program the controller splits into pages.
const image = Uint8Array.from({ length: IMAGE }, (_, i) => (i * 131 + 7) & 0xff);
let t0 = sim.now;
for (let s = 0; s < IMAGE / 4096; s++) void req.send(request(FlashOp.SectorErase, s * 4096, 0));
void req.send(request(FlashOp.Program, 0, IMAGE));
void wr.send(image);
// The 16 erases and the program answer in order; the last response's stamp ends the phase.
const programRsp = await rsp.recvMany(IMAGE / 4096 + 1);
programRsp.forEach((r, s) => expectOk(r.data, s < IMAGE / 4096 ? `sector erase ${s}` : 'program'));
const programCycles = between(t0, programRsp.at(-1)!.time);
// The part's array (backdoor) holds the image: the program moved what it claims.
const array = (await dut.u_nor.mem_q.read(0, IMAGE)) as Uint8Array;
const wrong = image.findIndex((b, i) => array[i] !== b);
if (wrong >= 0) throw new Error(`after the program the part holds 0x${array[wrong]!.toString(16)} at 0x${wrong.toString(16)}, the image 0x${image[wrong]!.toString(16)}`);
const sectors = IMAGE / 4096;
const pages = IMAGE / 256;
const programBound = sectors * (4 * 8 * 2 + T_SE) + pages * ((4 + 256) * CYCLES_PER_BYTE + T_PP);

// Reads: back to back 4 KiB bursts; the data is checked against the image.
t0 = sim.now;
for (let b = 0; b < BURSTS; b++) void req.send(request(FlashOp.Read, (b * BURST) % IMAGE, BURST));
const bursts = await rd.recvMany(BURSTS);
bursts.forEach((got, b) => {
  const at = (b * BURST) % IMAGE;
  if (Buffer.compare(Buffer.from(got.data), Buffer.from(image.subarray(at, at + BURST))) !== 0) throw new Error(`read burst ${b} differs from the image`);
});
(await rsp.recvMany(BURSTS)).forEach((r, b) => expectOk(r.data, `read burst ${b}`));
const readCycles = between(t0, bursts.at(-1)!.time);
const readBound = BURSTS * (4 + BURST) * CYCLES_PER_BYTE;
await sim.close();

const perK = (bytes: number, c: number): number => (bytes / c) * 1000;
const out = {
  clock_ns: CYCLE_NS,
  sclk_div: 0,
  t_pp_cycles: T_PP,
  t_se_cycles: T_SE,
  read_burst_bytes: BURST,
  read_bursts: BURSTS,
  read_cycles: readCycles,
  read_bytes_per_kcycle: perK(BURSTS * BURST, readCycles),
  read_bound_per_kcycle: perK(BURSTS * BURST, readBound),
  program_image_bytes: IMAGE,
  program_cycles: programCycles,
  program_bytes_per_kcycle: perK(IMAGE, programCycles),
  program_bound_per_kcycle: perK(IMAGE, programBound),
  targets: {} as Record<string, { ok: boolean; ratio: number; want: string }>,
};
const ratioRead = out.read_bytes_per_kcycle / out.read_bound_per_kcycle;
const ratioProgram = out.program_bytes_per_kcycle / out.program_bound_per_kcycle;
atMostBound('flash read bytes per kcycle', out.read_bytes_per_kcycle, out.read_bound_per_kcycle);
atMostBound('flash program bytes per kcycle', out.program_bytes_per_kcycle, out.program_bound_per_kcycle);
out.targets = {
  read: { ok: ratioRead >= 0.95, ratio: ratioRead, want: '>= 0.95 x read_bound_per_kcycle (4 KiB bursts)' },
  program: { ok: ratioProgram >= 0.9, ratio: ratioProgram, want: '>= 0.9 x program_bound_per_kcycle (64 KiB image)' },
};
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'out', 'flash.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`bench: flash read ${out.read_bytes_per_kcycle.toFixed(2)} B/kcycle (bound ${out.read_bound_per_kcycle.toFixed(2)}, ${(ratioRead * 100).toFixed(2)} %), ` +
  `program ${out.program_bytes_per_kcycle.toFixed(2)} B/kcycle (bound ${out.program_bound_per_kcycle.toFixed(2)}, ${(ratioProgram * 100).toFixed(2)} %)`);
