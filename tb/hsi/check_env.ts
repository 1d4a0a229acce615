// The protocol checker on hsi_link_tb (the top hsiLinkTapTb, whose bound taps are
// tb/hsi/hdl/hsi_link_taps.sv), as a block environment: the taps' streams open when the bench
// starts, and finish() decodes them, runs the checker over both lanes, samples the link's
// functional coverage and throws on any violation. Faults go through it (slip, cut) so the
// coverage knows what caused each loss of lock. It never owns the clock or the reset.
import { ClockCycles, CoverGroup, type SignalHandle, type Simulator } from '../../bridge/src/index.js';
import { BlockType, CREDIT_BITS, VCS } from '../../models/hsi/hsi_pkg.js';
import type { BlockEnv } from '../common/bench.js';
import { LinkChecker, type LinkCheckerOptions } from './checker.js';
import type { HsiLinkTbDut } from './gen/hsi_link_tb.js';
import { LaneTap, type LaneDecoder, type LaneEvent, tapPins } from './tap.js';

/**
 * Cycles from a block at one transmitter's tap to its effect at the far endpoint, at the least:
 * hsi_link_tb's channel latency (both taps add the same 3 cycles, the receiver at least as many).
 */
export const TAP_LATENCY = 4;

/** The link's coverage (issue 12's list), over every test that composes a {@link LinkCheckEnv}. */
export const linkCoverage = new CoverGroup('hsi_link');
const SIZE_BINS = [1, 7, 8, 9, 512, 516, 1023, 1024];
const sizes = linkCoverage.point<number>('frame size', Object.fromEntries(SIZE_BINS.map((n) => [`${n}`, (v: number) => v === n])));
const blocks = linkCoverage.point<string>('block type', Object.fromEntries(['Sof', 'Eof', 'Idle', 'Ack', 'Nak', 'Fc'].map((t) => [t, (v: string) => v === t])));
const EVENTS = ['replay', 'nak replay', 'timer expiry', 'lock lost and regained after a slip', 'lost FC refreshed', 'credits exhausted vc0', 'credits exhausted vc1', 'short cut resumed', 'long cut down', 're-enabled after down'] as const;
type LinkEvent = (typeof EVENTS)[number];
const events = linkCoverage.point<LinkEvent>('event', Object.fromEntries(EVENTS.map((e) => [e, (v: LinkEvent) => v === e])));

/** A fault the test made through the environment, at a stream cycle. */
interface Fault {
  readonly kind: 'slip' | 'cut';
  readonly lane: 'ab' | 'ba';
  readonly cycle: number;
  readonly cycles: number;
}

type Lanes = { txA: LaneDecoder; txB: LaneDecoder; rxA: LaneDecoder; rxB: LaneDecoder };

/** The protocol checker and coverage of one hsi_link_tb run. */
export class LinkCheckEnv implements BlockEnv {
  readonly checker: LinkChecker;
  private taps: LaneTap[] = [];
  private readonly faults: Fault[] = [];
  private opened = 0n;
  private lanes?: Lanes;

  /** `periodSteps`: the clock's period in simulator steps (the bench's 10 ns at 1 ps). */
  constructor(readonly sim: Simulator<unknown>, readonly dut: HsiLinkTbDut, options: LinkCheckerOptions = {}, private readonly periodSteps = 10_000n) {
    this.checker = new LinkChecker(options);
  }

  idle(): void {}

  /** Opens the four taps' streams (their edge 1 is the first after the reset's release). */
  async start(): Promise<void> {
    const clk = this.dut.clk_i;
    this.opened = this.sim.now;
    this.taps = (['tx_a', 'tx_b', 'rx_a', 'rx_b'] as const).map((p) => new LaneTap(this.sim, clk, tapPins(this.dut.u_taps, p)));
  }

  private get cycle(): number {
    return Number((this.sim.now - this.opened) / this.periodSteps);
  }

  /** Slips lane `lane` by one bit (its receiver must hunt for the block boundary again). */
  async slip(lane: 'ab' | 'ba'): Promise<void> {
    const s = this.dut[`${lane}_slip_i`] as SignalHandle<number>;
    this.faults.push({ kind: 'slip', lane, cycle: this.cycle, cycles: 1 });
    s.value = 1;
    await ClockCycles(this.dut.clk_i, 1);
    s.value = 0;
  }

