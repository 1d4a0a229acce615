// The HSI link testbenches' environment. HsiEnv binds one hsi_link endpoint by prefix (its APB,
// an AXI-Stream source and sink per vc), keeps the register-level reference (HsiLinkModel) and,
// per vc, the delivery contract of the frames arriving at it (DeliveryModel), which the peer's
// sends feed. LaneEnv drives one hsi_channel's fault controls. Neither owns the clock or the
// reset: `hsiTest` composes them on the run's Bench, which does. Tests hold only scenarios.
import { expect } from 'vitest';
import {
  ApbMaster, AxisSink, AxisSource, ClockCycles, First, Until, type SignalHandle, type Simulator, type Throttle, type TopSpec,
} from '../../bridge/src/index.js';
import type { SimTestOptions } from '../../bridge/src/vitest.js';
import { DeliveryModel, type LinkFrame } from '../../models/hsi/delivery.js';
import { HsiLinkModel, type HsiCounter } from '../../models/hsi/hsi_link.js';
import { HSI_CREDITS, HSI_CTRL, HSI_OFFSET, HSI_STATUS, LinkState } from '../../models/hsi/hsi_pkg.js';
import { type BlockEnv, type ClockResetDut } from '../common/bench.js';
import { benchTest } from '../common/bench_test.js';
import { hex } from '../common/hex.js';
import type { HsiLinkTbDut } from './gen/hsi_link_tb.js';
import { berRate, blockRate } from './hsi_channel.js';
import { hsiLinkTb } from './tops.js';

import { VCS, type VcIndex } from './traffic.js';
export { VCS, type VcIndex };

/** Options of an {@link HsiEnv}. */
export interface HsiEnvOptions {
  /** The endpoint's prefix on the top ('a' or 'b'). */
  readonly prefix: string;
  /** The endpoint's cell id (the top ties its s_axis tid to it: the src of its frames). */
  readonly cellId: number;
  /** Back-pressure of the m_axis sink per vc. @defaultValue always ready */
  readonly sinkThrottle?: readonly [Throttle?, Throttle?];
  /** Gaps in the s_axis source per vc. @defaultValue a beat every cycle */
  readonly sourceThrottle?: readonly [Throttle?, Throttle?];
  /** vcs whose sink stays closed (tready low) until {@link HsiEnv.openSink}. @defaultValue none */
  readonly stalled?: readonly VcIndex[];
  /** The endpoint is built with FollowPeer (a crossbar port's rule). @defaultValue false */
  readonly followPeer?: boolean;
}

/** The signals one endpoint has on the top, found by prefix. */
interface EndpointPins {
  readonly linkUp: SignalHandle<number>;
  readonly linkDown: SignalHandle<number>;
  readonly irq: SignalHandle<number>;
  readonly mReady: readonly [SignalHandle<number>, SignalHandle<number>];
}

function pin(dut: object, name: string): SignalHandle<number> {
  const s = (dut as Record<string, SignalHandle<number> | undefined>)[name];
  if (!s) throw new Error(`HsiEnv: the top has no port ${name}: is the prefix right?`);
  return s;
}

/** The register names by offset, for messages. */
const REG_NAME = new Map<number, string>(Object.entries(HSI_OFFSET).map(([k, v]) => [v, k]));

/** One endpoint of a top. */
export class HsiEnv implements BlockEnv {
  readonly apb: ApbMaster;
  /** The register-level reference of this endpoint. */
  readonly model: HsiLinkModel;
  /** Per vc, the contract of the frames arriving here (fed by the peer's {@link send}); set by {@link connect}. */
  inbound: readonly [DeliveryModel, DeliveryModel];
  private readonly sources: readonly [AxisSource, AxisSource];
  private readonly sinks: [AxisSink?, AxisSink?] = [undefined, undefined];
  private readonly pins: EndpointPins;
  private peerQ?: HsiEnv;

