// The crossbar testbenches' environment (tb/hsi/xbar*.test.ts, bench/hsi.ts): hsi_xbar_tb's
// cells (each an hsi_link endpoint with an AXI-Stream source and sink per vc), the crossbar's
// APB, the lanes' faults, and the scoreboard: per (src, dst, vc) the link's delivery contract
// (models/hsi/delivery.ts: exactly once, in order, bit-exact, src and dst kept), and every
// frame out of the sink of its dst's cell only. No vitest here: the bench runs it too.
import {
  ApbMaster, AxisSink, AxisSource, Clock, ClockCycles, CoverGroup, type ReceivedFrame, type SignalHandle, type Simulator, type Throttle,
} from '../../bridge/src/index.js';
import { DeliveryModel, DeliveryError, type DeliveryTally, type LinkFrame } from '../../models/hsi/delivery.js';
import { HSI_OFFSET } from '../../models/hsi/hsi_pkg.js';
import { HSI_XBAR_OCCUPANCY, HSI_XBAR_OFFSET } from '../../models/hsi/hsi_xbar_pkg.js';
import type { HsiXbarTbDut } from './gen/hsi_xbar_tb.js';
import { berRate, blockRate } from './hsi_channel.js';
import { PERIOD_NS, VCS, type VcIndex } from './traffic.js';

/** The cells the top has ports for. */
export const XBAR_TB_CELLS = 8;
/** A port's APB window on the crossbar, and the crossbar's registers in it. */
export const XBAR_PORT_WINDOW = 0x200;
export const XBAR_REGS = 0x100;

/**
 * The crossbar's functional coverage, sampled by every XbarEnv: at each frame out of a cell, how
 * many sources had frames outstanding to that output on its vc (contention), whether the other
 * vc had some too, and its (src, dst) pair; a frame sent for no port; one sent to a down output.
 */
export const xbarCoverage = new CoverGroup('hsi_xbar');
const contention = xbarCoverage.point<number>('sources contending for one output', { '1': (n) => n === 1, '2': (n) => n === 2, '3': (n) => n === 3, '4+': (n) => n >= 4 });
const bothVcs = xbarCoverage.point<boolean>('both vcs contending for one output', { yes: (b) => b });
const pairs = xbarCoverage.point<string>('(src, dst) pair of 4 cells', Object.fromEntries(Array.from({ length: 16 }, (_, k) => `${k >> 2}->${k & 3}`).map((p) => [p, (v: string) => v === p])));
const dropped = xbarCoverage.point<'bad dst' | 'down output'>('frame dropped for', { 'bad dst': (v) => v === 'bad dst', 'down output': (v) => v === 'down output' });

/** A frame as it came out of a cell's sink, with the cycle it did. */
export interface Arrival {
  readonly cell: number;
  readonly vc: VcIndex;
  readonly src: number;
  readonly bytes: number;
  readonly cycle: number;
}

/** The scoreboard: one delivery contract per (src, dst, vc). */
export class XbarScoreboard {
  private readonly streams = new Map<string, DeliveryModel>();

  private stream(src: number, dst: number, vc: VcIndex): DeliveryModel | undefined {
    return this.streams.get(`${src}->${dst} vc${vc}`);
  }

  /** Cell `src` queued `frame` on vc: it must come out of cell frame.dst's vc sink. */
  sent(src: number, vc: VcIndex, frame: LinkFrame): void {
    const k = `${src}->${frame.dst} vc${vc}`;
    let s = this.streams.get(k);
    if (!s) this.streams.set(k, (s = new DeliveryModel(k, src)));
    s.sent(frame);
  }

