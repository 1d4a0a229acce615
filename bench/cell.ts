// `make bench`, the cell: bench/out/cell.json (issue 14). A 64 KiB image with its header on the
// benches' flash part (DIV 0, tPP 20 000, tSE 100 000, tBE 400 000 cycles), the bench driving
// each cell's APB as its management processor would (irq_o waits, no firmware):
//   transfer_cycles: cell_pair_tb (cellPairBench, 1 MiB parts), cell 0 -> cell 1: the erase of the
//     extent, arm, send, the last page programmed, the verify (the checker's DONE);
//     transfer_bound_cycles: models/fleet/heal_bound.ts without the boot check and the handshake:
//     the erase + the slowest of (sender's read, HSI at 64/67, receiver's programs) + the verify
//     read (target <= 1.05 x);
//   program_gap_cycles_max: at cell 1's part during that transfer, the longest time from a page
//     program's WIP clear to the next program's CS# fall (target <= 100), from a sampled stream;
//   transfer2_cycles: systemTb(3, 'bench'), cell 0 -> cells 1 and 2 at once, to the later verify
//     (target <= 1.05 x the single bound);
//   checker_cycles: cell 0's image checker on the image, START to DONE; checker_bound_cycles: one
//     SPI read of header and body (target <= 1.05 x).
// Every run checks the receivers' flash byte-exact against the image (the backdoor) and each
// checker's result Valid, and fails on a figure below its physical bound. The two tops run side by
// side (a harness process each); `runs` says where the wall time went (it is the simulation's).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ApbMaster, ClockCycles, First, SampledStream, Simulator, Until, type MemoryHandle, type SignalHandle, type TopSpec,
} from '../bridge/src/index.js';
import { ROOT } from '../bridge/src/paths.js';
import { CELL_CTRL_IRQ_STATUS as IRQ, CELL_CTRL_OFFSET, CELL_CTRL_PATH_EN } from '../models/cell/cell_ctrl_pkg.js';
import { CellWindow, WINDOW_BYTES } from '../models/cell/cell_pkg.js';
import { BENCH_FLASH_TIMING, spiByteCycles } from '../models/cell/flash_timing.js';
import { FW_DMA_CTRL, FW_DMA_OFFSET, FW_DMA_RX_STATUS, FW_DMA_TX_STATUS } from '../models/cell/fw_dma_pkg.js';
import { IMAGE_CHECK_CTRL, IMAGE_CHECK_OFFSET, IMAGE_CHECK_STATUS, IMAGE_HEADER_BYTES, ImageStatus } from '../models/cell/image_check_pkg.js';
import { readOp, writeOp, type RegOp, type RegPort, type RegResult } from '../models/common/reg_port.js';
import { csrOperation } from '../models/flash/flash_driver.js';
import { FLASH_CTRL, FLASH_OFFSET, FlashErr, PAGE_BYTES } from '../models/flash/spi_flash_pkg.js';
import { healBound } from '../models/fleet/heal_bound.js';
import { buildImage, patternBody } from '../models/image.js';
import { eraseExtent } from '../models/mgmt/flash_jobs.js';
import { windowPort } from '../models/mgmt/platform.js';
import { apbPort } from '../tb/common/apb_port.js';
import { Bench, type BlockEnv, type ClockResetDut } from '../tb/common/bench.js';
import { hex } from '../tb/common/hex.js';
import { cellPairBench } from '../tb/cell/tops.js';
import { systemTb } from '../tb/system/tops.js';
import { atMostBound } from './check.js';

const IMAGE_BYTES = 65536;
const VERSION = 3;
const IMAGE = buildImage(VERSION, patternBody(IMAGE_BYTES - IMAGE_HEADER_BYTES, 3));
/** What the receivers hold before: an older image, so only the erase and the programs make them the new one. */
const OLD = buildImage(VERSION - 1, patternBody(IMAGE_BYTES - IMAGE_HEADER_BYTES, 9));
const T = BENCH_FLASH_TIMING;
const DIV = 0;
const PART_BYTES = 1 << 20;
/** The clock: 10 ns in 1 ps steps (the tops' timescale). */
const PERIOD_STEPS = 10_000n;
/** Cycles any one wait may take (the whole transfer's bound is under 8 M). */
const LIMIT = 20_000_000;
const TARGET_RATIO = 1.05;
const TARGET_GAP = 100;

