// Mutation points of a real block (the UART receiver) from Verilator's description: each kind
// is found where the source has it, each edit replaces exactly the text its name says, and a
// node whose source text is not what the node says (a folded constant, an enum name) is no point.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../../bridge/src/paths.js';
import { describeDesign } from '../../tools/mutate/design.js';
import { applyMutation, mutationDiff, mutationPoints, Source, type Mutation } from '../../tools/mutate/points.js';
import { sample } from '../../tools/mutate/sample.js';
import { uart } from '../uart/tops.js';

const FILE = 'rtl/uart/uart_rx.sv';
const src = new Source(FILE, readFileSync(path.join(ROOT, FILE)));
let points: Mutation[];
const byName = (name: string): Mutation | undefined => points.find((p) => p.name === name);

let block: Mutation[];

beforeAll(async () => {
  const design = await describeDesign(uart);
  points = mutationPoints(design, new Map([[FILE, src]]));
  const files = uart.sources.filter((f) => f.startsWith('rtl/uart/'));
  block = mutationPoints(design, new Map(files.map((f) => [f, new Source(f, readFileSync(path.join(ROOT, f)))])));
}, 60_000);

describe('mutation points of uart_rx.sv', () => {
  test('every kind of change, each named by file, line and column', () => {
    expect(new Set(block.map((p) => p.kind))).toEqual(new Set(['equality', 'relational', 'logical', 'bitwise', 'arithmetic', 'constant', 'condition', 'drop', 'reset']));
    expect(new Set(block.map((p) => p.name)).size).toBe(block.length);
    expect(block.filter((p) => p.file === FILE)).toEqual(points);
    expect(byName('uart_rx.sv:45:44 == → !=')).toMatchObject({ kind: 'equality', from: '==', to: '!=' });
    expect(byName("uart_rx.sv:45:47 4'd15 → 4'd14")).toMatchObject({ kind: 'constant' });
    expect(byName("uart_rx.sv:101:35 8'h00 → 8'h01")).toMatchObject({ kind: 'constant' });
    expect(byName('uart_rx.sv:47:35 & → |')).toMatchObject({ kind: 'bitwise' });
    expect(byName('uart_rx.sv:64:44 || → &&')).toMatchObject({ kind: 'logical' });
    expect(byName('uart_rx.sv:53:40 + → -')).toMatchObject({ kind: 'arithmetic' });
    expect(byName("uart_rx.sv:131:21 reset par_bit_q 1'b0 → 1'b1")).toMatchObject({ kind: 'reset' });
    expect(byName("uart_rx.sv:128:21 reset tick_cnt_q '0 → '1")).toMatchObject({ kind: 'reset' });
    expect(byName('uart_rx.sv:137:7 drop shift_q <= …')).toMatchObject({ kind: 'drop', from: 'shift_q    <= shift_d;', to: ';' });
    expect(byName('uart_rx.sv:78:21 drop shift_d = …')).toMatchObject({ kind: 'drop', from: 'shift_d = {vote, shift_q[7:1]};' });
    expect(byName('uart_rx.sv:81:15 if (bit_cnt_q == 3\'d7) → if (!(…))')).toMatchObject({ kind: 'condition', to: "!(bit_cnt_q == 3'd7)" });
  });

  test('each edit replaces exactly its text, and the diff shows that line', () => {
    for (const p of points) {
      expect(src.text(p.start, p.end), p.name).toBe(p.from);
      const mutated = applyMutation(src.bytes, p).toString('utf8');
      expect(mutated.length - src.bytes.toString('utf8').length, p.name).toBe(p.to.length - p.from.length);
    }
    const d = mutationDiff(src, byName('uart_rx.sv:45:44 == → !=')!);
    expect(d).toBe([
      `--- a/${FILE}`, `+++ b/${FILE}`, '@@ -45,1 +45,1 @@',
      "-  assign bit_end    = tick_i && tick_cnt_q == 4'd15;",
      "+  assign bit_end    = tick_i && tick_cnt_q != 4'd15;",
    ].join('\n'));
  });

  test('what the source does not spell as the node says is no point: folded constants, enum names, indices', () => {
    // VoteFirst + 4'd1 is one folded constant 4'h7 in the description: neither its `+` nor a 4'd7.
    expect(points.filter((p) => p.line === 64 && (p.from === '+' || p.kind === 'constant'))).toEqual([]);
    // state_q <= StIdle: an enum name is no literal, so no reset flip.
    expect(points.filter((p) => p.line === 127)).toEqual([]);
    // votes_q[0]: an index.
    expect(points.filter((p) => p.line === 64 && p.from === '0')).toEqual([]);
  });

  test('a sample is a pure function of its seed, in the points\' own order', () => {
    const a = sample(points, 20, 5);
    expect(sample(points, 20, 5)).toEqual(a);
    expect(sample(points, 20, 6)).not.toEqual(a);
    expect(a.map((p) => points.indexOf(p))).toEqual([...a.map((p) => points.indexOf(p))].sort((x, y) => x - y));
    expect(sample(points, points.length + 5, 5)).toEqual(points);
  });
});
