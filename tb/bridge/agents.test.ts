// Harness-side agents: sampled streams and the AXI-Stream and APB transactors, against small
// DUTs and models, under random (seeded) throttling.
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ApbMaster } from '../../bridge/src/bus/apb.js';
import { AxisMonitor, AxisSink, AxisSource } from '../../bridge/src/bus/axis.js';
import { Clock, ClockCycles, CoverGroup, First, SampledStream } from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import { apbFifo, apbRegfile, axisSlice, counter } from './tops.js';
import { UsageError } from '../../bridge/src/errors.js';
import { clockAndReset } from '../common/reset.js';

const onCounter = simTest(counter, { simTimeout: [10, 'ms'] });
const onSlice = simTest(axisSlice, { simTimeout: [100, 'ms'] });
const onRegs = simTest(apbRegfile, { simTimeout: [10, 'ms'] });
const onFifo = simTest(apbFifo, { simTimeout: [10, 'ms'] });

// Functional coverage of the transactor traffic, checked by the last test of the file.
const cov = new CoverGroup('bridge_agents');
const frameLen = cov.point<number>('axis_frame_bytes', { one: (n) => n === 1, short: (n) => n > 1 && n <= 8, long: (n) => n > 8 });
const backPressure = cov.point<number>('axis_ready_probability', { heavy: (p) => p < 0.5, light: (p) => p >= 0.5 });
const apbOp = cov.point<boolean>('apb_op', { read: (w) => !w, write: (w) => w });
const apbResp = cov.point<boolean>('apb_response', { okay: (e) => !e, slverr: (e) => e });
const apbCross = cov.cross('apb_op_x_response', apbOp, apbResp);

describe('sampled streams', () => {
  onCounter('every sample arrives once, in order, across batch boundaries and a restart', async ({ sim, dut }) => {
    for (const round of [0, 1]) {
      new Clock(dut.clk_i, 10, 'ns').start();
      dut.rst_ni.value = 1;
      dut.en_i.value = 1;
      await ClockCycles(dut.clk_i, 3);
      const s = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.count_o, dut.wide_o], batch: 7, credits: 2 });
      const seen: number[] = [];
      const cycles: number[] = [];
      const reader = sim.startSoon(async () => {
        for await (const b of s) {
          seen.push(...b.column(dut.count_o));
          cycles.push(...b.cycles);
          expect(b.value(dut.wide_o, 0)).toBe(0n);
        }
      }, 'reader');
      await ClockCycles(dut.clk_i, 100);
      s.close();  // applied before the next edge: 100 edges were sampled
      await ClockCycles(dut.clk_i, 1);
      await reader;
      // Sampled before each edge: the count the flop held then, i.e. 3, 4, … for edges 1, 2, …
      expect(cycles).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => (i + 3) & 0xff));
      if (round === 0) await sim.restart();
    }
  });

  onCounter('qualifiers: allOf records only where every qualifier is 1; change only on changes', async ({ sim, dut }) => {
    dut.rst_ni.value = 1;
    dut.en_i.value = 1;  // before the first edge, which the streams sample too
    const gated = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.count_o], when: { allOf: [dut.en_i] } });
    const changes = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.count_o], when: 'change' });
    new Clock(dut.clk_i, 10, 'ns').start();  // after the streams: they sample its first edge too
    for (const en of [1, 0, 1, 0]) {
      dut.en_i.value = en;
      await ClockCycles(dut.clk_i, 5);
    }
    gated.close();
    changes.close();
    await ClockCycles(dut.clk_i, 1);
    const collect = async (s: SampledStream) => {
      const out: number[] = [];
      for await (const b of s) out.push(...b.column(dut.count_o));
      return out;
    };
    const g = await collect(gated);
    expect(g.length).toBe(10);  // 5 + 5 edges with en_i = 1 before them
    const c = await collect(changes);
    expect(c).toEqual([...new Set(c)]);  // no value twice in a row: only changes
    expect(c.at(-1)).toBe(10);
  });
});

