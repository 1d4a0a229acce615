// The generator (tools/) beyond registers: a description's packed formats on the RTL (the
// SystemVerilog struct of the generated package against the TypeScript codec, both ways), the
// codec and field-bits runtime, the README tables between their markers, and the checks that
// refuse a bad description, naming what is wrong.
import fc from 'fast-check';
import { describe, expect, test as plain } from 'vitest';
import { Timer } from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import { FormatError } from '../../models/common/format.js';
import { bits } from '../../models/common/regmap.js';
import { DescError, validate, type Description, type FormatDesc } from '../../tools/desc.js';
import { sections, spliceReadme } from '../../tools/docs.js';
import { svPackage } from '../../tools/sv.js';
import { tsModule } from '../../tools/ts.js';
import { DEMO_CTRL, DemoFrame, DemoKind, DemoMode, DemoWide } from './gen/demo_pkg.js';
import { demoFormat } from './tops.js';

const test = simTest(demoFormat, { simTimeout: [1, 'ms'] });

const frameArb = fc.record({
  mode: fc.constantFrom(DemoMode.Off, DemoMode.Slow, DemoMode.Fast),
  seq: fc.nat(0xfff),
  kind: fc.constantFrom(DemoKind.Data, DemoKind.Idle),
  byteCount: fc.nat(0x7ff),
  last: fc.nat(1),
});
const wideArb = fc.record({ lo: fc.nat({ max: 0xffffffff }), mid: fc.nat(0x1ff), hi: fc.nat(0x1fffffff) });

describe('packed formats on the RTL', () => {
  test('a word the codec encodes unpacks in the SystemVerilog struct to the same fields, and the struct packs the fields to the codec\'s word', async ({ dut, seed }) => {
    const cases = fc.sample(fc.tuple(frameArb, wideArb, fc.bigInt({ min: 0n, max: (1n << 45n) - 1n })), { seed, numRuns: 60 });
    for (const [frame, wide, noise] of cases) {
      // Bits in the gaps are ignored by the struct's fields and by the codec's decode.
      const gaps = noise & ~((1n << 3n) - 1n | (((1n << 12n) - 1n) << 5n) | (((1n << 8n) - 1n) << 20n) | (((1n << 11n) - 1n) << 28n) | (1n << 40n));
      dut.frame_i.value = DemoFrame.encode(frame) | gaps;
      dut.frame_mode_i.value = frame.mode;
      dut.frame_seq_i.value = frame.seq;
      dut.frame_kind_i.value = frame.kind;
      dut.frame_byte_count_i.value = frame.byteCount;
      dut.frame_last_i.value = frame.last;
      dut.wide_i.value = DemoWide.encode(wide);
      await Timer(1, 'ns');
      const what = JSON.stringify({ frame, wide, gaps: gaps.toString(16) });
      expect({ mode: dut.frame_mode_o.value, seq: dut.frame_seq_o.value, kind: dut.frame_kind_o.value, byteCount: dut.frame_byte_count_o.value, last: dut.frame_last_o.value }, what).toEqual(frame);
      expect(DemoFrame.decode(DemoFrame.encode(frame) | gaps), what).toEqual(frame);
      expect(dut.frame_o.value.toString(16), `packed by the struct: ${what}`).toBe(DemoFrame.encode(frame).toString(16));
      expect({ lo: dut.wide_lo_o.value, mid: dut.wide_mid_o.value, hi: dut.wide_hi_o.value }, what).toEqual(wide);
      expect(dut.wide_o.value, what).toBe(DemoWide.encode(wide));
    }
  });
});

