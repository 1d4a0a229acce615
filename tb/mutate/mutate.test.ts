// The mutation runner (tools/mutate/) on its own fixture block, a comparator with three
// mutation points, once with a weak testbench, whose known survivor it must report (and whose
// tests it must choose by coverage), and once with a strong one, which leaves none.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../../bridge/src/paths.js';
import { innerEnv } from '../../tools/mutate/exec.js';
import type { MutationReport } from '../../tools/mutate/report.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cellbench-mutate-selftest-'));

/** Runs the mutation tool on the fixture block with `tb` as its testbench; its report. */
async function mutate(tb: 'weak' | 'strong', waivers: string): Promise<{ report: MutationReport; md: string; out: string }> {
  const out = path.join(scratch, tb);
  const args = [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'tools/mutate/cli.ts', '--block', 'mut_fixture',
    '--rtl', 'tb/mutate/hdl', '--tops', 'tb/mutate/tops.ts', '--tests', `tb/mutate/fixtures/${tb}.fixture.ts`,
    '--waivers', waivers, '--out', out, '--fixtures', '--seed', '7'];
  let log: string;
  try {
    const r = await promisify(execFile)(process.execPath, args, { cwd: ROOT, env: innerEnv({}), maxBuffer: 16 << 20 });
    log = r.stdout + r.stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`the mutation run with the ${tb} testbench failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
  return { report: JSON.parse(readFileSync(`${out}.json`, 'utf8')) as MutationReport, md: readFileSync(`${out}.md`, 'utf8'), out: log };
}

let weak: Awaited<ReturnType<typeof mutate>>;
let strong: Awaited<ReturnType<typeof mutate>>;

beforeAll(async () => {
  [weak, strong] = await Promise.all([
    mutate('weak', 'tb/mutate/fixtures/no-waivers.json'),
    mutate('strong', 'tb/mutate/fixtures/mutants.json'),
  ]);
}, 600_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const LE = 'mut_fixture.sv:15:17 <= → <';
const EQ = 'mut_fixture.sv:17:17 == → !=';
const IF = 'mut_fixture.sv:14:9 if (sel_i) → if (!(…))';

describe('a mutation run on the fixture block', () => {
  test('finds its three mutation points in Verilator\'s description, named by file, line and column', () => {
    expect(weak.report.points).toBe(3);
    expect(weak.report.mutants.map((m) => m.name).sort()).toEqual([IF, LE, EQ].sort());
  });

  test('the weak testbench: `<=` → `<` survives, reported with its diff; the others are killed, each by the test that sees it', () => {
    const r = weak.report;
    const by = Object.fromEntries(r.mutants.map((m) => [m.name, m]));
    expect(r.counts).toEqual({ killed: 2, timeout: 0, survived: 1, waived: 0, notElaborating: 0 });
    expect(r.score).toBeCloseTo(2 / 3);
    expect(r.met).toBe(false);
    expect(by[LE]).toMatchObject({ outcome: 'survived', covered: true, selected: 1, ran: 1 });
    expect(by[LE]!.diff).toContain('-      y_o = a_i <= b_i;\n+      y_o = a_i < b_i;');
    // The `==` line runs in both tests (at time 0 sel_i is 0): both chosen, 'equal' kills (the
    // first to run after a run that remembers it killed this mutant).
    expect(by[EQ]).toMatchObject({ outcome: 'killed', killedBy: 'tb/mutate/fixtures/weak.fixture.ts > equal', selected: 2 });
    expect(weak.md).toContain(`### \`${LE}\``);
    expect(weak.out).toContain(`${LE}: survived`);
  });

  test('runs only the tests whose RTL line coverage touches the mutated line, and measures what that saves', () => {
    const s = weak.report.speed;
    expect(s.testbenchTests).toBe(2);
    expect(s.meanTestsPerMutant).toBeLessThan(2);
    expect(s.testbenchTestSeconds).toBeGreaterThan(0);
    expect(s.factor).toBe(s.testbenchTestSeconds / s.meanTestSecondsPerMutant);
  });

  test('the strong testbench: no survivor; a waiver naming no mutation point is reported stale', () => {
    const r = strong.report;
    expect(r.counts).toEqual({ killed: 3, timeout: 0, survived: 0, waived: 0, notElaborating: 0 });
    expect(r.score).toBe(1);
    expect(r.met).toBe(true);
    expect(r.mutants.find((m) => m.name === LE)?.killedBy).toBe('tb/mutate/fixtures/strong.fixture.ts > less or equal');
    expect(r.waivers.stale).toEqual(['mut_fixture.sv:99:1 == → !=']);
    expect(strong.md).toContain('stale: `mut_fixture.sv:99:1 == → !=`');
  });
});
