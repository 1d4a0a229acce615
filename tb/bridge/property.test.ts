// The randomized workflow: a property over APB transactions against a register-file model, on a
// good DUT (passes) and on one with a bug (caught, shrunk, replayed into a waveform; or, for the
// mutation runner, caught at its first failing case).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ApbMaster, ClockCycles, simProperty, type Simulator } from '../../bridge/src/index.js';
import { simTest, wavePath } from '../../bridge/src/vitest.js';
import type { ApbRegfileDut } from './gen/apb_regfile.js';
import { apbRegfile, apbRegfileBroken } from './tops.js';
import { clockAndReset } from '../common/reset.js';

const good = simTest(apbRegfile, { simTimeout: [1, 'ms'] });
const broken = simTest(apbRegfileBroken, { simTimeout: [1, 'ms'] });

/** Writes then reads back registers; the model is a map. Throws on the first mismatch. */
const ops = fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })), { minLength: 1, maxLength: 12 });

async function regCheck(sim: Simulator<ApbRegfileDut>, writes: [number, number][]): Promise<void> {
  const dut = sim.dut;
  await clockAndReset(dut);
  const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i);
  const model = new Map<number, number>();
  for (const [reg, v] of writes) {
    await apb.write(reg * 4, v);
    model.set(reg, v);
  }
  for (const [reg, v] of model) {
    const r = await apb.read(reg * 4);
    if (r.data !== v) throw new Error(`register ${reg}: read 0x${r.data.toString(16)}, expected 0x${v.toString(16)} at ${sim.describeTime()}`);
  }
}

describe('simProperty', () => {
  good('passes on a correct DUT, restarting it for every case', async ({ sim, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, ops, (w) => regCheck(sim, w), { seed, numRuns: 30, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });

  broken('catches the bug, shrinks it, and leaves a waveform with its GTKWave save file', async ({ sim, seed, task }) => {
    const wavesDir = wavePath(task.file.filepath, task.name).replace(/\.fst$/, '');
    rmSync(wavesDir, { recursive: true, force: true });
    const err = await simProperty(sim as Simulator<unknown>, ops, (w) => regCheck(sim, w), { seed, numRuns: 200, wavesDir })
      .then(() => undefined, (e: unknown) => e as Error & { seed: number; path: string; counterexample: [number, number][]; wave: string });
    expect(err, 'the broken register must be found').toBeInstanceOf(Error);
    // Shrunk: register 5 written with 0, every other write shrunk to zeros (at most one left).
    expect(err!.counterexample).toContainEqual([5, 0]);
    expect(err!.counterexample.length).toBeLessThanOrEqual(2);
    expect(err!.counterexample.every(([, v]) => v === 0)).toBe(true);
    expect(err!.message).toMatch(/register 5: read 0x1, expected 0x0/);
    expect(existsSync(err!.wave)).toBe(true);
    const save = readFileSync(err!.wave.replace(/\.fst$/, '.gtkw'), 'utf8');
    expect(save).toContain('TOP.apb_regfile.apb_pwdata_i[31:0]');
    // The printed seed and path replay exactly that case.
    const again = await fc.check(fc.asyncProperty(ops, async (w) => {
      await sim.restart();
      await regCheck(sim, w);
    }), { seed: err!.seed, path: err!.path, numRuns: 1 });
    expect(again.failed).toBe(true);
    expect(again.counterexample?.[0]).toEqual(err!.counterexample);
  });

  broken('shrinking stops after maxShrinkRuns cases, at the smallest failure so far, the same on every run', async ({ sim, seed, task }) => {
    const wavesDir = wavePath(task.file.filepath, task.name).replace(/\.fst$/, '');
    type Failure = Error & { counterexample: [number, number][] };
    const fail = (maxShrinkRuns: number): Promise<Failure> => simProperty(sim as Simulator<unknown>, ops, (w) => regCheck(sim, w), { seed, numRuns: 200, wavesDir, maxShrinkRuns })
      .then(() => { throw new Error('the broken register was not found'); }, (e: unknown) => e as Failure);
    const whole = await fail(10_000);
    const none = await fail(0);
    const few = await fail(3);
    expect(whole.message).not.toMatch(/may not be minimal/);
    expect(none.message).toMatch(/shrinking stopped after 0 runs \(maxShrinkRuns\): this case may not be minimal/);
    // With no shrinking, the first failing case as generated: larger than the shrunk one.
    const size = (c: [number, number][]): number => c.length + c.filter(([, v]) => v !== 0).length;
    expect(size(none.counterexample)).toBeGreaterThan(size(whole.counterexample));
    expect(none.counterexample).toContainEqual(expect.arrayContaining([5]));
    expect((await fail(3)).counterexample, 'a budget is a count, so the case is the same every time').toEqual(few.counterexample);
    expect(few.message).toMatch(/register 5: read/);
  });

  broken('CELLBENCH_SHRINK=0 (the mutation runner\'s) ends at the first failing case: unshrunk, no waveform', async ({ sim, seed, task }) => {
    const wavesDir = wavePath(task.file.filepath, task.name).replace(/\.fst$/, '');
    rmSync(wavesDir, { recursive: true, force: true });
    const outcomes: boolean[] = [];
    const before = process.env.CELLBENCH_SHRINK;
    process.env.CELLBENCH_SHRINK = '0';
    const err = await simProperty(sim as Simulator<unknown>, ops, async (w) => {
      outcomes.push(false);
      await regCheck(sim, w);
      outcomes[outcomes.length - 1] = true;
    }, { seed, numRuns: 200, wavesDir }).then(() => undefined, (e: unknown) => e as Error).finally(() => {
      if (before === undefined) delete process.env.CELLBENCH_SHRINK;
      else process.env.CELLBENCH_SHRINK = before;
    });
    expect(err?.message).toMatch(/failure: register 5: read /);
    expect(err?.message).toMatch(/Shrunk 0 time/);
    expect(err?.message).toMatch(/not shrunk, no waveform \(CELLBENCH_SHRINK=0\)/);
    expect(outcomes.indexOf(false), 'the one failing case is the last one run').toBe(outcomes.length - 1);
    expect(existsSync(wavesDir), 'no waveform').toBe(false);
  });

  good('a case that runs past the simulated-time limit fails with it, each case getting the whole limit', async ({ sim, dut, seed, task }) => {
    const wavesDir = wavePath(task.file.filepath, task.name).replace(/\.fst$/, '');
    let cases = 0;
    const err = await simProperty(sim as Simulator<unknown>, fc.integer({ min: 0, max: 3 }), async (k) => {
      cases++;
      await clockAndReset(dut);
      await ClockCycles(dut.clk_i, k < 3 ? 60_000 : 10_000_000);  // 0.6 ms each (under 1 ms), then a hang
    }, { seed, numRuns: 40, wavesDir }).then(() => undefined, (e: unknown) => e as Error);
    expect(cases, 'cases of 0.6 ms passed although together they exceed 1 ms').toBeGreaterThan(2);
    expect(err?.message).toMatch(/simulated-time limit of 1 ms passed/);
  });
});