  /** Cuts lane `lane` for `cycles`. */
  async cut(lane: 'ab' | 'ba', cycles: number): Promise<void> {
    const s = this.dut[`${lane}_cut_i`] as SignalHandle<number>;
    this.faults.push({ kind: 'cut', lane, cycle: this.cycle, cycles });
    s.value = 1;
    await ClockCycles(this.dut.clk_i, cycles);
    s.value = 0;
  }

  /** Decodes the taps, checks both lanes, samples coverage; throws on a violation. */
  async finish(): Promise<LinkChecker> {
    if (!this.lanes) {
      const [txA, txB, rxA, rxB] = await Promise.all(this.taps.map((t) => t.close()));
      this.lanes = { txA: txA!, txB: txB!, rxA: rxA!, rxB: rxB! };
      this.checker.check(this.lanes.txA, this.lanes.txB);
      this.cover(this.lanes);
      linkCoverage.save();
    }
    this.checker.assertClean();
    return this.checker;
  }

  private cover(l: Lanes): void {
    const c = this.checker;
    for (const d of [c.ab, c.ba]) {
      for (const n of d.stats.sizes.keys()) sizes.sample(n);
      if (d.stats.framesReplayed) events.sample('replay');
      if (d.stats.nakReplays) events.sample('nak replay');
      if (d.stats.timerReplays) events.sample('timer expiry');
      d.stats.exhausted.forEach((x, v) => x && events.sample(`credits exhausted vc${v}` as LinkEvent));
    }
    for (const tx of [l.txA, l.txB]) {
      for (const e of tx.events) if (e.kind === 'frame') { blocks.sample('Sof'); blocks.sample('Eof'); break; }
      for (const e of tx.events) if (e.kind === 'control') blocks.sample(BlockType[e.block.type]!);
      if (tx.idleCycles) blocks.sample('Idle');
    }
    if (lostFcRefreshed(l.txA, l.rxA) || lostFcRefreshed(l.txB, l.rxB)) events.sample('lost FC refreshed');
    // A transmitter's lane carries zeros only while its endpoint is Down or Disabled.
    const silences = [l.txA, l.txB].flatMap((d) => d.events.flatMap((e) => (e.kind === 'silence' || (e.kind === 'lock' && !e.lock) ? [e.cycle] : [])));
    for (const f of this.faults) {
      const rx = f.lane === 'ab' ? l.rxA : l.rxB;
      const loss = lockEdges(rx).find((e) => !e.lock && e.cycle >= f.cycle);
      const regain = loss && lockEdges(rx).find((e) => e.lock && e.cycle > loss.cycle);
      const next = this.faults.find((g) => g.cycle > f.cycle)?.cycle ?? Infinity;
      const down = silences.some((s) => s >= f.cycle && s < next);
      if (f.kind === 'slip' && regain && !down) events.sample('lock lost and regained after a slip');
      if (f.kind === 'cut' && regain && !down) events.sample('short cut resumed');
      if (f.kind === 'cut' && down) events.sample('long cut down');
    }
    if (silences.length && c.stats.relinks) events.sample('re-enabled after down');
  }
}

function lockEdges(d: LaneDecoder): Extract<LaneEvent, { kind: 'lock' }>[] {
  return d.events.filter((e): e is Extract<LaneEvent, { kind: 'lock' }> => e.kind === 'lock');
}

type Fc = { vc: number; credits: number };
function fcs(d: LaneDecoder): Fc[] {
  return d.events.flatMap((e) => (e.kind === 'control' && e.block.type === BlockType.Fc ? [{ vc: e.block.vc as number, credits: e.block.credits }] : []));
}

/**
 * Did an FC sent on a lane (`tx`) never arrive (`rx`, behind the channel), and a later one of
 * its vc, granting at least as much, arrive? What arrives is a subsequence of what was sent.
 */
function lostFcRefreshed(tx: LaneDecoder, rx: LaneDecoder): boolean {
  const sent = fcs(tx);
  const got = fcs(rx);
  const lost = Array<number | undefined>(VCS).fill(undefined);
  let i = 0;
  for (const g of got) {
    while (i < sent.length && (sent[i]!.vc !== g.vc || sent[i]!.credits !== g.credits)) {
      lost[sent[i]!.vc] ??= sent[i]!.credits;
      i++;
    }
    i++;
    const l = lost[g.vc];
    if (l !== undefined && (g.credits - l + (1 << CREDIT_BITS)) % (1 << CREDIT_BITS) < 1 << (CREDIT_BITS - 1)) return true;
  }
  return false;
}
