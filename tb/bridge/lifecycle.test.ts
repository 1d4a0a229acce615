// How a simulation ends and fails: $finish, $fatal, a killed or hung harness, an idle model,
// plusargs, --timing models, a harness attached over tcp (tb/bridge/server.test.ts has the
// hand-started harness as a server), waveforms.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test as plain } from 'vitest';
import {
  buildTop, Clock, ClockCycles, HarnessLostError, RisingEdge, SimEndedError, SimIdleError, Simulator, Timer,
} from '../../bridge/src/index.js';
import { simTest, wavePath } from '../../bridge/src/vitest.js';
import { freeTcpEndpoint } from './frames.js';
import { counter, counterFatal, ticker } from './tops.js';

const fatal = simTest(counterFatal);
const tick = simTest(ticker, { plusargs: ['+finish_at=300'] });
const test = simTest(counter);

describe('the design ends the run', () => {
  fatal('$fatal fails the awaiting test with its message and the time', async ({ sim, dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 1;
    dut.en_i.value = 1;
    const err = await ClockCycles(dut.clk_i, 100).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SimEndedError);
    expect(String(err)).toMatch(/ended by \$fatal, \$stop or a failed assertion at 50 ns/);
    expect(String(err)).toMatch(/count reached 5/);
    expect(sim.endedBy).toBe(err);
    await expect(Timer(1, 'ns')).rejects.toThrow(SimEndedError);
  });

  fatal('restart after $fatal gives a working model again', async ({ sim, dut }) => {
    expect(sim.endedBy).toBeUndefined();
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 1;
    dut.en_i.value = 1;
    await ClockCycles(dut.clk_i, 3);
    expect(dut.count_o.value).toBe(3);
  });

  fatal('the error of a later run shows its own output only, not that of the runs before', async ({ dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 1;
    dut.en_i.value = 1;
    const err = await ClockCycles(dut.clk_i, 100).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SimEndedError);
    expect(String(err).match(/count reached 5/g)).toHaveLength(1);
  });

  tick('a --timing model keeps its own time; $finish ends the run at the plusarg time', async ({ sim, dut }) => {
    await ClockCycles(dut.clk_o, 10);
    expect(sim.time('ns')).toBe(95);
    expect(dut.ticks_o.value).toBe(10);
    const err = await ClockCycles(dut.clk_o, 1000).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SimEndedError);
    expect(String(err)).toMatch(/ended by \$finish at 300 ns/);
  });

  test('a model with nothing left to do fails the wait instead of hanging', async ({ sim, dut }) => {
    await expect(RisingEdge(dut.clk_i)).rejects.toThrow(SimIdleError);
    expect(sim.time()).toBe(0);
  });
});