describe('codec and field bits', () => {
  plain('bytes are little-endian, a value too wide for its field throws naming it, a word beyond 32 bits is a bigint', () => {
    const f = { mode: DemoMode.Fast, seq: 0xabc, kind: DemoKind.Data, byteCount: 0x7ff, last: 1 };
    expect(DemoFrame.bytes).toBe(6);
    const b = DemoFrame.toBytes(f);
    expect(b[0]! & 0x7).toBe(DemoMode.Fast);
    expect(DemoFrame.fromBytes(b)).toEqual(f);
    expect(() => DemoFrame.encode({ ...f, seq: 0x1000 })).toThrow(/DemoFrame\.seq: 4096 does not fit 12 bit/);
    expect(() => DemoFrame.encode({ ...f, last: 0.5 })).toThrow(FormatError);
    expect(() => DemoFrame.word(f)).toThrow(/45 bits do not fit a number/);
    expect(() => DemoFrame.fromBytes(b.subarray(0, 5))).toThrow(/5 byte\(s\), a word is 6/);
    expect(DemoWide.decode(DemoWide.encode({ lo: 0xffffffff, mid: 0x1ff, hi: 0x1fffffff }))).toEqual({ lo: 0xffffffff, mid: 0x1ff, hi: 0x1fffffff });
  });

  plain('field bits: mask, get and put from the description', () => {
    expect(DEMO_CTRL.MODE).toMatchObject({ lsb: 4, width: 3, mask: 0x70 });
    expect(DEMO_CTRL.MODE.get(0xfff)).toBe(7);
    expect(DEMO_CTRL.MODE.put(DemoMode.Fast)).toBe(0x50);
    expect(DEMO_CTRL.MODE.put(0xf)).toBe(0x70);  // beyond the width: dropped
    expect(bits(0, 32).mask).toBe(0xffffffff);
    expect(bits(31, 1).get(0x80000000)).toBe(1);
  });
});

describe('generated text', () => {
  const d: Description = {
    block: 'x',
    prefix: 'xy',
    enums: [{ name: 'XyOp', width: 8, values: [{ name: 'Go', value: 0x9f, doc: 'go' }, { name: 'Stop', value: 1 }] }],
    formats: [{ name: 'XyBeat', width: 12, fields: [{ name: 'op', lsb: 4, width: 8, enum: 'XyOp' }] }],
    constants: [{ name: 'X_DEPTH', value: 4 }],
    registers: [{ name: 'CMD', offset: 0, writeStrobe: true, fields: [{ name: 'OP', lsb: 0, width: 8, access: 'wo', enum: 'XyOp' }] }],
  };

  plain('the package: enums with their codes, the struct most significant first with its gaps named, the constants', () => {
    const sv = svPackage(d, 'xy_desc.json');
    expect(sv).toContain('package xy_pkg;');
    expect(sv).toContain("XyOpGo = 8'h9f,  // go");
    expect(sv).toContain('} xy_op_e;');
    expect(sv).toMatch(/typedef struct packed \{\n {4}xy_op_e op;\n {4}logic \[3:0\] reserved_3_0;\n {2}\} xy_beat_t;/);
    expect(sv).toContain("localparam int unsigned XDepth = 32'd4;");
    const ts = tsModule(d, '../common', 'xy_desc.json');
    expect(ts).toContain('export enum XyOp {\n  /** go */\n  Go = 0x9f,');
    expect(ts).toContain("export const XyBeat = new PackedFormat<XyBeat>('XyBeat', 12, [{ name: 'op', lsb: 4, width: 8 }]);");
    expect(ts).toContain('export const X_CMD = {\n  OP: bits(0, 8),\n} as const;');
  });

  plain('README tables go between their markers, the prose around them stays; a missing marker is named', () => {
    const readme = 'intro\n<!-- generated:registers -->\nold table\n<!-- /generated:registers -->\nmiddle\n<!-- generated:enums -->\n<!-- /generated:enums -->\n<!-- generated:formats -->\n<!-- /generated:formats -->\n<!-- generated:constants -->\n<!-- /generated:constants -->\nend\n';
    const out = spliceReadme(readme, d, 'x/README.md', 'xy_desc.json');
    expect(out).not.toContain('old table');
    expect(out.startsWith('intro\n')).toBe(true);
    expect(out).toContain('middle\n');
    expect(out.endsWith('end\n')).toBe(true);
    expect(out).toContain('| 0x00 | CMD (write strobe) | OP [7:0] | wo | — | codes: `XyOp` |');
    expect(out).toContain('| 0x9F | Go | go |');
    expect(out).toContain('| [11:4] | op | codes: `XyOp` |');
    expect(spliceReadme(out, d, 'x/README.md', 'xy_desc.json'), 'idempotent').toBe(out);
    expect(Object.keys(sections(d))).toEqual(['registers', 'enums', 'formats', 'constants']);
    expect(() => spliceReadme('no markers', d, 'x/README.md', 'xy_desc.json')).toThrow(/x\/README\.md has no '<!-- generated:registers -->'/);
  });
});

