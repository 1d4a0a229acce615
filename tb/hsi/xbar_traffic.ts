// The crossbar's throughput runs, shared by tb/hsi/xbar.test.ts and bench/hsi.ts: four sources to
// one output, and a permutation (each source to its own output at once). Frames of 512 bytes on
// one vc; each figure from the sink's stamps of the frames that came out, against the framing
// bound of a 512-byte frame (64 data blocks of 66: SOF and EOF), every frame checked by the
// scoreboard (exactly once, in order, bit-exact).
import type { LinkFrame } from '../../models/hsi/delivery.js';
import { ClockCycles, type Simulator } from '../../bridge/src/index.js';
import type { HsiXbarTbDut } from './gen/hsi_xbar_tb.js';
import { type Arrival, XbarEnv } from './xbar_env.js';

/** 512 payload bytes take 66 blocks of 8 bytes. */
export const XBAR_FRAME_BYTES = 512;
export const XBAR_BOUND = 64 / 66;

/** A flow's figure: its bytes per cycle after its first frame, over 8 bytes a cycle. */
export function flowEfficiency(got: readonly Arrival[]): number {
  if (got.length < 2) throw new Error(`xbar traffic: ${got.length} frame(s) came out of a flow, too few to measure`);
  return got.slice(1).reduce((n, a) => n + a.bytes, 0) / ((got.at(-1)!.cycle - got[0]!.cycle) * 8);
}

const frame = (src: number, dst: number, i: number): LinkFrame => ({
  dst,
  data: Uint8Array.from({ length: XBAR_FRAME_BYTES }, (_, k) => (k === 0 ? src : k === 1 ? i & 0xff : k === 2 ? i >> 8 : (src * 59 + i * 13 + k * 7) & 0xff)),
});

/** Sends `flows` (each src → dst, `frames` frames) at once on vc 1; resolves with every arrival once all came out. */
async function run(sim: Simulator<HsiXbarTbDut>, seed: number, flows: readonly (readonly [number, number])[], frames: number): Promise<Arrival[]> {
  await sim.restart();
  const env = new XbarEnv(sim, { ports: 4, seed });
  await env.reset();
  await env.waitUp();
  for (let i = 0; i < frames; i++) for (const [src, dst] of flows) void env.send(src, 1, frame(src, dst, i));
  const limit = 40 * frames * 66 + 20_000;
  if (!(await env.settle(limit, 500))) throw new Error(`xbar traffic: ${env.scoreboard.due} frame(s) still due after ${limit} cycles`);
  env.finish();
  await ClockCycles(sim.dut.clk_i, 1);
  return env.arrivals;
}

export interface FourToOne {
  /** Output 0's payload rate over the framing bound's. */
  readonly efficiency: number;
  /** Each source's share of the bytes out while all four were sending. */
  readonly shares: readonly number[];
  readonly frames: number;
}

/** Cells 0..3 each send `frames` frames to cell 0 at once. */
export async function fourToOne(sim: Simulator<HsiXbarTbDut>, frames: number, seed = 3): Promise<FourToOne> {
  const got = await run(sim, seed, [0, 1, 2, 3].map((s) => [s, 0] as const), frames);
  const out = got.filter((a) => a.cell === 0);
  // The window in which every source still had frames to send: up to the first source's last frame.
  const end = Math.min(...[0, 1, 2, 3].map((s) => Math.max(...out.filter((a) => a.src === s).map((a) => a.cycle))));
  const window = out.filter((a) => a.cycle <= end);
  const total = window.reduce((n, a) => n + a.bytes, 0);
  return {
    efficiency: flowEfficiency(out) / XBAR_BOUND,
    shares: [0, 1, 2, 3].map((s) => window.filter((a) => a.src === s).reduce((n, a) => n + a.bytes, 0) / total),
    frames: out.length,
  };
}

/** Cell i sends `frames` frames to cell i + 1 (mod 4), all four at once: each flow's efficiency over the bound. */
export async function permutation(sim: Simulator<HsiXbarTbDut>, frames: number, seed = 4): Promise<number[]> {
  const flows = [0, 1, 2, 3].map((s) => [s, (s + 1) % 4] as const);
  const got = await run(sim, seed, flows, frames);
  return flows.map(([s, d]) => flowEfficiency(got.filter((a) => a.src === s && a.cell === d)) / XBAR_BOUND);
}