  constructor(readonly sim: Simulator<unknown>, readonly dut: ClockResetDut & object, readonly options: HsiEnvOptions) {
    const p = options.prefix;
    const clk = dut.clk_i;
    this.model = new HsiLinkModel(options.followPeer ?? false);
    this.apb = ApbMaster.fromPrefix(dut, `${p}_apb`, clk);
    this.sources = [0, 1].map((v) => AxisSource.fromPrefix(dut, `${p}_s_axis_vc${v}`, clk, options.sourceThrottle?.[v] ? { throttle: options.sourceThrottle[v] } : {})) as [AxisSource, AxisSource];
    this.pins = {
      linkUp: pin(dut, `${p}_link_up_o`),
      linkDown: pin(dut, `${p}_link_down_o`),
      irq: pin(dut, `${p}_irq_o`),
      mReady: [pin(dut, `${p}_m_axis_vc0_tready_i`), pin(dut, `${p}_m_axis_vc1_tready_i`)],
    };
    this.inbound = [new DeliveryModel(`-> ${p} vc0`, 0), new DeliveryModel(`-> ${p} vc1`, 0)];
    for (const v of VCS) if (!options.stalled?.includes(v)) this.openSink(v);
  }

  /** The endpoint at the other end of the lanes: its sends are checked here and ours there. */
  connect(peer: HsiEnv): void {
    this.peerQ = peer;
    this.inbound = [new DeliveryModel(`${peer.options.prefix} -> ${this.options.prefix} vc0`, peer.options.cellId), new DeliveryModel(`${peer.options.prefix} -> ${this.options.prefix} vc1`, peer.options.cellId)];
  }

  private get peer(): HsiEnv {
    if (!this.peerQ) throw new Error(`HsiEnv ${this.options.prefix}: connect() it to its peer first`);
    return this.peerQ;
  }

  /** Opens vc's m_axis sink (a stalled one starts taking frames now). */
  openSink(vc: VcIndex): void {
    if (this.sinks[vc]) return;
    const t = this.options.sinkThrottle?.[vc];
    this.sinks[vc] = AxisSink.fromPrefix(this.dut, `${this.options.prefix}_m_axis_vc${vc}`, this.dut.clk_i, t ? { throttle: t } : {});
  }

  /** A closed sink holds tready low. */
  idle(): void {
    for (const v of VCS) if (!this.sinks[v]) this.pins.mReady[v].value = 0;
  }

  async start(): Promise<void> {}

  /** Queues `frame` on vc's s_axis; the peer's contract expects it. Resolves when its last beat was taken. */
  send(vc: VcIndex, frame: LinkFrame): Promise<void> {
    this.peer.inbound[vc].sent(frame);
    return this.sources[vc].send({ data: frame.data, dest: frame.dst }) as unknown as Promise<void>;
  }

  /** Queues `frame` on vc's s_axis with no delivery expected (a frame the link must drop). */
  sendUnchecked(vc: VcIndex, frame: LinkFrame): Promise<void> {
    return this.sources[vc].send({ data: frame.data, dest: frame.dst }) as unknown as Promise<void>;
  }

  /** Resolves when every frame queued on vc's source was taken. */
  sent(vc: VcIndex): Promise<void> {
    return this.sources[vc].idle() as unknown as Promise<void>;
  }

  /** Takes `n` frames from vc's sink, each checked against the contract. */
  async recv(vc: VcIndex, n: number): Promise<void> {
    const sink = this.sinks[vc];
    if (!sink) throw new Error(`HsiEnv ${this.options.prefix}: vc${vc}'s sink is closed (stalled); openSink(${vc}) first`);
    const frames = await sink.recvMany(n);
    for (const f of frames) this.inbound[vc].delivered({ data: f.data, dst: f.dest, src: f.id }, this.sim.describeTime());
  }

  /** Frames that arrived at vc's sink and were not yet taken. */
  pending(vc: VcIndex): number {
    return this.sinks[vc]?.pending ?? 0;
  }

  get up(): boolean {
    return this.pins.linkUp.value === 1;
  }

  get down(): boolean {
    return this.pins.linkDown.value === 1;
  }

  /** irq_o. */
  get irq(): boolean {
    return this.pins.irq.value === 1;
  }

