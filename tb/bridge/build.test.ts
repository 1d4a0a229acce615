// The build: signal tables from Verilator's description (XML up to 5.0xx, JSON after), the
// content-keyed cache with its lock, the lint of every top, and how `make types` reports a design
// Verilator cannot read.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { buildKey, buildTop, describeTop, LintError } from '../../bridge/src/build.js';
import { ROOT } from '../../bridge/src/paths.js';
import { dutTypes } from '../../bridge/src/codegen.js';
import { netlistFromJson } from '../../bridge/src/json.js';
import { signalTableFrom } from '../../bridge/src/netlist.js';
import { Dir, type SignalTable } from '../../bridge/src/signals.js';
import { defineTop } from '../../bridge/src/top.js';
import { netlistFromXml } from '../../bridge/src/xml.js';
import { counter, ticker } from './tops.js';

const typesTop = defineTop({ name: 'types_top', sources: ['tb/bridge/hdl/types_top.sv'], config: ['tb/bridge/hdl/types_top.vlt'] });

function expectTypesTop(t: SignalTable): void {
  expect(t.top).toBe('types_top');
  expect(t.ports.map((p) => [p.name, p.width, p.dir])).toEqual([
    ['clk_i', 1, Dir.In], ['packed_i', 32, Dir.In], ['packed_o', 32, Dir.Out],
  ]);
  const internals = Object.fromEntries(t.internals.map((s) => [s.name, s]));
  expect(internals.hdr_q).toMatchObject({ width: 5 + 3 + 11, depth: 0, writable: false, scope: 'TOP.types_top' });
  expect(internals.mem).toMatchObject({ width: 64, depth: 4, writable: true });
  expect(internals.n_q).toMatchObject({ width: 32, writable: true });
}

function expectCounter(t: SignalTable): void {
  expect(t.internals.map((s) => [s.name, s.scope, s.varName])).toEqual([
    ['u_core.state_q', 'TOP.counter.u_core', 'state_q'],
    ['u_core.mem', 'TOP.counter.u_core', 'mem'],
  ]);
}

describe('signal table from the Verilator in use', () => {
  test('ports, widths of packed arrays, structs, enums and integers, memories', async () => {
    expectTypesTop(await describeTop(typesTop));
  });

  test('internal signals keep their hierarchy; the .d.ts nests them', async () => {
    const t = await describeTop(counter);
    expectCounter(t);
    const dts = dutTypes(t, 'CounterDut', '../x.js');
    expect(dts).toContain('readonly wide_i: SignalHandle<bigint>;');
    expect(dts).toMatch(/readonly u_core: \{\n\s+\/\*\* 8-bit internal \*\/\n\s+readonly state_q: SignalHandle<number>;/);
    expect(dts).toContain('readonly mem: MemoryHandle<number>;');
  });

  test('a missing source is named', async () => {
    await expect(buildKey(defineTop({ name: 'nope', sources: ['tb/bridge/hdl/nope.sv'] }))).rejects.toThrow(/source .*nope.sv does not exist/);
  });
});

const saved = { CELLBENCH_CACHE: process.env.CELLBENCH_CACHE, VERILATOR: process.env.VERILATOR };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

// What each format's Verilator wrote for the fixtures (tb/bridge/netlists/), so both parsers are
// checked whichever Verilator runs the suite.
describe.each([
  ['5.006 --xml-only', '5.006.xml', netlistFromXml],
  ['5.048 --json-only', '5.048.tree.json', netlistFromJson],
])('signal table from Verilator %s', (_, suffix, parse) => {
  const table = (top: string): SignalTable =>
    signalTableFrom(parse(readFileSync(path.join(import.meta.dirname, 'netlists', `${top}-${suffix}`), 'utf8')));

  test('types_top: packed arrays, structs, enums, integers, memories', () => expectTypesTop(table('types_top')));
  test('gen_loop: instances inside generate blocks keep the blocks in their names and scopes', () => {
    expect(table('gen_loop').internals.map((s) => [s.name, s.scope])).toEqual(['g_cell[0].u_cell', 'g_cell[1].u_cell', 'g_cell[1].g_extra.u_cell']
      .flatMap((i) => [[`${i}.mem_q`, `TOP.gen_loop.${i}`], [`${i}.count_q`, `TOP.gen_loop.${i}`]]));
  });
  test('counter: the hierarchy of internal signals, every port', () => {
    const t = table('counter');
    expectCounter(t);
    expect(t.ports.map((p) => `${p.name}:${p.width}`).join(' ')).toBe(
      'clk_i:1 rst_ni:1 en_i:1 a_i:8 b_i:8 wide_i:128 mid_i:40 count_o:8 mem_o:8 sum_o:9 wide_o:128 mid_o:40');
  });
});

describe('the build cache', () => {
  test('two concurrent builds of one top build it once; the key changes with a parameter', { timeout: 300_000 }, async () => {
    process.env.CELLBENCH_CACHE = mkdtempSync(path.join(os.tmpdir(), 'cellbench-cache-'));
    const [a, b] = await Promise.all([buildTop(ticker), buildTop(ticker)]);
    expect(a.dir).toBe(b.dir);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);  // the second waited on the lock
    const again = await buildTop(ticker);
    expect(again.cached).toBe(true);
    // Nothing half-written is left beside the build.
    expect(readdirSync(process.env.CELLBENCH_CACHE).filter((f) => f.includes('.tmp') || f.endsWith('.lock'))).toEqual([]);
    expect(await buildKey({ ...ticker, parameters: { FinishAt: 7 } })).not.toBe(await buildKey(ticker));
  });
});

