// Signal access through the bridge: widths, internal signals, forcing, memories, errors.
import { describe, expect } from 'vitest';
import {
  Clock, ClockCycles, FallingEdge, ReadOnly, RisingEdge, SignalAccessError, Timer, UnknownSignalError,
} from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import { counter, genLoop } from './tops.js';

const test = simTest(counter, { simTimeout: [1, 'ms'] });
const loop = simTest(genLoop, { simTimeout: [1, 'ms'] });

describe('values', () => {
  test('wide signals are bigint, both ways, at 40 and 128 bits', async ({ dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    const w = 0xfedc_ba98_7654_3210_0123_4567_89ab_cdefn;
    dut.wide_i.value = w;
    dut.mid_i.value = 0x12_3456_789an;
    await RisingEdge(dut.clk_i);
    await ReadOnly();
    expect(dut.wide_o.value).toBe(w);
    expect(dut.mid_o.value).toBe(~0x12_3456_789an & ((1n << 40n) - 1n));
    expect(typeof dut.count_o.value).toBe('number');
  });

  test('a value wider than the signal is refused, naming the signal', async ({ dut }) => {
    expect(() => {
      dut.a_i.value = 256;
    }).toThrow(/a_i: value 256 \(0x100\) does not fit in 8 bits/);
    expect(() => {
      dut.wide_i.value = 1n << 128n;
    }).toThrow(SignalAccessError);
    expect(() => {
      dut.a_i.value = 1.5;
    }).toThrow(/not an integer/);
    dut.a_i.value = -1;  // two's complement
    dut.b_i.value = true;
    await ReadOnly();
    expect(dut.a_i.value).toBe(255);
    expect(dut.sum_o.value).toBe(256);
  });

  test('unknown names fail with the closest names; outputs are not writable', async ({ sim, dut }) => {
    const d = dut as unknown as Record<string, unknown>;
    expect(() => d.clk).toThrow(UnknownSignalError);
    expect(() => d.clk).toThrow(/counter has no signal 'clk' \(closest: clk_i/);
    expect(() => sim.signal('u_core.nope')).toThrow(/top 'counter' has no signal 'u_core.nope'/);
    expect(() => {
      dut.count_o.value = 1;
    }).toThrow(/count_o is not writable \(an output\)/);
  });
});

describe('internal signals', () => {
  test('an internal signal is read only once watched, then with every trigger', async ({ sim, dut }) => {
    expect(() => dut.u_core.state_q.value).toThrow(/not in the snapshot: call `await sim.watch\(dut.u_core.state_q\)`/);
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 0;
    dut.en_i.value = 1;
    await sim.watch(dut.u_core.state_q);
    expect(dut.u_core.state_q.value).toBe(0);
    await ClockCycles(dut.clk_i, 1);
    dut.rst_ni.value = 1;
    await ClockCycles(dut.clk_i, 7);
    expect(dut.u_core.state_q.value).toBe(7);
    dut.u_core.state_q.value = 100;  // a deposit: the flop holds it until its next clock
    await FallingEdge(dut.clk_i);
    expect(dut.count_o.value).toBe(100);
    await RisingEdge(dut.clk_i);
    expect(dut.count_o.value).toBe(101);
  });

  test('force holds a forceable internal against its flop; release lets it count on', async ({ sim, dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.en_i.value = 1;
    dut.rst_ni.value = 1;
    await sim.watch(dut.u_core.state_q);
    await ClockCycles(dut.clk_i, 3);
    dut.u_core.state_q.force(42);
    await ClockCycles(dut.clk_i, 5);
    expect(dut.count_o.value).toBe(42);  // the fan-out sees the forced value
    expect(dut.u_core.state_q.value).toBe(42);
    dut.u_core.state_q.release();
    await ClockCycles(dut.clk_i, 2);
    expect(dut.count_o.value).toBeGreaterThan(42);
    expect(dut.count_o.value).toBeLessThan(46);
  });

  test('a forced top input ignores deposits and its clock until released', async ({ sim, dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.en_i.value = 1;
    dut.rst_ni.value = 1;
    await ClockCycles(dut.clk_i, 2);
    const held = dut.count_o.value;
    dut.en_i.force(0);
    await ClockCycles(dut.clk_i, 1);
    dut.en_i.value = 1;  // ignored while forced
    await Timer(100, 'ns');
    expect(dut.count_o.value).toBe(held);
    dut.clk_i.force(0);  // the clock generator cannot move it either
    const t = sim.time();
    await Timer(100, 'ns');
    expect(dut.clk_i.value).toBe(0);
    expect(sim.time()).toBe(t + 100);
    dut.clk_i.release();
    dut.en_i.release();
    dut.en_i.value = 1;
    await ClockCycles(dut.clk_i, 4);
    expect(dut.count_o.value).toBe(held + 4);
  });

  test('an internal that is not forceable says how to make it so', async ({ dut }) => {
    expect(() => dut.count_o.force(1)).toThrow(/not forceable: add `forceable/);
  });
});

describe('memories', () => {
  test('bulk write and read of a public array, seen by the design', async ({ sim, dut }) => {
    const data = Uint8Array.from({ length: 16 }, (_, i) => (i * 17 + 3) & 0xff);
    await dut.u_core.mem.write(0, data);
    expect(await dut.u_core.mem.read()).toEqual(data);
    expect(await dut.u_core.mem.read(4, 3)).toEqual(data.subarray(4, 7));
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 0;
    await ClockCycles(dut.clk_i, 2);
    await ReadOnly();
    expect(dut.mem_o.value).toBe(data[0]);  // mem[state_q] with state_q = 0
    await dut.u_core.mem.write(15, [0xee]);
    expect((await dut.u_core.mem.read(15, 1))[0]).toBe(0xee);
    expect(sim.now).toBeGreaterThan(0n);
  });

  test('out-of-range and oversized accesses are refused', async ({ dut }) => {
    await expect(dut.u_core.mem.read(10, 7)).rejects.toThrow(/elements \[10, 17\) lie outside its 16 elements/);
    await expect(dut.u_core.mem.write(0, [256])).rejects.toThrow(/does not fit in 8 bits/);
  });
});

describe('instances inside generate blocks', () => {
  loop('each instance of a loop (and of an if inside it) is its own: memories and registers by block', async ({ sim, dut }) => {
    const cells = [dut['g_cell[0]'].u_cell, dut['g_cell[1]'].u_cell, dut['g_cell[1]'].g_extra.u_cell];
    expect(() => cells[0]!.count_q.value, 'the message writes the handle as a test does').toThrow("await sim.watch(dut['g_cell[0]'].u_cell.count_q)");
    for (const c of cells) await sim.watch(c.count_q);
    for (const [k, c] of cells.entries()) await c.mem_q.write(0, [0x10 * (k + 1), k, k, k]);
    for (const [k, c] of cells.entries()) expect(await c.mem_q.read(), `instance ${k}'s memory`).toEqual(Uint8Array.from([0x10 * (k + 1), k, k, k]));
    new Clock(dut.clk_i, 10, 'ns').start();
    await ClockCycles(dut.clk_i, 3);
    await ReadOnly();
    // The loop's heads come out of the design: each instance's memory reached its own port.
    expect([dut.first_o.value, dut.last_o.value]).toEqual([0x10, 0x20]);
    // Each counter steps by its own Step (1, 2, 7) from the same (unreset) start.
    const counts = cells.map((c) => c.count_q.value);
    await ClockCycles(dut.clk_i, 1);
    await ReadOnly();
    expect(cells.map((c, k) => (c.count_q.value - counts[k]! + 256) % 256)).toEqual([1, 2, 7]);
  });
});

describe('clocks and restart', () => {
  test('duty cycle, phase and start level are honoured', async ({ sim, dut }) => {
    new Clock(dut.clk_i, 10, 'ns', { dutyCycle: 0.3, phase: 2, startHigh: true }).start();
    await RisingEdge(dut.clk_i);
    expect(sim.time()).toBe(2);
    await FallingEdge(dut.clk_i);
    expect(sim.time()).toBe(5);
    await RisingEdge(dut.clk_i);
    expect(sim.time()).toBe(12);
    expect(() => new Clock(dut.clk_i, 1, 'step')).toThrow(/no high or no low time/);
  });

  test('restart brings the model back to time 0 with reset values', async ({ sim, dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 1;
    dut.en_i.value = 1;
    await ClockCycles(dut.clk_i, 9);
    expect(dut.count_o.value).toBe(9);
    await sim.restart();
    expect(sim.now).toBe(0n);
    expect(dut.count_o.value).toBe(0);
    expect(dut.clk_i.value).toBe(0);
    dut.rst_ni.value = 1;
    dut.en_i.value = 1;
    new Clock(dut.clk_i, 10, 'ns').start();
    await ClockCycles(dut.clk_i, 3);
    expect(dut.count_o.value).toBe(3);
  });
});