const cycleOf = (time: bigint): number => Number(time / PERIOD_STEPS);
const reg = (window: CellWindow, offset: number): number => window * WINDOW_BYTES + offset;
const DMA = (name: keyof typeof FW_DMA_OFFSET): number => reg(CellWindow.FwDma, FW_DMA_OFFSET[name]);
const CTRL = (name: keyof typeof CELL_CTRL_OFFSET): number => reg(CellWindow.CellCtrl, CELL_CTRL_OFFSET[name]);
const CHECK = (name: keyof typeof IMAGE_CHECK_OFFSET): number => reg(CellWindow.ImageCheck, IMAGE_CHECK_OFFSET[name]);
/** IRQ_STATUS's events (w1c); UART and FLASH are their blocks' levels. */
const IRQ_EVENTS = ~(IRQ.UART.mask | IRQ.FLASH.mask);
const PATHS = CELL_CTRL_PATH_EN.VC0.put(1) | CELL_CTRL_PATH_EN.VC1.put(1);

type Pins = Record<string, SignalHandle<number> | SignalHandle<bigint> | undefined>;

function pin(dut: object, name: string): SignalHandle<number> {
  const p = (dut as Pins)[name];
  if (!p) throw new Error(`bench cell: the top has no port ${name}`);
  return p as SignalHandle<number>;
}

/** The top's own inputs at fixed levels from the first reset on (no faults, no vc 0 traffic). */
function tiedOff(dut: object, levels: Readonly<Record<string, number | bigint>>): BlockEnv {
  return {
    idle: () => {
      for (const [name, v] of Object.entries(levels)) (pin(dut, name) as unknown as SignalHandle<number | bigint>).value = v;
    },
    start: async () => undefined,
    finish: async () => undefined,
  };
}

/** The result of a check: its status and the edges of its START and its DONE interrupt. */
interface CheckRun {
  readonly status: ImageStatus;
  readonly start: number;
  readonly end: number;
}

/**
 * One cell of a top, driven as its management processor drives it: APB accesses by batch (the
 * port `c<id>_apb`), waits on irq_o with only the awaited source enabled, and its part's array by
 * the backdoor. (tb/cell/env.ts's CellEnv does this under vitest, whose `expect` it uses.)
 */
class BenchCell implements BlockEnv {
  readonly port: RegPort;
  readonly #irq: SignalHandle<number>;

  constructor(readonly sim: Simulator<unknown>, readonly clk: SignalHandle<number>, dut: object, readonly id: number, readonly mem: MemoryHandle<number>) {
    this.port = apbPort(ApbMaster.fromPrefix(dut, `c${id}_apb`, clk));
    this.#irq = pin(dut, `c${id}_irq_o`);
  }

  idle(): void {}

  /** SCLK at clk / 2 (CTRL.DIV 0), the bound's rate. */
  async start(): Promise<void> {
    await this.regs([writeOp(reg(CellWindow.Flash, FLASH_OFFSET.CTRL), FLASH_CTRL.DIV.put(DIV))]);
  }

  async finish(): Promise<void> {}

  /** `ops` back to back, none answering slverr. */
  async regs(ops: readonly RegOp[]): Promise<RegResult[]> {
    const rs = await this.port.batch(ops);
    rs.forEach((r, i) => {
      const op = ops[i]!;
      if (r.slverr) throw new Error(`bench cell: cell ${this.id}: APB ${op.kind} of ${hex(op.offset, 3)} answered slverr (${this.sim.describeTime()})`);
    });
    return rs;
  }

  async read(offset: number): Promise<number> {
    return (await this.regs([readOp(offset)]))[0]!.data;
  }