describe('AXI-Stream transactors', () => {
  onSlice('random frames under random valid/ready throttling arrive intact (fast-check)', async ({ sim, dut, seed }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        async (frames, pv, pr, s) => {
          await sim.restart();
          await clockAndReset(dut);
          const src = AxisSource.fromPrefix(dut, 's_axis', dut.clk_i, { throttle: { probability: pv, seed: s } });
          const sink = AxisSink.fromPrefix(dut, 'm_axis', dut.clk_i, { throttle: { probability: pr, seed: s ^ 0x5a5a }, chunk: 4 });
          for (const f of frames) void src.send(f);
          for (const f of frames) frameLen.sample(f.length);
          backPressure.sample(pr);
          for (const [i, f] of frames.entries()) {
            const got = await sink.recv();
            expect(Buffer.from(got.data).toString('hex'), `frame ${i}`).toBe(Buffer.from(f).toString('hex'));
          }
          await src.idle();
          expect(dut.beats_o.value).toBe(frames.reduce((a, f) => a + f.length, 0));
        },
      ),
      { seed, numRuns: 25 },
    );
  });

  onSlice('an explicit on/off pattern throttles exactly; the monitor sees every beat', async ({ sim, dut }) => {
    await clockAndReset(dut);
    const src = AxisSource.fromPrefix(dut, 's_axis', dut.clk_i, { throttle: { pattern: [1, 0, 0] } });
    const sink = AxisSink.fromPrefix(dut, 'm_axis', dut.clk_i);
    const mon = AxisMonitor.fromPrefix(dut, 'm_axis', dut.clk_i);
    const data = Uint8Array.from({ length: 30 }, (_, i) => i + 1);
    frameLen.sample(data.length);
    frameLen.sample(1);  // the one-byte frame below: these bins do not hang on fast-check's size bias
    const t0 = sim.time();
    await src.send(data);
    // One beat offered every third cycle: 30 beats take about 90 cycles.
    expect(sim.time() - t0).toBeGreaterThanOrEqual(870);
    expect(sim.time() - t0).toBeLessThanOrEqual(920);
    expect((await sink.recv()).data).toEqual(data);
    await src.send(Uint8Array.of(0x77));
    await ClockCycles(dut.clk_i, 4);
    expect(sink.pending, 'a frame arrived, not yet taken').toBe(1);
    expect((await sink.recv()).data).toEqual(Uint8Array.of(0x77));
    expect(sink.pending).toBe(0);
    // A recv that loses a First is withdrawn: time holds while the body runs, and the frame that
    // comes later is left for the next recv (nothing consumed by the loser).
    const lost = await First(sink.recv(), ClockCycles(dut.clk_i, 3));
    expect(lost.index).toBe(1);
    const at = sim.now;
    await new Promise((r) => setTimeout(r, 30));
    expect(sim.now).toBe(at);
    await src.send(Uint8Array.of(0x55));
    expect((await sink.recv()).data).toEqual(Uint8Array.of(0x55));
    mon.close();
    await ClockCycles(dut.clk_i, 1);
    const beats: number[] = [];
    for await (const b of mon.beats()) beats.push(...b.column(mon.pins.data as never));
    expect(beats).toEqual([...data, 0x77, 0x55]);
  });
});