  /** A frame came out of cell `cell`'s vc sink; throws {@link DeliveryError} if nothing allows it. */
  delivered(cell: number, vc: VcIndex, got: ReceivedFrame, when: string): void {
    const frame = { data: got.data, dst: got.dest, src: got.id };
    if (got.dest !== cell) throw new DeliveryError(`cell ${cell} vc${vc} at ${when}: a frame for cell ${got.dest} (src ${got.id}, ${got.data.length} bytes) came out here`);
    const s = this.stream(got.id, cell, vc);
    if (!s) throw new DeliveryError(`cell ${cell} vc${vc} at ${when}: a frame from cell ${got.id} (${got.data.length} bytes), which sent none here on vc${vc}`);
    s.delivered(frame, when);
  }

  /** Sources with frames still to come out of cell `dst`'s vc sink. */
  contending(dst: number, vc: VcIndex): number {
    let n = 0;
    for (const [k, s] of this.streams) if (k.endsWith(`->${dst} vc${vc}`) && s.due > 0) n++;
    return n;
  }

  /** Frames still to come out, over every stream. */
  get due(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.due;
    return n;
  }

  /** The verdict of every stream once the crossbar is quiet, by stream name. */
  finish(): Map<string, DeliveryTally> {
    return new Map([...this.streams].map(([k, s]) => [k, s.finish()]));
  }
}

/** Options of an {@link XbarEnv}. */
export interface XbarEnvOptions {
  /** Cells (and crossbar ports) the top was built with. */
  readonly ports: number;
  /** The lanes' seeds (lane l gets seed + l). @defaultValue 1 */
  readonly seed?: number;
  /** Back-pressure of cell c's sink of vc. @defaultValue always ready */
  readonly sinkThrottle?: (cell: number, vc: VcIndex) => Throttle | undefined;
  /** Gaps in cell c's source of vc. @defaultValue a beat every cycle */
  readonly sourceThrottle?: (cell: number, vc: VcIndex) => Throttle | undefined;
  /** Sinks that stay closed (tready low) until {@link XbarEnv.openSink}. @defaultValue none */
  readonly stalled?: readonly (readonly [number, VcIndex])[];
}

/** One cell of the top. */
class XbarCell {
  readonly apb: ApbMaster;
  readonly sources: readonly [AxisSource, AxisSource];
  readonly sinks: [AxisSink?, AxisSink?] = [undefined, undefined];
  readonly linkUp: SignalHandle<number>;

  constructor(readonly dut: HsiXbarTbDut, readonly index: number, options: XbarEnvOptions) {
    const p = `c${index}`;
    this.apb = ApbMaster.fromPrefix(dut, `${p}_apb`, dut.clk_i);
    this.sources = VCS.map((v) => {
      const t = options.sourceThrottle?.(index, v);
      return AxisSource.fromPrefix(dut, `${p}_s_axis_vc${v}`, dut.clk_i, t ? { throttle: t } : {});
    }) as unknown as [AxisSource, AxisSource];
    this.linkUp = pin(dut, `${p}_link_up_o`);
  }

  openSink(vc: VcIndex, throttle?: Throttle): void {
    this.sinks[vc] ??= AxisSink.fromPrefix(this.dut, `c${this.index}_m_axis_vc${vc}`, this.dut.clk_i, throttle ? { throttle } : {});
  }
}

function pin(dut: object, name: string): SignalHandle<number> {
  const s = (dut as Record<string, SignalHandle<number> | undefined>)[name];
  if (!s) throw new Error(`XbarEnv: the top has no port ${name}`);
  return s;
}

/** hsi_xbar_tb: its cells, the crossbar's APB, the faults, the scoreboard. */
export class XbarEnv {
  readonly cells: readonly XbarCell[];
  readonly apb: ApbMaster;
  readonly scoreboard = new XbarScoreboard();
  /** Every frame taken from a sink so far, in order. */
  readonly arrivals: Arrival[] = [];
  private readonly dut: HsiXbarTbDut;