describe('the harness dies or hangs', () => {
  test('a harness killed mid-test fails the test in well under 2 s, with a clear message', async ({ sim, dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    await ClockCycles(dut.clk_i, 10);
    const pid = sim.pid!;
    const t0 = performance.now();
    setTimeout(() => process.kill(pid, 'SIGKILL'), 50);
    const err = await ClockCycles(dut.clk_i, 2_000_000_000).then(() => undefined, (e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(HarnessLostError);
    expect(String(err)).toMatch(/harness was killed by SIGKILL/);
    // The harness ran on after its last reply: that reply's time is the last one known.
    expect(String(err)).toMatch(/last simulated time known, from the harness's last reply: 90 ns/);
    sim.takeFailure();
  });

  test('the next test of the file gets a respawned harness', async ({ sim, dut }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 1;
    dut.en_i.value = 1;
    await ClockCycles(dut.clk_i, 4);
    expect(dut.count_o.value).toBe(4);
    expect(sim.now).toBe(30_000n);
  });
});

describe('a harness started by hand, attached over tcp', () => {
  plain('runs a test, and a hung one is noticed by its missing heartbeat within about 2 s', async () => {
    const built = await buildTop(counter);
    const endpoint = await freeTcpEndpoint();
    const child = spawn(built.harness, ['--bind', endpoint, '--insecure'], { stdio: 'ignore' });  // loopback
    const sim = await Simulator.start(counter, { endpoint });
    try {
      const dut = sim.dut;
      new Clock(dut.clk_i, 10, 'ns').start();
      dut.rst_ni.value = 1;
      dut.en_i.value = 1;
      await ClockCycles(dut.clk_i, 5);
      expect(dut.count_o.value).toBe(5);
      setTimeout(() => child.kill('SIGSTOP'), 100);  // alive but silent: only the heartbeat tells
      const t0 = performance.now();
      const err = await ClockCycles(dut.clk_i, 2_000_000_000).then(() => undefined, (e: unknown) => e);
      const waited = performance.now() - t0;
      expect(err).toBeInstanceOf(HarnessLostError);
      expect(String(err)).toMatch(/sent nothing for \d+ ms/);
      expect(waited).toBeGreaterThan(1500);
      expect(waited).toBeLessThan(3500);
    } finally {
      child.kill('SIGKILL');
      await sim.close();
    }
  });
});

describe('a harness that is alive but not heard from', () => {
  plain('a held-up event loop here is not taken for a dead harness; one that stops is still noticed', async () => {
    const sim = await Simulator.start(counter);
    try {
      const dut = sim.dut;
      new Clock(dut.clk_i, 10, 'ns').start();
      const step = ClockCycles(dut.clk_i, 2_000_000_000).then(() => undefined, (e: unknown) => e);
      // 3 s without a turn of the event loop: the heartbeats queue up unread.
      await new Promise((r) => setTimeout(r, 100));
      const t = Date.now();
      while (Date.now() - t < 3000);
      await new Promise((r) => setTimeout(r, 1000));
      const early = await Promise.race([step, new Promise((r) => setTimeout(() => r('running'), 0))]);
      expect(early, 'the step still runs after the stall').toBe('running');
      process.kill(sim.pid!, 'SIGSTOP');
      const err = await step;
      expect(err).toBeInstanceOf(HarnessLostError);
      expect(String(err)).toMatch(/sent nothing for \d+ ms/);
    } finally {
      if (sim.pid) process.kill(sim.pid, 'SIGKILL');
      await sim.close();
    }
  }, 30_000);
});

describe('a harness that is alive but not heard from, writing a waveform', () => {
  test('is given 15 s, not 2 (its FST writer may hold it that long): a 4 s stop is waited out', async ({ sim, dut, task }) => {
    const file = wavePath(task.file.filepath, task.name);
    await sim.trace(file);
    new Clock(dut.clk_i, 10, 'ns').start();
    const step = ClockCycles(dut.clk_i, 2_000_000).then(() => 'done', (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(sim.pid!, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 4000));
    process.kill(sim.pid!, 'SIGCONT');
    expect(await step).toBe('done');
    await sim.trace(undefined);
    rmSync(file);
  }, 60_000);
});

describe('waveforms', () => {
  test('tracing switched on at run time writes an FST file', async ({ sim, dut, task }) => {
    // In a folder of its own, which the harness creates.
    const file = path.join(wavePath(task.file.filepath, task.name).replace(/\.fst$/, ''), 'run-time.fst');
    rmSync(path.dirname(file), { recursive: true, force: true });
    await sim.trace(file);
    new Clock(dut.clk_i, 10, 'ns').start();
    await ClockCycles(dut.clk_i, 50);
    await sim.trace(undefined);
    expect(sim.output).not.toMatch(/previous dump/);  // tracing from time 0 dumps it once
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).size).toBeGreaterThan(200);
    rmSync(path.dirname(file), { recursive: true });
    // Only under waves/ (tb/bridge/waves.test.ts has the harness's rules).
    await expect(sim.trace('/nonexistent-dir/x.fst')).rejects.toThrow(/TRACE path '\/nonexistent-dir\/x.fst' refused: it is absolute; this harness writes waveforms only under \S+\/waves,/);
    expect(existsSync('/nonexistent-dir')).toBe(false);
  });

  plain('wave files are named after the test file and test', () => {
    const f = wavePath(path.join(process.cwd(), 'tb/uart/uart.test.ts'), 'sends a byte: 8N1');
    expect(path.relative(process.cwd(), f)).toBe(path.join('waves', 'uart', 'uart', 'sends_a_byte_8N1.fst'));
  });
});