  /** Waits until the link is up here; the reference follows. */
  async waitUp(): Promise<void> {
    if (!this.up) await Until(this.dut.clk_i, this.pins.linkUp, 1);
    this.model.trained();
  }

  /** Waits until the link is down here, for at most `cycles` if given; resolves with whether it is. */
  async waitDown(cycles?: number): Promise<boolean> {
    if (!this.down) {
      const down = Until(this.dut.clk_i, this.pins.linkDown, 1);
      await (cycles === undefined ? down : First(down, ClockCycles(this.dut.clk_i, cycles)));
    }
    return this.down;
  }

  /** An APB write to the RTL and the reference, which must answer alike. */
  async writeReg(offset: number, data: number): Promise<void> {
    expect(await this.apb.write(offset, data), `${this.options.prefix}: APB write ${REG_NAME.get(offset)} = ${hex(data >>> 0, 8)} (${this.sim.describeTime()})`).toEqual(this.model.write(offset, data));
  }

  /** An APB read of a register. */
  async readReg(name: keyof typeof HSI_OFFSET): Promise<number> {
    const r = await this.apb.read(HSI_OFFSET[name]);
    expect(r.slverr, `${this.options.prefix}: ${name} answered slverr`).toBe(false);
    return r.data;
  }

  /** A counter's value. */
  counter(name: HsiCounter): Promise<number> {
    return this.readReg(name);
  }

  /** Credits available to this end's transmitter, per vc (CREDITS). */
  async credits(): Promise<[number, number]> {
    const c = await this.readReg('CREDITS');
    return [HSI_CREDITS.VC0.get(c), HSI_CREDITS.VC1.get(c)];
  }

  /**
   * Every register read through APB equals the reference's, after the reference was told what
   * only the lane knows: the counters `counts` (the test's expectation), lock and credits.
   */
  async expectRegs(counts: Partial<Record<HsiCounter, number>>, credits: readonly [number, number], lock = true): Promise<void> {
    for (const [k, n] of Object.entries(counts)) this.model.count(k as HsiCounter, n - (this.model.read(HSI_OFFSET[k as HsiCounter]).data));
    this.model.observe(lock, credits);
    for (const [name, offset] of Object.entries(HSI_OFFSET)) {
      const got = await this.apb.read(offset);
      expect(hex(got.data, 8), `${this.options.prefix}: ${name} @ ${hex(offset)} (${this.sim.describeTime()})`).toBe(hex(this.model.read(offset).data, 8));
    }
    expect(this.pins.irq.value, `${this.options.prefix}: irq_o`).toBe(this.model.irq ? 1 : 0);
  }

  /** STATUS.STATE as the RTL has it. */
  async state(): Promise<LinkState> {
    return HSI_STATUS.STATE.get(await this.readReg('STATUS')) as LinkState;
  }

  /**
   * CTRL.RESTART (the way out of Down): the RTL and the reference restart; frames queued so far
   * in either direction may be lost (the replay and receive buffers are cleared at both ends).
   */
  async restart(): Promise<void> {
    await this.writeReg(HSI_OFFSET.CTRL, HSI_CTRL.ENABLE.put(1) | HSI_CTRL.RESTART.put(1));
    for (const v of VCS) {
      this.inbound[v].restarted();
      this.peer.inbound[v].restarted();
    }
  }

  /**
   * Takes what is still due at every open sink, waiting up to `cycles` for it, and gives the
   * verdict of each vc's contract: every frame sent since the last restart arrived.
   */
  async finish(cycles = 20_000): Promise<void> {
    const step = 500;
    for (let t = 0; ; t += step) {
      for (const v of VCS) {
        const n = this.pending(v);
        if (n) await this.recv(v, n);
      }
      if (t >= cycles || !VCS.some((v) => this.sinks[v] && this.inbound[v].due > 0)) break;
      await ClockCycles(this.dut.clk_i, step);
    }
    for (const v of VCS) this.inbound[v].finish();
  }
}