  constructor(readonly sim: Simulator<HsiXbarTbDut>, readonly options: XbarEnvOptions) {
    if (options.ports < 2 || options.ports > XBAR_TB_CELLS) throw new Error(`XbarEnv: hsi_xbar_tb has 2..${XBAR_TB_CELLS} cells, not ${options.ports}`);
    this.dut = sim.dut;
    this.apb = ApbMaster.fromPrefix(this.dut, 'x_apb', this.dut.clk_i);
    this.cells = Array.from({ length: options.ports }, (_, c) => new XbarCell(this.dut, c, options));
    for (const cell of this.cells) {
      for (const v of VCS) if (!options.stalled?.some(([c, x]) => c === cell.index && x === v)) cell.openSink(v, options.sinkThrottle?.(cell.index, v));
    }
  }

  /** Starts the clock with every input idle (no faults, closed sinks not ready) and resets. */
  async reset(): Promise<void> {
    const d = this.dut as unknown as Record<string, SignalHandle<number | bigint>>;
    new Clock(this.dut.clk_i, PERIOD_NS, 'ns').start();
    this.dut.rst_ni.value = 0;
    for (const [name, s] of Object.entries(d)) {
      if (!name.endsWith('_i') || name === 'clk_i' || name === 'rst_ni') continue;
      const open = /^c(\d)_m_axis_vc(\d)_tready_i$/.exec(name);
      if (open && this.cells[Number(open[1])]?.sinks[Number(open[2]) as VcIndex]) continue;
      s.value = s.width > 32 ? 0n : 0;
    }
    this.dut.seed_i.value = (this.options.seed ?? 1) >>> 0;
    await ClockCycles(this.dut.clk_i, 2);
    this.dut.rst_ni.value = 1;
  }

  /** Waits until every cell's link and every crossbar port's is up; throws after `limit` cycles. */
  async waitUp(limit = 5000): Promise<void> {
    const all = (1 << this.options.ports) - 1;
    await ClockCycles(this.dut.clk_i, 1);
    for (let t = 0; t < limit; t += 100) {
      if (this.dut.x_link_up_o.value === all && this.cells.every((c) => c.linkUp.value === 1)) return;
      await ClockCycles(this.dut.clk_i, 100);
    }
    throw new Error(`XbarEnv: links not up after ${limit} cycles (crossbar ports up ${this.dut.x_link_up_o.value.toString(2)}, cells ${this.cells.map((c) => c.linkUp.value).join('')})`);
  }

  /** Random faults on every lane from now on (0: none). */
  faults(f: { readonly ber?: number; readonly dropRate?: number; readonly slipRate?: number }): void {
    this.dut.ber_i.value = berRate(f.ber ?? 0);
    this.dut.drop_rate_i.value = blockRate(f.dropRate ?? 0);
    this.dut.slip_rate_i.value = blockRate(f.slipRate ?? 0);
  }

  /** Cell `src` queues `frame` on vc, and the scoreboard expects it at cell frame.dst. */
  send(src: number, vc: VcIndex, frame: LinkFrame): Promise<void> {
    this.scoreboard.sent(src, vc, frame);
    return this.sendUnchecked(src, vc, frame);
  }

  /** Cell `src` queues `frame` on vc with no delivery expected (one the crossbar must drop). */
  sendUnchecked(src: number, vc: VcIndex, frame: LinkFrame): Promise<void> {
    if (frame.dst >= this.options.ports) dropped.sample('bad dst');
    else if (!this.portUp(frame.dst)) dropped.sample('down output');
    return this.cell(src).sources[vc].send({ data: frame.data, dest: frame.dst }) as unknown as Promise<void>;
  }

  /** Cuts both of cell c's lanes (they carry all-zero blocks), or joins them again. */
  cut(c: number, on: boolean): void {
    this.cell(c);
    const v = this.dut.cut_i.value;
    this.dut.cut_i.value = on ? v | (1 << c) : v & ~(1 << c);
  }

  /** Opens cell c's vc sink (a stalled one starts taking frames now). */
  openSink(c: number, vc: VcIndex): void {
    this.cell(c).openSink(vc, this.options.sinkThrottle?.(c, vc));
  }