  /** Waits for the IRQ_STATUS `bits` (the only ones enabled meanwhile), clears their events; resolves with the edge irq_o rose at. */
  async waitIrq(bits: number, what: string): Promise<number> {
    await this.regs([writeOp(CTRL('IRQ_ENABLE'), bits)]);
    if (this.#irq.value !== 1) {
      const r = await First(Until(this.clk, this.#irq, 1), ClockCycles(this.clk, LIMIT));
      if (r.index !== 0) throw new Error(`bench cell: cell ${this.id}: no ${what} within ${LIMIT} cycles (${this.sim.describeTime()})`);
    }
    const at = cycleOf(this.sim.now);
    await this.regs([writeOp(CTRL('IRQ_ENABLE'), 0), writeOp(CTRL('IRQ_STATUS'), bits & IRQ_EVENTS)]);
    return at;
  }

  /** The erase of the image's extent through the flash CSRs, each operation waited on by its interrupt. */
  async erase(bytes: number): Promise<void> {
    const flash = windowPort(this.port, CellWindow.Flash);
    for (const req of eraseExtent(bytes)) {
      const { err } = await csrOperation(flash, req, async () => {
        await this.waitIrq(IRQ.FLASH.mask, 'flash DONE');
      });
      if (err !== FlashErr.None) throw new Error(`bench cell: cell ${this.id}: erase at ${hex(req.addr, 6)} ended ${FlashErr[err]}`);
    }
  }

  /** Vc 1 on and the receiver armed for `src`, [0, len). */
  async receive(src: number, len: number): Promise<void> {
    await this.regs([
      writeOp(CTRL('PATH_EN'), PATHS), writeOp(DMA('RX_SRC'), src), writeOp(DMA('RX_START'), 0), writeOp(DMA('RX_LEN'), len),
      writeOp(DMA('CTRL'), FW_DMA_CTRL.RX_ARM.put(1)),
    ]);
  }

  /** Vc 1 on and a send of [0, len) to the cells of `mask`. */
  async send(mask: number, len: number): Promise<void> {
    await this.regs([
      writeOp(CTRL('PATH_EN'), PATHS), writeOp(DMA('TX_MASK'), mask), writeOp(DMA('TX_START'), 0), writeOp(DMA('TX_LEN'), len),
      writeOp(DMA('CTRL'), FW_DMA_CTRL.TX_GO.put(1)),
    ]);
  }

  /** Waits for the receive's DONE; every byte up to `len` written, no error. */
  async received(len: number): Promise<void> {
    await this.waitIrq(IRQ.DMA_RX_DONE.mask, 'DMA_RX_DONE');
    const [status, written] = (await this.regs([readOp(DMA('RX_STATUS')), readOp(DMA('RX_WRITTEN'))])).map((r) => r.data);
    if (FW_DMA_RX_STATUS.ERROR.get(status!) || written !== len) throw new Error(`bench cell: cell ${this.id}: the receive ended with RX_STATUS ${hex(status!, 8)}, RX_WRITTEN ${written} of ${len}`);
    await this.regs([writeOp(DMA('RX_STATUS'), FW_DMA_RX_STATUS.DONE.mask)]);
  }

  /** The sender finished without an error. */
  async sent(): Promise<void> {
    const status = await this.read(DMA('TX_STATUS'));
    if (!FW_DMA_TX_STATUS.DONE.get(status) || FW_DMA_TX_STATUS.ERROR.get(status)) throw new Error(`bench cell: cell ${this.id}: the send ended with TX_STATUS ${hex(status, 8)}`);
  }

  /** The image checker: START, its interrupt, the result. */
  async check(): Promise<CheckRun> {
    const [w] = await this.regs([writeOp(CHECK('CTRL'), IMAGE_CHECK_CTRL.START.put(1))]);
    const end = await this.waitIrq(IRQ.CHECK_DONE.mask, 'CHECK_DONE');
    const s = await this.read(CHECK('STATUS'));
    await this.regs([writeOp(CHECK('STATUS'), IMAGE_CHECK_STATUS.DONE.mask)]);
    return { status: IMAGE_CHECK_STATUS.RESULT.get(s) as ImageStatus, start: cycleOf(w!.time), end };
  }

  /** Fails unless the part holds `image` at 0, byte for byte, and the check said Valid. */
  async holds(image: Uint8Array, check: CheckRun, what: string): Promise<void> {
    const got = Uint8Array.from(await this.mem.read(0, image.length) as ArrayLike<number>);
    const at = got.findIndex((b, i) => b !== image[i]);
    if (at >= 0) throw new Error(`bench cell: ${what}: cell ${this.id}'s flash differs from the image at ${hex(at, 5)}: ${hex(got[at]!)}, expected ${hex(image[at]!)}`);
    if (check.status !== ImageStatus.Valid) throw new Error(`bench cell: ${what}: cell ${this.id}'s checker said ${ImageStatus[check.status]}, expected Valid`);
  }
}

/** A top, reset, its cells' links up, the receivers holding {@link OLD} and the sender the image. */
async function boot<D extends ClockResetDut>(top: TopSpec<D>, levels: Record<string, number | bigint>, mem: (dut: D, i: number) => MemoryHandle<number>, cells: number) {
  const sim = await Simulator.start(top);
  const bench = new Bench(sim);
  const dut = sim.dut as unknown as object;
  bench.compose(tiedOff(dut, levels));
  const cs = Array.from({ length: cells }, (_, i) => bench.compose(new BenchCell(sim as Simulator<unknown>, sim.dut.clk_i, dut, i, mem(sim.dut, i))));
  await bench.reset();
  for (const c of cs) await c.mem.write(0, c.id === 0 ? IMAGE : OLD);
  for (const c of cs) {
    for (let t = 0; (await c.read(CTRL('LINK'))) !== 1; t += 256) {
      if (t > 100_000) throw new Error(`bench cell: cell ${c.id}'s link is not up after ${t} cycles`);
      await ClockCycles(sim.dut.clk_i, 256);
    }
  }
  return { sim, cells: cs };
}

/** A transfer from `src` to every cell of `dsts`, from the first erase to the last verify's DONE. */
async function transfer(src: BenchCell, dsts: readonly BenchCell[], what: string, erased: () => void = () => {}): Promise<number> {
  const t0 = cycleOf(src.sim.now);
  await Promise.all(dsts.map((d) => d.erase(IMAGE_BYTES)));
  erased();
  await Promise.all(dsts.map((d) => d.receive(src.id, IMAGE_BYTES)));
  await src.send(dsts.reduce((m, d) => m | (1 << d.id), 0), IMAGE_BYTES);
  const checks = await Promise.all(dsts.map(async (d) => {
    await d.received(IMAGE_BYTES);
    return d.check();
  }));
  await src.sent();
  for (const [i, d] of dsts.entries()) await d.holds(IMAGE, checks[i]!, what);
  return Math.max(...checks.map((c) => c.end)) - t0;
}

/**
 * A part's page programs from a record per change of (CS#, WIP, WEL): a program's CS# falls with
 * WEL set and WIP clear (the part sets WEL only by a WREN and clears it with WIP, and after the
 * erase a receive sends no other write), and WIP rises at its CS# rise. Each gap is the time from
 * one program's WIP clear to the next program's CS# fall.
 */
async function programGaps(stream: SampledStream, csN: SignalHandle<number>, wip: SignalHandle<number>, wel: SignalHandle<number>): Promise<number[]> {
  const gaps: number[] = [];
  let programs = 0;
  let busy = 0;
  let cs = 1;
  let w = 0;
  let end: number | undefined;
  for await (const b of stream) {
    const [c, p, e] = [b.column(csN), b.column(wip), b.column(wel)];
    for (let i = 0; i < b.length; i++) {
      const at = b.cycles[i]!;
      if (cs === 1 && c[i] === 0 && e[i] === 1 && p[i] === 0) {
        if (end !== undefined) gaps.push(at - end);
        programs++;
        end = undefined;
      }
      if (w === 0 && p[i] === 1) busy++;
      if (w === 1 && p[i] === 0 && programs > 0) end = at;
      cs = c[i]!;
      w = p[i]!;
    }
  }
  const pages = IMAGE_BYTES / PAGE_BYTES;
  if (programs !== pages || busy !== pages) throw new Error(`bench cell: cell 1's part saw ${programs} program commands and ${busy} busy periods during the transfer, expected ${pages} of each`);
  return gaps;
}

/** Where each top's wall time went (the bridge's counters), printed and kept in the JSON. */
const runs: Record<string, { wall_s: number; simulated_cycles: number; cycles_per_s: number; harness_share: number; round_trips: number }> = {};
function account(name: string, sim: Simulator<unknown>): void {
  const p = sim.perf();
  runs[name] = { wall_s: p.wallMs / 1000, simulated_cycles: p.cycles, cycles_per_s: p.cycles / (p.wallMs / 1000), harness_share: p.harnessMs / p.wallMs, round_trips: p.roundTrips };
  const r = runs[name]!;
  console.log(`bench cell: ${name}: ${r.simulated_cycles} cycles in ${r.wall_s.toFixed(1)} s (${r.cycles_per_s.toFixed(0)} cycles/s, ${(100 * r.harness_share).toFixed(0)} % in the harness, ${r.round_trips} round trips)`);
}

const bound = healBound([], 0, 1, { imageBytes: IMAGE_BYTES, timing: T, flashDiv: DIV, charCycles: 0 });
const { image_read: _bootCheck, handshake: _handshake, ...terms } = bound.terms;
const transferBound = terms.erase + terms.stream + terms.verify_read;
const checkerBound = terms.verify_read;

/** The pair: the checker on cell 0's image, then the transfer with cell 1's part sampled. */
async function runPair(): Promise<{ checker: number; transfer: number; gaps: number[] }> {
  const pairLevels: Record<string, number | bigint> = { line_i: 1 };
  for (const [lane, seed] of [['ab', 1], ['ba', 2]] as const) {
    Object.assign(pairLevels, { [`${lane}_seed_i`]: seed, [`${lane}_ber_i`]: 0n, [`${lane}_drop_rate_i`]: 0, [`${lane}_slip_rate_i`]: 0, [`${lane}_drop_i`]: 0, [`${lane}_slip_i`]: 0, [`${lane}_cut_i`]: 0 });
  }
  for (const c of ['c0', 'c1']) Object.assign(pairLevels, { [`${c}_power_loss_i`]: 0, [`${c}_power_loss_seed_i`]: 0, [`${c}_s_axis_vc0_tvalid_i`]: 0, [`${c}_m_axis_vc0_tready_i`]: 1 });
  const { sim, cells: [c0, c1] } = await boot(cellPairBench, pairLevels, (d, i) => (i === 0 ? d.u_c0_nor : d.u_c1_nor).mem_q, 2);
  try {
    const dut = sim.dut;
    const checker = await c0!.check();
    await c0!.holds(IMAGE, checker, 'checker');
    const spi = [dut.c1_spi_cs_no, dut.c1_wip_o, dut.u_c1_nor.wel_q] as const;
    let stream: SampledStream | undefined;
    const cycles = await transfer(c0!, [c1!], 'transfer', () => {
      // Credits are ample so sampling never stalls: the records are read after the transfer.
      stream = SampledStream.open(sim as Simulator<unknown>, { clock: dut.clk_i, signals: [...spi], when: 'change', batch: 1 << 16, credits: 1 << 30 });
    });
    stream!.close();
    await ClockCycles(dut.clk_i, 1);
    const gaps = await programGaps(stream!, ...spi);
    account('cell_pair_tb', sim as Simulator<unknown>);
    return { checker: checker.end - checker.start, transfer: cycles, gaps };
  } finally {
    await sim.close();
  }
}
/** Three cells on the crossbar: cell 0 to cells 1 and 2 at once. */
async function runSystem(): Promise<number> {
  const levels: Record<string, number | bigint> = { line_i: 1 };
  for (let i = 0; i < 16; i++) Object.assign(levels, { [`c${i}_rst_ni`]: 1, [`c${i}_m_axis_vc0_tready_i`]: 1, [`c${i}_up_seed_i`]: 2 * i + 1, [`c${i}_dn_seed_i`]: 2 * i + 2 });
  const blocks = (d: object, i: number) => (d as Record<string, { u_nor: { mem_q: MemoryHandle<number> } }>)[`g_cell[${i}]`]!.u_nor.mem_q;
  const { sim, cells: [c0, c1, c2] } = await boot(systemTb(3, 'bench'), levels, blocks, 3);
  try {
    const cycles = await transfer(c0!, [c1!, c2!], 'transfer2');
    account('system_tb_3', sim as Simulator<unknown>);
    return cycles;
  } finally {
    await sim.close();
  }
}

// The two tops are independent simulators, each its own harness process: they run side by side.
const [pair, transfer2] = await Promise.all([runPair(), runSystem()]);
console.log(`bench cell: checker ${pair.checker} cycles = ${(pair.checker / checkerBound).toFixed(4)} x bound ${checkerBound}; transfer ${pair.transfer} = ${(pair.transfer / transferBound).toFixed(4)} x bound ${transferBound}; program gap max ${Math.max(...pair.gaps)}`);
console.log(`bench cell: transfer2 ${transfer2} cycles = ${(transfer2 / transferBound).toFixed(4)} x the single bound`);

const gapMax = Math.max(...pair.gaps);
const gapMin = Math.min(...pair.gaps);
// A figure below its bound is impossible: the bound (or the measurement) is wrong.
atMostBound('checker: the bound (checker_cycles cannot be below it)', checkerBound, pair.checker);
atMostBound('transfer: the bound (transfer_cycles cannot be below it)', transferBound, pair.transfer);
atMostBound('transfer2: the single bound (transfer2_cycles cannot be below it)', transferBound, transfer2);
atMostBound('program gap: the WREN a program needs after WIP clears (no gap can be shorter)', spiByteCycles(DIV), gapMin);

const out = {
  image_bytes: IMAGE_BYTES,
  flash: { part_bytes: PART_BYTES, div: DIV, tPP: T.tPP, tSE: T.tSE, tBE: T.tBE },
  transfer_cycles: pair.transfer,
  transfer_bound_cycles: transferBound,
  transfer_ratio: pair.transfer / transferBound,
  transfer_target_met: pair.transfer <= TARGET_RATIO * transferBound,
  transfer_bound_terms: terms,
  program_gap_cycles_max: gapMax,
  program_gap_cycles_min: gapMin,
  program_gaps: pair.gaps.length,
  program_gap_target_met: gapMax <= TARGET_GAP,
  transfer2_cycles: transfer2,
  transfer2_bound_cycles: transferBound,
  transfer2_ratio: transfer2 / transferBound,
  transfer2_target_met: transfer2 <= TARGET_RATIO * transferBound,
  transfer2_top: "systemTb(3, 'bench'): 2 MiB parts on the crossbar, cell 0 -> cells 1 and 2",
  checker_cycles: pair.checker,
  checker_bound_cycles: checkerBound,
  checker_ratio: pair.checker / checkerBound,
  checker_target_met: pair.checker <= TARGET_RATIO * checkerBound,
  targets: { transfer_ratio: `<= ${TARGET_RATIO}`, program_gap_cycles_max: `<= ${TARGET_GAP}`, transfer2_ratio: `<= ${TARGET_RATIO}`, checker_ratio: `<= ${TARGET_RATIO}` },
  runs,
};
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'out', 'cell.json'), `${JSON.stringify(out, null, 2)}\n`);
