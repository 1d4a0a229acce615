// A run is a pure function of the test, its seed and the design: one mixed scenario (a source and
// a sink with random throttles, a sampled stream, an APB master, a serial line, timers, several
// tasks awaiting them) runs in fresh harnesses with different transport settings, and with random
// wall-clock delays in its TypeScript consumers; what every run sees must be the same, line by
// line (the test's own log of each resume) and by the bridge's digest.
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  ApbMaster, AxisMonitor, AxisSink, AxisSource, Clock, ClockCycles, First, SerialSink, SerialSource, Simulator, Timer,
  type TransportOptions,
} from '../../bridge/src/index.js';
import { seededTest } from '../../bridge/src/vitest.js';
import type { MixedDut } from './gen/mixed.js';
import { mixed } from './tops.js';

const plan = fc.record({
  frames: fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 20, maxLength: 50 }),
  srcThrottle: fc.record({ probability: fc.double({ min: 0.3, max: 1, noNaN: true }), seed: fc.nat() }),
  sinkThrottle: fc.record({ probability: fc.double({ min: 0.3, max: 1, noNaN: true }), seed: fc.nat() }),
  recvSizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
  monitorBatch: fc.integer({ min: 1, max: 60 }),
  apb: fc.array(fc.record({ write: fc.boolean(), addr: fc.integer({ min: 0, max: 17 }).map((i) => i * 4), data: fc.nat(), gap: fc.nat(15) }), { minLength: 5, maxLength: 25 }),
  chars: fc.array(fc.nat(255), { minLength: 3, maxLength: 10 }),
  cyclesPerBit: fc.integer({ min: 4, max: 12 }),
  timers: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 3, maxLength: 12 }),
});
type Plan = typeof plan extends fc.Arbitrary<infer P> ? P : never;

/**
 * Wall-clock noise for a consumer: now and then a timer of 0–2 ms or a busy loop. Seeded per
 * run (xorshift), so each run is noisy differently; nothing simulated may change.
 */
function jitterOf(run: number): () => Promise<void> {
  if (run === 0) return async () => undefined;
  let s = 0x9e3779b9 ^ (run * 0x85ebca6b);
  return async () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const r = s >>> 0;
    if (r % 3 === 0) await new Promise((res) => setTimeout(res, r % 3));
    else if (r % 3 === 1) {
      const end = performance.now() + (r % 5) / 10;
      while (performance.now() < end);
    }
  };
}

/** Runs the scenario on a fresh harness; returns the test's own log and the bridge's digest. */
async function scenario(p: Plan, transport: TransportOptions, run: number): Promise<{ log: string[]; digest: string }> {
  const sim = await Simulator.start(mixed, { transport, digest: true });
  const jitter = jitterOf(run);
  const log: string[] = [];
  const dut: MixedDut = sim.dut;
  const at = (who: string, what: string): void => {
    log.push(`${sim.now} ${who}: ${what} | beats ${dut.beats_o.value} valid ${dut.m_axis_tvalid_o.value} line ${dut.line_o.value}`);
  };
  try {
    const clk = dut.clk_i;
    new Clock(clk, 10, 'ns').start();
    dut.rst_ni.value = 0;
    dut.line_i.value = 1;
    await ClockCycles(clk, 2);
    dut.rst_ni.value = 1;
    const src = AxisSource.fromPrefix(dut, 's_axis', clk, { throttle: p.srcThrottle });
    const sink = AxisSink.fromPrefix(dut, 'm_axis', clk, { throttle: p.sinkThrottle });
    const mon = AxisMonitor.fromPrefix(dut, 'm_axis', clk, { batch: p.monitorBatch });
    const apb = ApbMaster.fromPrefix(dut, 'apb', clk);
    const fmt = { cyclesPerBit: p.cyclesPerBit };
    const tx = SerialSource.fromPrefix(dut, 'line', clk, fmt);
    const rx = SerialSink.fromPrefix(dut, 'line', clk, fmt);

    const receiver = sim.startSoon(async () => {
      for (let got = 0, k = 0; got < p.frames.length; k++) {
        const n = Math.min(p.recvSizes[k % p.recvSizes.length]!, p.frames.length - got);
        const frames = await sink.recvMany(n);
        at('sink', frames.map((f, i) => `#${got + i} ${Buffer.from(f.data).toString('hex')} @${f.time}/${f.cycle}`).join(' '));
        got += n;
        await jitter();
      }
    }, 'receiver');
    const monitor = sim.startSoon(async () => {
      for await (const b of mon.beats()) {
        at('monitor', `${b.length} beats ${b.cycles[0]}..${b.cycles[b.length - 1]} @${b.times[b.length - 1]} data ${Buffer.from(b.column(dut.m_axis_tdata_o)).toString('hex')}`);
        await jitter();
      }
    }, 'monitor');
    const bus = sim.startSoon(async () => {
      for (const op of p.apb) {
        const r = op.write ? await apb.write(op.addr, op.data) : await apb.read(op.addr);
        at('apb', `${op.write ? 'W' : 'R'} ${op.addr} -> ${r.data} ${r.slverr} @${r.time}/${r.cycle}`);
        await jitter();
        if (op.gap) await ClockCycles(clk, op.gap);
      }
    }, 'apb');
    const serial = sim.startSoon(async () => {
      for (let i = 0; i < p.chars.length; i++) {
        const c = await rx.recv();
        at('serial', `${c.value} from ${c.startCycle} @${c.time}/${c.cycle}`);
        await jitter();
      }
    }, 'serial');
    const timers = sim.startSoon(async () => {
      for (const [i, d] of p.timers.entries()) {
        // Racing a frame of the sink against a timer: which one wins must not depend on speed.
        const r = i % 2 ? await First(Timer(d, 'ns'), ClockCycles(clk, 1 + (d % 7))) : (await Timer(d, 'ns'), { index: 0 });
        at('timer', `${d} ns, winner ${r.index}`);
        await jitter();
      }
    }, 'timers');

    for (const f of p.frames) void src.send(f);
    void tx.send(...p.chars);
    await src.idle();
    at('main', 'source idle');
    await jitter();
    await receiver;
    await bus;
    await serial;
    await timers;
    at('main', 'all done');
    mon.close();
    await ClockCycles(clk, 2);
    await monitor;
    at('main', 'end');
    return { log, digest: sim.digest()! };
  } finally {
    await sim.close();
  }
}

const settings: readonly TransportOptions[] = [{}, { chunk: 1, credits: 1 }, { chunk: 5, credits: 2 }, { chunk: 1000, credits: 64 }];

seededTest('one seed, one trace: transport settings and wall-clock delays change nothing a test sees', async ({ seed }) => {
  const [p] = fc.sample(plan, { seed, numRuns: 1 });
  const runs: { log: string[]; digest: string }[] = [];
  for (const [run, transport] of settings.entries()) runs.push(await scenario(p!, transport, run));
  const [first, ...rest] = runs;
  expect(first!.log.length).toBeGreaterThan(p!.frames.length / 6);
  for (const [k, r] of rest.entries()) {
    const i = r.log.findIndex((line, j) => line !== first!.log[j]);
    expect(i === -1 && r.log.length === first!.log.length ? '' : `run ${k + 1} (${JSON.stringify(settings[k + 1])}) differs at line ${i}:\n  ${first!.log[i] ?? '(end)'}\n  ${r.log[i] ?? '(end)'}`).toBe('');
    expect(r.digest, `digest of run ${k + 1}`).toBe(first!.digest);
  }
}, 60_000);