/** Fault controls of one hsi_channel (prefix 'ab' or 'ba'). */
export class LaneEnv implements BlockEnv {
  private readonly s: Record<'seed' | 'drop_rate' | 'slip_rate' | 'drop' | 'slip' | 'cut', SignalHandle<number>>;
  private readonly ber: SignalHandle<bigint>;

  constructor(readonly dut: object, readonly prefix: string, private readonly seed = 1) {
    const get = (n: string): SignalHandle<number> => pin(dut, `${prefix}_${n}_i`);
    this.s = { seed: get('seed'), drop_rate: get('drop_rate'), slip_rate: get('slip_rate'), drop: get('drop'), slip: get('slip'), cut: get('cut') };
    this.ber = pin(dut, `${prefix}_ber_i`) as unknown as SignalHandle<bigint>;
  }

  /** No fault; the seed is the lane's from reset on. */
  idle(): void {
    for (const x of Object.values(this.s)) x.value = 0;
    this.s.seed.value = this.seed >>> 0;
    this.ber.value = 0n;
  }

  async start(): Promise<void> {}
  async finish(): Promise<void> {}

  /** Random faults from now on (0: none). */
  faults(f: { readonly ber?: number; readonly dropRate?: number; readonly slipRate?: number }): void {
    this.ber.value = berRate(f.ber ?? 0);
    this.s.drop_rate.value = blockRate(f.dropRate ?? 0);
    this.s.slip_rate.value = blockRate(f.slipRate ?? 0);
  }

  /** Bits the lane flipped so far. */
  get flips(): bigint {
    return (pin(this.dut, `${this.prefix}_flips_o`) as unknown as SignalHandle<bigint>).value;
  }

  /** Cuts the lane for `cycles`, then restores it. */
  async cut(clk: SignalHandle<number>, cycles: number): Promise<void> {
    this.s.cut.value = 1;
    await ClockCycles(clk, cycles);
    this.s.cut.value = 0;
  }

  /** Drops the block received in the next cycle. */
  async drop(clk: SignalHandle<number>): Promise<void> {
    this.s.drop.value = 1;
    await ClockCycles(clk, 1);
    this.s.drop.value = 0;
  }
}

/** The link of hsi_link_tb: endpoints a (cell 1) and b (cell 2), lanes ab and ba. */
export interface HsiLink {
  readonly a: HsiEnv;
  readonly b: HsiEnv;
  readonly ab: LaneEnv;
  readonly ba: LaneEnv;
  /** Both ends up. */
  up(): Promise<void>;
}

/** Options of the `link` fixture. */
export interface HsiLinkOptions {
  readonly a?: Omit<HsiEnvOptions, 'prefix' | 'cellId'>;
  readonly b?: Omit<HsiEnvOptions, 'prefix' | 'cellId'>;
  /** The lanes' seeds. @defaultValue the test's seed and seed + 1 */
  readonly seed?: number;
}

/**
 * `simTest(top)` (hsiLinkTb, or a variant of it) with `bench` and `link(options)`: both endpoints and both lanes composed
 * on the run's bench and reset together, once per run of the model.
 */
export function hsiTest(options: SimTestOptions = {}, top: TopSpec<HsiLinkTbDut> = hsiLinkTb) {
  return benchTest(top, options).extend<{ link: (o?: HsiLinkOptions) => Promise<HsiLink> }>({
    link: async ({ bench, seed }, use) => {
      await use(async (o = {}) => {
        const b = bench();
        const dut: HsiLinkTbDut = b.dut;
        const s = o.seed ?? seed;
        const ab = b.compose(new LaneEnv(dut, 'ab', s));
        const ba = b.compose(new LaneEnv(dut, 'ba', s + 1));
        const ea = b.compose(new HsiEnv(b.sim as Simulator<unknown>, dut, { ...o.a, prefix: 'a', cellId: 1 }));
        const eb = b.compose(new HsiEnv(b.sim as Simulator<unknown>, dut, { ...o.b, prefix: 'b', cellId: 2 }));
        ea.connect(eb);
        eb.connect(ea);
        await b.reset();
        return { a: ea, b: eb, ab, ba, up: async () => { await ea.waitUp(); await eb.waitUp(); } };
      });
    },
  });
}