  private cell(c: number): XbarCell {
    const cell = this.cells[c];
    if (!cell) throw new Error(`XbarEnv: no cell ${c} (the top has ${this.options.ports})`);
    return cell;
  }

  /** Takes every frame that arrived at an open sink so far, each checked by the scoreboard. */
  async collect(): Promise<void> {
    for (const cell of this.cells) {
      for (const v of VCS) {
        const sink = cell.sinks[v];
        const n = sink?.pending ?? 0;
        if (!sink || !n) continue;
        for (const f of await sink.recvMany(n)) {
          contention.sample(this.scoreboard.contending(cell.index, v));
          bothVcs.sample(this.scoreboard.contending(cell.index, v === 0 ? 1 : 0) > 0);
          if (this.options.ports === 4) pairs.sample(`${f.id}->${cell.index}`);
          this.scoreboard.delivered(cell.index, v, f, this.sim.describeTime());
          this.arrivals.push({ cell: cell.index, vc: v, src: f.id, bytes: f.data.length, cycle: Number(f.time / BigInt(PERIOD_NS * 1000)) });
        }
      }
    }
  }

  /** Collects until nothing is due or `limit` cycles passed; true if nothing is due. */
  async settle(limit = 50_000, step = 1000): Promise<boolean> {
    for (let t = 0; ; t += step) {
      await this.collect();
      if (this.scoreboard.due === 0) return true;
      if (t >= limit) return false;
      await ClockCycles(this.dut.clk_i, step);
    }
  }

  /** The crossbar's registers of port p. */
  async portRegs(p: number): Promise<{ routed: number; badDst: number; down: number; occupancy: [number, number] }> {
    const r = async (off: number): Promise<number> => this.readX(p * XBAR_PORT_WINDOW + XBAR_REGS + off);
    const occ = await r(HSI_XBAR_OFFSET.OCCUPANCY);
    return {
      routed: await r(HSI_XBAR_OFFSET.ROUTED),
      badDst: await r(HSI_XBAR_OFFSET.DROPPED_BAD_DST),
      down: await r(HSI_XBAR_OFFSET.DROPPED_DOWN),
      occupancy: [HSI_XBAR_OCCUPANCY.VC0.get(occ), HSI_XBAR_OCCUPANCY.VC1.get(occ)],
    };
  }

  /** A read of the crossbar's APB; slverr throws. */
  async readX(addr: number): Promise<number> {
    const r = await this.apb.read(addr);
    if (r.slverr) throw new Error(`XbarEnv: crossbar APB read of 0x${addr.toString(16)} answered slverr`);
    return r.data;
  }

  /** A write to register `name` of port p's link (on the crossbar) or of cell p's link. */
  async writeLink(side: 'port' | 'cell', p: number, name: keyof typeof HSI_OFFSET, data: number): Promise<void> {
    const r = side === 'port' ? await this.apb.write(p * XBAR_PORT_WINDOW + HSI_OFFSET[name], data) : await this.cell(p).apb.write(HSI_OFFSET[name], data);
    if (r.slverr) throw new Error(`XbarEnv: ${side} ${p}'s ${name} write answered slverr`);
  }

  /** Crossbar port p's link is up. */
  portUp(p: number): boolean {
    return ((this.dut.x_link_up_o.value >> p) & 1) === 1;
  }

  /** Waits until crossbar port p's link is up (`up`) or not; throws after `limit` cycles. */
  async waitPort(p: number, up: boolean, limit = 20_000): Promise<void> {
    for (let t = 0; this.portUp(p) !== up; t += 100) {
      if (t >= limit) throw new Error(`XbarEnv: crossbar port ${p} not ${up ? 'up' : 'down'} after ${limit} cycles`);
      await ClockCycles(this.dut.clk_i, 100);
    }
  }

  /** The scoreboard's verdict: every frame sent came out (throws otherwise). */
  finish(): Map<string, DeliveryTally> {
    return this.scoreboard.finish();
  }
}
