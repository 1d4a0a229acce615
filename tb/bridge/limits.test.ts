// Time limits: a wall-clock timeout fails its own test only, naming what it waited on; the
// simulated-time limit never runs time by itself.
import { spawnSync } from 'node:child_process';
import { expect, test as plain } from 'vitest';
import { Clock, RisingEdge, SimIdleError, Until } from '../../bridge/src/index.js';
import { ROOT } from '../../bridge/src/paths.js';
import { simTest } from '../../bridge/src/vitest.js';
import { counter } from './tops.js';

const limited = simTest(counter, { simTimeout: [10, 'us'] });

limited('with a time limit and no clock, a wait ends with SimIdleError, not the limit', async ({ sim, dut }) => {
  const err = await RisingEdge(dut.clk_i).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SimIdleError);
  expect(String(err)).toMatch(/start a Clock/);
  expect(sim.time()).toBe(0);
});

limited('the time limit still fails a wait that runs time and never comes true', async ({ sim, dut }) => {
  new Clock(dut.clk_i, 10, 'ns').start();
  dut.en_i.value = 0;
  await expect(Until(dut.clk_i, dut.count_o, 3)).rejects.toThrow(/simulated-time limit of 10 us passed \(at 10000 ns\)/);
  sim.takeFailure();
});

plain('a hung wait fails its own test with what it waited on; the next test gets a fresh model', () => {
  const r = spawnSync('npx', ['--no-install', 'vitest', 'run', '--config', 'tb/bridge/fixtures/vitest.config.ts', 'tb/bridge/fixtures/hang.fixture.ts', '--testTimeout=3000'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '', NO_COLOR: '1', FORCE_COLOR: '0' } });
  const out = `${r.stdout}${r.stderr}`;
  expect(r.status, out).not.toBe(0);
  expect(out).toMatch(/Tests\s+1 failed \| 2 passed \(3\)/);
  expect(out).toMatch(/hangs: the enable is never set/);
  expect(out).toMatch(/ran out of its wall-clock time \(vitest's testTimeout of 3000 ms\).*the test body waits on Until\(clk_i, count_o == 0xc8\)/);
  expect(out).not.toMatch(/Test timed out in 3000ms/);
}, 60_000);