describe('description checks', () => {
  const base: Description = { block: 'b', enums: [{ name: 'BOp', width: 2, values: [{ name: 'A', value: 0 }] }] };
  const bad = (extra: Partial<Description>): (() => void) => () => validate({ ...base, ...extra });

  plain('enums: codes fit the width and are unique, names in UpperCamelCase', () => {
    expect(bad({ enums: [{ name: 'BOp', width: 2, values: [{ name: 'A', value: 4 }] }] })).toThrow(/b\.BOp\.A: 4 does not fit 2 bit/);
    expect(bad({ enums: [{ name: 'BOp', width: 2, values: [{ name: 'A', value: 1 }, { name: 'B', value: 1 }] }] })).toThrow(/BOp codes: '1' is defined twice/);
    expect(bad({ enums: [{ name: 'b_op', width: 2, values: [{ name: 'A', value: 1 }] }] })).toThrow(/enum names are UpperCamelCase/);
    expect(bad({ enums: [{ name: 'BOp', width: 2, values: [] }] })).toThrow(/an enum needs a value/);
  });

  plain('formats: fields inside the word, disjoint, at most 32 bits, enums that exist and agree in width', () => {
    const fmt = (fields: FormatDesc['fields']): (() => void) => bad({ formats: [{ name: 'BBeat', width: 16, fields }] });
    expect(fmt([{ name: 'a', lsb: 10, width: 8 }])).toThrow(/b\.BBeat\.a: bits \[17:10\] leave the 16-bit word/);
    expect(fmt([{ name: 'a', lsb: 0, width: 4 }, { name: 'b', lsb: 3, width: 2 }])).toThrow(/b\.BBeat\.b: overlaps another field/);
    expect(bad({ formats: [{ name: 'BBeat', width: 40, fields: [{ name: 'a', lsb: 0, width: 33 }] }] })).toThrow(/width 33 is not 1\.\.32/);
    expect(fmt([{ name: 'a', lsb: 0, width: 2, enum: 'Nope' }])).toThrow(/enum 'Nope' is not in the description \(enums: BOp\)/);
    expect(fmt([{ name: 'a', lsb: 0, width: 3, enum: 'BOp' }])).toThrow(/3 bit\(s\) wide, but enum BOp has 2/);
    expect(fmt([{ name: 'A', lsb: 0, width: 3 }])).toThrow(/format field names are lower_snake_case/);
  });

  plain('registers and constants: enum fields agree, names unique across kinds, constants are 32-bit integers', () => {
    expect(bad({ registers: [{ name: 'R', offset: 0, fields: [{ name: 'F', lsb: 0, width: 3, access: 'rw', enum: 'BOp' }] }] })).toThrow(/b\.R\.F: 3 bit\(s\) wide, but enum BOp has 2/);
    expect(bad({ formats: [{ name: 'BOp', width: 8, fields: [] }] })).toThrow(/'BOp' is defined twice/);
    expect(bad({ constants: [{ name: 'N', value: 2 ** 32 }] })).toThrow(/not an integer in 0\.\.2\^32-1/);
    expect(bad({ constants: [{ name: 'n', value: 1 }] })).toThrow(/constant names are UPPER_SNAKE_CASE/);
    expect(bad({ prefix: 'Bad' })).toThrow(DescError);
  });
});