describe('a design with problems', () => {
  test('make types names the tops.ts and the top Verilator cannot read, with its message, and still writes the others', async () => {
    rmSync(path.join(ROOT, 'tb/bridge/fixtures/gen'), { recursive: true, force: true });
    const out = await promisify(execFile)('npx', ['tsx', 'bridge/src/cli/gen-types.ts', 'tb/bridge/fixtures/broken-tops.ts'], { cwd: ROOT })
      .then(() => 'exit code 0', (e: { code: number; stdout: string; stderr: string }) => `exit code ${e.code}\n${e.stdout}${e.stderr}`);
    expect(out).toMatch(/^exit code 1\n/);
    // --xml-only on 5.006, --json-only on the Verilators that dropped XML.
    expect(out).toMatch(/make types: tb\/bridge\/fixtures\/broken-tops\.ts, top 'broken_syntax': verilator --(xml|json)-only for top 'broken_syntax' failed:/);
    expect(out).toMatch(/^%Error: tb\/bridge\/hdl\/broken_syntax\.sv:10:1: syntax error/m);
    expect(out).not.toMatch(/^\s+at /m);  // a report, not a stack trace
    expect(existsSync(path.join(ROOT, 'tb/bridge/fixtures/gen/line_loop.d.ts'))).toBe(true);
    rmSync(path.join(ROOT, 'tb/bridge/fixtures/gen'), { recursive: true, force: true });
  });

  const truncating = defineTop({ name: 'truncating', sources: ['tb/bridge/hdl/truncating.sv'] });

  test('a top that verilator -Wall warns about does not build: the report names file:line, the rule and what to do; it is cached', async () => {
    process.env.CELLBENCH_CACHE = mkdtempSync(path.join(os.tmpdir(), 'cellbench-cache-'));
    const err = await buildTop(truncating).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LintError);
    const report = (err as Error).message;
    expect(report).toMatch(/^top 'truncating' is not lint-clean under verilator -Wall \(1 warning\):\n%Warning-WIDTH\w*: tb\/bridge\/hdl\/truncating\.sv:9:\d+: /);
    expect(report).toContain('assign y_o = a_i ^ (a_i >> 4);');  // Verilator's excerpt of the line
    expect(report).toMatch(/lint_off -rule WIDTH\w* -file "\*\/truncating\.sv" -lines 9/);  // WIDTHTRUNC since 5.0xx
    expect(report).toContain('`lint: false`');
    expect(report).not.toContain('/* verilator lint_off');  // waivers go in the .vlt
    // The same sources fail the same way from the cache, without Verilator.
    process.env.VERILATOR = '/nonexistent/verilator';
    await expect(buildTop(truncating)).rejects.toThrow(report);
  });

  test('waived in its .vlt, or with lint: false, the same design builds', { timeout: 300_000 }, async () => {
    process.env.CELLBENCH_CACHE = mkdtempSync(path.join(os.tmpdir(), 'cellbench-cache-'));
    const waived = await buildTop({ ...truncating, config: ['tb/bridge/hdl/truncating.vlt'] });
    const unlinted = await buildTop({ ...truncating, lint: false });
    expect([waived.cached, unlinted.cached]).toEqual([false, false]);
    expect(waived.dir).not.toBe(unlinted.dir);
    expect((await buildTop({ ...truncating, lint: false })).cached).toBe(true);
  });
});