describe('APB transactor', () => {
  onRegs('reads and writes against a model, with wait states and pslverr', async ({ dut, seed }) => {
    await clockAndReset(dut);
    const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i);
    const model = new Map<number, number>();
    const rnd = fc.sample(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 17 }), fc.nat()), { minLength: 40, maxLength: 40 }), { seed, numRuns: 1 })[0]!;
    // Every (op, response) pair at least once, whatever the seed: the coverage test counts on it.
    rnd.push([true, 16, 1], [false, 17, 0], [true, 3, 7], [false, 3, 0]);
    const pending: Promise<void>[] = [];
    for (const [write, reg, value] of rnd) {
      const addr = reg * 4;
      const invalid = addr >= 0x40;
      if (write) {
        if (!invalid) model.set(reg, value >>> 0);
        pending.push(apb.write(addr, value).then((r) => {
          apbCross.sample(true, r.slverr);
          expect(r.slverr, `write 0x${addr.toString(16)}`).toBe(invalid);
        }));
      } else {
        const want = invalid ? 0 : (model.get(reg) ?? 0);
        pending.push(apb.read(addr).then((r) => {
          apbCross.sample(false, r.slverr);
          expect(r.slverr, `read 0x${addr.toString(16)}`).toBe(invalid);
          expect(r.data, `read 0x${addr.toString(16)}`).toBe(want);
        }));
      }
    }
    await Promise.all(pending);
  });

  onRegs('a batch runs back to back and resumes once, each result stamped with its own end', async ({ sim, dut }) => {
    await clockAndReset(dut);
    const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i);
    const ops = Array.from({ length: 12 }, (_, i) => ({ kind: 'write' as const, addr: 4 * i, data: 0x100 + i }));
    sim.resetStats();
    const w = await apb.batch(ops);
    expect(sim.perf().roundTrips, 'one round trip for 12 writes').toBe(1);
    const r = await apb.batch([...ops.map((o) => ({ kind: 'read' as const, addr: o.addr })), { kind: 'read', addr: 0x40 }]);
    expect(r.map((x) => x.data)).toEqual([...ops.map((o) => o.data), 0]);
    expect(r.map((x) => x.slverr)).toEqual([...ops.map(() => false), true]);
    // Back to back: each transfer ends a whole number (>= 2, SETUP and ACCESS) of cycles after the one before.
    const cycles = [...w, ...r].map((x) => x.cycle);
    for (let i = 1; i < cycles.length; i++) expect(cycles[i]! - cycles[i - 1]!, `transfer ${i}`).toBeGreaterThanOrEqual(2);
    // The test resumes at the last one's end, as a single transfer's wait does.
    expect(BigInt(sim.now)).toBe(r.at(-1)!.time);
    expect(await apb.batch([])).toEqual([]);
  });
});

