// Trigger semantics of the bridge, asserted on the counter fixture (tb/bridge/hdl/counter.sv).
import { describe, expect } from 'vitest';
import {
  CancelledError, Clock, ClockCycles, Combine, Edge, FallingEdge, First, Lock, NextTimeStep, ReadOnly, ReadWrite,
  RisingEdge, SignalAccessError, SimEvent, SimTimeoutError, TaskFailedError, Timer, Until, UsageError, withTimeout,
} from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import type { CounterDut } from './gen/counter.js';
import { counter } from './tops.js';

const test = simTest(counter, { simTimeout: [1, 'ms'] });

/**
 * 10 ns clock (rising edges at 0, 10, 20…; the one at 0 counts, as in cocotb), reset for two
 * edges, counting enabled from 10 ns.
 */
async function start(dut: CounterDut): Promise<void> {
  new Clock(dut.clk_i, 10, 'ns').start();
  dut.rst_ni.value = 0;
  dut.en_i.value = 1;
  await ClockCycles(dut.clk_i, 2);
  dut.rst_ni.value = 1;
}

describe('edges and phases', () => {
  test('RisingEdge resumes after the edge is evaluated: flops show their new value', async ({ sim, dut }) => {
    await start(dut);
    const before = dut.count_o.value;
    await RisingEdge(dut.clk_i);
    expect(sim.time('ns')).toBe(20);
    expect(dut.count_o.value).toBe(before + 1);
    await FallingEdge(dut.clk_i);
    expect(sim.time('ns')).toBe(25);
    expect(dut.clk_i.value).toBe(0);
  });

  test('ReadWrite sees writes settle within the step; ReadOnly refuses writes', async ({ sim, dut }) => {
    await start(dut);
    dut.a_i.value = 7;
    dut.b_i.value = 9;
    expect(dut.sum_o.value).toBe(0);  // a write is a deposit: visible after the next trigger
    await ReadWrite();
    const t = sim.time('ns');
    expect(dut.sum_o.value).toBe(16);
    dut.a_i.value = 100;  // still allowed in ReadWrite, evaluated in the same step
    await ReadOnly();
    expect(sim.time('ns')).toBe(t);
    expect(dut.sum_o.value).toBe(109);
    expect(() => {
      dut.a_i.value = 1;
    }).toThrow(SignalAccessError);
    await NextTimeStep();
    expect(sim.time('ns')).toBeGreaterThan(t);
    dut.a_i.value = 1;  // writable again in the next step
  });

  test('two writes to one signal in one step: the last one wins', async ({ dut }) => {
    await start(dut);
    dut.a_i.value = 1;
    dut.a_i.value = 200;
    dut.b_i.value = 3;
    await ReadOnly();
    expect(dut.sum_o.value).toBe(203);
  });

  test('Timer granularity: whole steps of the 1 ps precision, fractions refused', async ({ sim }) => {
    expect(sim.precision).toBe(-12);
    await Timer(1, 'step');
    expect(sim.now).toBe(1n);
    await Timer(1.5, 'ns');
    expect(sim.now).toBe(1501n);
    await Timer(2, 'us');
    expect(sim.time('ps')).toBe(2_001_501);
    expect(() => Timer(0.5, 'ps')).toThrow(/whole number of steps/);
    expect(() => Timer(0)).toThrow(/at least one step/);
    // A bad argument is a usage error, not a signal access.
    expect(() => Timer(0)).toThrow(UsageError);
    expect(() => Timer(0)).not.toThrow(SignalAccessError);
  });

  test('Edge fires on any change of a vector; RisingEdge refuses one', async ({ sim, dut }) => {
    await start(dut);
    await Edge(dut.count_o);
    expect(sim.time('ns')).toBe(20);
    expect(() => RisingEdge(dut.count_o)).toThrow(/1-bit/);
  });

  test('NextTimeStep resumes at the next time with an event', async ({ sim, dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    await NextTimeStep();
    expect(sim.time('ns')).toBe(5);
    await NextTimeStep();
    expect(sim.time('ns')).toBe(10);
  });
});

describe('ClockCycles and the wait-until trigger', () => {
  test('ClockCycles(n) waits n rising edges in one round trip', async ({ sim, dut }) => {
    await start(dut);
    sim.resetStats();
    await ClockCycles(dut.clk_i, 1000);
    expect(sim.perf().roundTrips).toBe(1);
    expect(sim.time('ns')).toBe(10 + 10_000);
    expect(dut.count_o.value).toBe(1000 & 0xff);
    await ClockCycles(dut.clk_i, 3, false);
    expect(sim.time('ns')).toBe(10_010 + 25);
  });

  test('Until fires on the first matching edge, not before, in one round trip', async ({ sim, dut }) => {
    await start(dut);
    sim.resetStats();
    await Until(dut.clk_i, dut.count_o, 50);
    expect(sim.perf().roundTrips).toBe(1);
    expect(dut.count_o.value).toBe(50);
    expect(sim.time('ns')).toBe(10 + 50 * 10);
    // Already true now: it still waits for an edge where the condition holds (count 50 again).
    await Until(dut.clk_i, dut.count_o, 50);
    expect(sim.time('ns')).toBe(510 + 256 * 10);
  });

  test('Until with a mask and notEqual', async ({ dut }) => {
    await start(dut);
    await Until(dut.clk_i, dut.count_o, 0b1000_0000, { mask: 0b1000_0000 });
    expect(dut.count_o.value).toBe(128);
    await Until(dut.clk_i, dut.count_o, 128, { notEqual: true });
    expect(dut.count_o.value).toBe(129);
  });

  test('Until on a 128-bit signal', async ({ sim, dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    const big = (1n << 127n) | 0xabcn;
    const pending = Until(dut.clk_i, dut.wide_o, big);
    sim.startSoon(async () => {
      await ClockCycles(dut.clk_i, 5);
      dut.wide_i.value = big;
    });
    await pending;
    expect(dut.wide_o.value).toBe(big);
    expect(sim.time('ns')).toBe(50);
  });
});

describe('First, Combine, withTimeout', () => {
  test('First resolves with the winner and cancels the losers', async ({ sim, dut }) => {
    await start(dut);
    const r = await First(Timer(100, 'ns'), ClockCycles(dut.clk_i, 3));
    expect(r.index).toBe(1);
    expect(sim.time('ns')).toBe(40);
    // The cancelled timer (due at 110 ns) must not wake anything: the next event is the clock.
    await NextTimeStep();
    expect(sim.time('ns')).toBe(45);
    const r2 = await First(Timer(3, 'ns'), RisingEdge(dut.clk_i));
    expect(r2.index).toBe(0);
    expect(sim.time('ns')).toBe(48);
  });

  test("a loser that is not a trigger (a task's join, an event, a lock) stops holding the flow", async ({ sim, dut }) => {
    await start(dut);
    const slow = sim.startSoon(async () => {
      await ClockCycles(dut.clk_i, 1000);
      return 'slow';
    }, 'slow');
    const ev = new SimEvent('never');
    const lock = new Lock('bus');
    await lock.acquire();
    // Made one at a time: a wait created and not yet awaited holds its flow already.
    const losers = [() => slow, () => ev.wait(), () => lock.acquire()];
    for (const loser of losers) {
      const r = await First(loser(), ClockCycles(dut.clk_i, 5));
      expect(r.index).toBe(1);
      const at = sim.now;
      // Not a simulator wait: the test body runs (awaits a wall-clock timer), so time holds. A
      // loser still counted as a wait of the body would let the task's 1000 cycles run here.
      await new Promise((r) => setTimeout(r, 30));
      expect(sim.now).toBe(at);
      expect(sim.describeWaits()).not.toContain('the test body waits');
    }
    // The withdrawn acquire left the queue: releasing gives the lock to nobody else.
    lock.release();
    expect(lock.locked).toBe(false);
    expect(await slow).toBe('slow');
  });

  test('Combine waits for all', async ({ sim, dut }) => {
    await start(dut);
    await Combine(Timer(95, 'ns'), ClockCycles(dut.clk_i, 2));
    expect(sim.time('ns')).toBe(105);
  });

  test('withTimeout throws SimTimeoutError when the time passes first', async ({ sim, dut }) => {
    await start(dut);
    await expect(withTimeout(Until(dut.clk_i, dut.count_o, 5), 100, 'ns')).resolves.toBeUndefined();
    expect(sim.time('ns')).toBe(60);
    await expect(withTimeout(Edge(dut.sum_o), 1, 'us')).rejects.toThrow(SimTimeoutError);
    expect(sim.time('ns')).toBe(1060);
  });
});

describe('tasks', () => {
  test('startSoon runs concurrently; await gives the result', async ({ sim, dut }) => {
    await start(dut);
    const order: string[] = [];
    const a = sim.startSoon(async () => {
      await ClockCycles(dut.clk_i, 2);
      order.push(`a@${sim.time()}`);
      return 'A';
    });
    const b = sim.startSoon(async () => {
      await ClockCycles(dut.clk_i, 1);
      order.push(`b@${sim.time()}`);
      return 'B';
    });
    expect(await a).toBe('A');
    expect(await b).toBe('B');
    expect(order).toEqual(['b@20', 'a@30']);
  });

  test('cancel raises CancelledError at the awaited trigger', async ({ sim, dut }) => {
    await start(dut);
    let reached = false;
    const t = sim.startSoon(async () => {
      await ClockCycles(dut.clk_i, 100);
      reached = true;
    }, 'slow');
    await ClockCycles(dut.clk_i, 2);
    t.cancel();
    await expect(t).rejects.toThrow(CancelledError);
    await ClockCycles(dut.clk_i, 200);
    expect(reached).toBe(false);
    expect(sim.failed).toBeUndefined();
  });

  test('an exception in a task fails the test, naming the task and the time', async ({ sim, dut }) => {
    await start(dut);
    sim.startSoon(async () => {
      await ClockCycles(dut.clk_i, 3);
      throw new Error('scoreboard mismatch');
    }, 'checker');
    const err = await ClockCycles(dut.clk_i, 10).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TaskFailedError);
    expect(String(err)).toMatch(/task 'checker' failed at 40 ns: scoreboard mismatch/);
    expect(sim.takeFailure()).toBe(err);
  });

  test('SimEvent and Lock coordinate tasks without round trips', async ({ sim, dut }) => {
    await start(dut);
    const ev = new SimEvent<number>();
    const lock = new Lock();
    const log: string[] = [];
    const user = (name: string, cycles: number) =>
      sim.startSoon(async () => {
        await lock.acquire();
        log.push(`${name}+${sim.time()}`);
        await ClockCycles(dut.clk_i, cycles);
        log.push(`${name}-${sim.time()}`);
        lock.release();
      }, name);
    const waiter = sim.startSoon(async () => ev.wait(), 'waiter');
    const u1 = user('u1', 3);
    const u2 = user('u2', 1);
    await Combine(u1, u2);
    expect(log).toEqual(['u1+10', 'u1-40', 'u2+40', 'u2-50']);
    ev.set(42);
    expect(await waiter).toBe(42);
  });
});
