// The crossbar's randomized case (tb/hsi/xbar.test.ts at 4 cells, tb/hsi/xbar8.test.ts at 8):
// random traffic between every pair on both vcs, random sizes, back-pressure, source gaps, lane
// faults and frames for no port, scored by XbarEnv; the port CSRs exact at the end.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Simulator, Throttle } from '../../bridge/src/index.js';
import type { LinkFrame } from '../../models/hsi/delivery.js';
import type { HsiXbarTbDut } from './gen/hsi_xbar_tb.js';
import type { VcIndex } from './traffic.js';
import { XbarEnv } from './xbar_env.js';

/** One frame a cell sends: to dst (a port, or beyond the last: dropped), its vc, size and bytes. */
export interface Send {
  readonly dst: number;
  readonly vc: VcIndex;
  readonly len: number;
  readonly seed: number;
}

const throttleArb: fc.Arbitrary<Throttle> = fc.record({ probability: fc.constantFrom(1, 0.9, 0.5, 0.25), seed: fc.integer({ min: 1, max: 0xffff }) });
const faultsArb = fc.constantFrom(
  { ber: 0, dropRate: 0, slipRate: 0 },
  { ber: 1e-6, dropRate: 0, slipRate: 0 },
  { ber: 1e-5, dropRate: 0, slipRate: 0 },
  { ber: 0, dropRate: 1e-4, slipRate: 0 },
  { ber: 0, dropRate: 0, slipRate: 1e-4 },
  { ber: 1e-6, dropRate: 1e-4, slipRate: 1e-4 },
);

export function caseArb(ports: number, frames: number) {
  const send: fc.Arbitrary<Send> = fc.record({
    dst: fc.oneof({ weight: 15, arbitrary: fc.integer({ min: 0, max: ports - 1 }) }, { weight: 1, arbitrary: fc.integer({ min: ports, max: 255 }) }),
    vc: fc.constantFrom<VcIndex>(0, 1),
    len: fc.oneof(fc.integer({ min: 1, max: 1024 }), fc.constantFrom(1, 8, 9, 512, 1024)),
    seed: fc.integer({ min: 0, max: 0xffff }),
  });
  return fc.record({
    sends: fc.array(fc.array(send, { maxLength: frames }), { minLength: ports, maxLength: ports }),
    sinks: fc.array(fc.tuple(throttleArb, throttleArb), { minLength: ports, maxLength: ports }),
    sources: fc.array(fc.tuple(throttleArb, throttleArb), { minLength: ports, maxLength: ports }),
    faults: faultsArb,
  });
}

export type Case = ReturnType<typeof caseArb> extends fc.Arbitrary<infer T> ? T : never;

/** Bytes that name their frame: src, index, then a function of the seed. */
export function frameOf(src: number, index: number, s: Send): LinkFrame {
  return { dst: s.dst, data: Uint8Array.from({ length: s.len }, (_, k) => (k === 0 ? src : k === 1 ? index : (s.seed * 131 + k * 37 + (k >> 8)) & 0xff)) };
}

export async function runCase(sim: Simulator<HsiXbarTbDut>, ports: number, seed: number, c: Case): Promise<void> {
  const env = new XbarEnv(sim, {
    ports,
    seed,
    sinkThrottle: (cell, vc) => c.sinks[cell]![vc],
    sourceThrottle: (cell, vc) => c.sources[cell]![vc],
  });
  await env.reset();
  await env.waitUp();
  env.faults(c.faults);
  const bad = Array<number>(ports).fill(0);
  c.sends.forEach((list, src) => list.forEach((s, i) => {
    const f = frameOf(src, i, s);
    if (s.dst < ports) void env.send(src, s.vc, f);
    else {
      bad[src]!++;
      void env.sendUnchecked(src, s.vc, f);
    }
  }));
  const done = await env.settle(200_000);
  env.faults({});
  if (!done) await env.settle(50_000);
  env.finish();
  for (let p = 0; p < ports; p++) {
    const r = await env.portRegs(p);
    const routed = c.sends[p]!.filter((s) => s.dst < ports).length;
    expect(r, `port ${p}'s counters`).toEqual({ routed, badDst: bad[p], down: 0, occupancy: [0, 0] });
  }
}
