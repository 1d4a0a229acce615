/**
 * Normal traffic (claim 33's "during normal operation … communications between a plurality of
 * cells"): each cell's host sends vc 0 frames to every other cell, round-robin, paced, while the
 * system heals; each host's sink takes what arrives. The scoreboard holds every (src, dst) flow
 * to the HSI's contract: every frame delivered once, in order, bit-exact, to its dst only.
 */
import { AxisSink, AxisSource, ClockCycles, type ReceivedFrame, type Simulator, type Task } from '../../bridge/src/index.js';
import { Rng } from '../../models/common/rng.js';
import { account, type Account, taggedPayload } from '../hsi/traffic.js';
import type { SystemTbDut } from './gen/system_tb.js';

/** How much traffic. */
export interface TrafficOptions {
  /** Cycles between one cell's frames. @defaultValue 4096 */
  readonly every?: number;
  /** Payload bytes of a frame: from 8 to this. @defaultValue 1024 */
  readonly maxBytes?: number;
  readonly seed: number;
}

/** One (src, dst) flow's outcome. */
export interface FlowAccount extends Account {
  readonly src: number;
  readonly dst: number;
}

const tag = (src: number, dst: number): number => src * 16 + dst + 1;

/** vc 0 traffic between every pair of `cells` cells. */
export class SystemTraffic {
  readonly #sources: AxisSource[];
  readonly #sinks: AxisSink[];
  /** sent[src][dst]: the payloads in order. */
  readonly sent: Uint8Array[][][];
  readonly got: ReceivedFrame[][];
  #pacer: Task<unknown> | undefined;

  constructor(readonly sim: Simulator<unknown>, readonly dut: SystemTbDut, readonly cells: number, readonly options: TrafficOptions) {
    const at = Array.from({ length: cells }, (_, i) => i);
    this.#sources = at.map((i) => AxisSource.fromPrefix(dut, `c${i}_s_axis_vc0`, dut.clk_i));
    this.#sinks = at.map((i) => AxisSink.fromPrefix(dut, `c${i}_m_axis_vc0`, dut.clk_i));
    this.sent = at.map(() => at.map(() => []));
    this.got = at.map(() => []);
  }

  /** Starts the pacer: every `every` cycles each cell queues one frame to its next peer. */
  start(): void {
    if (this.#pacer) return;
    const rng = new Rng(this.options.seed);
    const every = this.options.every ?? 4096;
    const max = this.options.maxBytes ?? 1024;
    this.#pacer = this.sim.startSoon(async () => {
      for (let round = 0; ; round++) {
        for (let src = 0; src < this.cells; src++) {
          const dst = (src + 1 + (round % (this.cells - 1))) % this.cells;
          const flow = this.sent[src]![dst]!;
          const p = taggedPayload(tag(src, dst), flow.length, 8 + rng.below(max - 7));
          flow.push(p);
          void this.#sources[src]!.send({ data: p, dest: dst });
        }
        await ClockCycles(this.dut.clk_i, every);
      }
    }, 'vc 0 traffic');
  }

  /** Stops queueing (frames queued still go). */
  stop(): void {
    this.#pacer?.cancel();
  }

  /** Takes what arrived so far (no round trip). */
  async drain(): Promise<void> {
    for (const [i, s] of this.#sinks.entries()) {
      const n = s.pending;
      if (n) this.got[i]!.push(...(await s.recvMany(n)));
    }
  }

  /** Frames sent so far, and delivered. */
  get totals(): { sent: number; delivered: number } {
    return { sent: this.sent.flat().reduce((n, f) => n + f.length, 0), delivered: this.got.reduce((n, g) => n + g.length, 0) };
  }

  /**
   * Each flow's account against what was sent; throws naming the first flow that lost,
   * duplicated, corrupted or reordered a frame, or a frame at the wrong cell. `settled`: every
   * frame sent must have arrived (else only those sent may have).
   */
  check(settled: boolean): FlowAccount[] {
    const out: FlowAccount[] = [];
    for (let dst = 0; dst < this.cells; dst++) {
      for (const f of this.got[dst]!) {
        if (f.id >= this.cells || f.id === dst) throw new Error(`vc 0: cell ${dst}'s host got a frame with src ${f.id} at cycle ${f.cycle}: no such flow`);
      }
      for (let src = 0; src < this.cells; src++) {
        if (src === dst) continue;
        const a = account(this.sent[src]![dst]!, this.got[dst]!.filter((f) => f.id === src).map((f) => f.data));
        const bad = a.duplicated || a.corrupted || a.outOfOrder || (settled && a.lost);
        if (bad) throw new Error(`vc 0 ${src} -> ${dst}: ${JSON.stringify(a)}`);
        out.push({ src, dst, ...a });
      }
    }
    return out;
  }
}