describe('APB steps: a wake-up in one round trip', () => {
  const POP = 0x0;
  const EVENTS = 0x4;
  const COUNT = 0x8;
  const VALID = 0x100;

  onFifo('wait, read and clear the events as seen, drain the FIFO: one round trip, the bytes in order', async ({ sim, dut }) => {
    await clockAndReset(dut);
    const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i, { condition: dut.irq_o });
    const push = async (bytes: readonly number[]): Promise<void> => {
      for (const b of bytes) {
        dut.push_i.value = 1;
        dut.push_data_i.value = b;
        await ClockCycles(dut.clk_i, 1);
      }
      dut.push_i.value = 0;
    };
    const wake = (max: number, mask = 1) => apb.batch([
      { kind: 'wait', value: 1, timeoutCycles: 1000 },
      { kind: 'read', addr: EVENTS },
      { kind: 'writeFrom', addr: EVENTS, back: 1, mask },
      { kind: 'drain', addr: POP, while: VALID, max },
      { kind: 'read', addr: COUNT },
    ]);

    await push([0x11, 0x22, 0x33, 0x44, 0x55]);
    sim.resetStats();
    const [woke, ev, , drain, count] = await wake(16);
    expect(sim.perf().roundTrips, 'the whole wake-up is one round trip').toBe(1);
    expect(woke!.data, 'the interrupt was high: the wait is met').toBe(1);
    expect(ev!.data).toBe(1);
    expect(drain!.reads, 'every byte, in order, with its valid bit').toEqual([0x11, 0x22, 0x33, 0x44, 0x55].map((b) => VALID | b));
    expect(drain!.data, 'the read that ended the drain found the FIFO empty').toBe(0);
    expect(count!.data).toBe(0);
    await ClockCycles(dut.clk_i, 1);
    expect(dut.irq_o.value, 'the write-from cleared the event it read').toBe(0);

    // At most `max` reads: the rest stays; a mask of 0 writes 0, so the event stays too.
    await push(Array.from({ length: 10 }, (_, i) => 0xa0 + i));
    const [, , , part, left] = await wake(4, 0);
    expect(part!.reads).toEqual([0xa0, 0xa1, 0xa2, 0xa3].map((b) => VALID | b));
    expect(part!.data, 'the last read still had a byte').toBe(VALID | 0xa3);
    expect(left!.data).toBe(6);
    expect(dut.irq_o.value, 'masked to 0: nothing cleared').toBe(1);
  });

  onFifo('a wait ends at its timeout edge with data 0, or at the edge its condition is seen with data 1', async ({ sim, dut }) => {
    await clockAndReset(dut);
    const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i, { condition: dut.irq_o });
    const [before] = await apb.batch([{ kind: 'read', addr: COUNT }]);
    const [quiet, after] = await apb.batch([{ kind: 'wait', value: 1, timeoutCycles: 37 }, { kind: 'read', addr: COUNT }]);
    expect(quiet!.data, 'nothing came: timed out').toBe(0);
    expect(quiet!.cycle - before!.cycle, 'exactly the timeout in edges after the test resumed').toBe(37);
    expect(after!.cycle - quiet!.cycle, 'the next transfer starts at once: SETUP and ACCESS').toBe(2);

    // A byte pushed 20 edges into a wait: the wait ends at the first edge that sees the event.
    const t = sim.startSoon(async () => {
      await ClockCycles(dut.clk_i, 20);
      dut.push_i.value = 1;
      dut.push_data_i.value = 0x5a;
      await ClockCycles(dut.clk_i, 1);
      dut.push_i.value = 0;
      return sim.now;
    }, 'pusher');
    const [seen, drain] = await apb.batch([{ kind: 'wait', value: 1, timeoutCycles: 1000 }, { kind: 'drain', addr: POP, while: VALID, max: 16 }]);
    const pushed = await t;
    expect(seen!.data).toBe(1);
    // The byte is taken at the edge the pusher resumed at; the event flop shows it from then, and
    // the wait sees it at the next edge, as the flops do.
    expect(seen!.time - pushed, 'one 10 ns cycle after the push edge').toBe(10_000n);
    expect(drain!.reads).toEqual([VALID | 0x5a]);
  });

  onFifo('malformed steps are refused by name, their batch left unqueued', async ({ dut }) => {
    await clockAndReset(dut);
    const plain = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i);
    await expect(plain.batch([{ kind: 'wait', value: 1, timeoutCycles: 5 }])).rejects.toThrow(UsageError);
    const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i, { condition: dut.irq_o });
    // Each after a good read: a refused step leaves the whole batch unqueued.
    await expect(apb.batch([{ kind: 'read', addr: COUNT }, { kind: 'wait', value: 1, timeoutCycles: 0 }])).rejects.toThrow(/timeoutCycles/);
    await expect(apb.batch([{ kind: 'read', addr: COUNT }, { kind: 'writeFrom', addr: EVENTS, back: 2, mask: 1 }])).rejects.toThrow(/earlier transfer/);
    await expect(apb.batch([{ kind: 'read', addr: COUNT }, { kind: 'drain', addr: POP, while: 0, max: 4 }])).rejects.toThrow(/nonzero while bit/);
    const [first] = await apb.batch([{ kind: 'read', addr: COUNT }]);
    expect(first!.cycle, 'nothing of the refused batches ran: this is the first transfer').toBeLessThanOrEqual(4);
  });
});

describe('coverage', () => {
  onRegs('every declared bin of the transactor traffic was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
