// The register-map generator (tools/): the APB block it writes from demo_desc.json, driven by
// the APB transactor, against the model runtime reading the same description.
import fc from 'fast-check';
import { describe, expect, test as plain } from 'vitest';
import { ApbMaster, Clock, ClockCycles, ReadOnly, SampledStream } from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import { RegBlockModel } from '../../models/common/regmap.js';
import { DescError, validate } from '../../tools/desc.js';
import { svRegTop } from '../../tools/sv.js';
import { clockAndReset } from '../common/reset.js';
import { DEMO_OFFSET, demoRegs } from './gen/demo_pkg.js';
import { demoRegs as demoTop } from './tops.js';

const test = simTest(demoTop, { simTimeout: [1, 'ms'] });

describe('generated register block', () => {
  test('resets, rw/ro/wo fields and pslverr match the model on random traffic', async ({ dut, seed }) => {
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 0;
    dut.status_busy_i.value = 1;
    dut.status_count_i.value = 0xa5;
    await ClockCycles(dut.clk_i, 2);
    dut.rst_ni.value = 1;
    const model = new RegBlockModel(demoRegs);
    model.setHw('STATUS', 'BUSY', 1);
    model.setHw('STATUS', 'COUNT', 0xa5);
    expect(dut.ctrl_en_o.value).toBe(1);    // reset values from the description
    expect(dut.ctrl_mode_o.value).toBe(2);
    const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i);
    const offsets = [...Object.values(DEMO_OFFSET), 0x0c, 0xfc];  // two offsets with no register
    const traffic = fc.sample(fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...offsets), fc.nat()), { minLength: 60, maxLength: 60 }), { seed, numRuns: 1 })[0]!;
    for (const [write, off, v] of traffic) {
      const want = write ? model.write(off, v >>> 0) : model.read(off);
      const got = write ? await apb.write(off, v) : await apb.read(off);
      expect(got, `${write ? 'write' : 'read'} 0x${off.toString(16)}`).toEqual(want);
    }
    await ReadOnly();
    expect(dut.ctrl_mode_o.value).toBe(model.field('CTRL', 'MODE'));
    expect(dut.key_value_o.value).toBe(model.field('KEY', 'VALUE'));
    expect(dut.data_value_o.value).toBe(model.field('DATA', 'VALUE'));
  });

  test('w1c flags: the hardware sets, a written 1 clears, a set in the clearing cycle wins; strobes pulse once per access', async ({ sim, dut }) => {
    await clockAndReset(dut);
    const pushes: number[] = [];
    let pops = 0;
    const model = new RegBlockModel(demoRegs, { onWrite: (reg, d) => reg === 'PUSH' && pushes.push(d & 0xff), onRead: (reg) => { if (reg === 'POP') pops++; } });
    const pushStream = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.push_data_o], when: { allOf: [dut.push_we_o] } });
    const popStream = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.pop_re_o], when: { allOf: [dut.pop_re_o] } });
    const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i);
    const off = DEMO_OFFSET;
    dut.events_err_set_i.value = 2;
    await ClockCycles(dut.clk_i, 1);
    dut.events_err_set_i.value = 0;
    model.raise('EVENTS', 'ERR', 2);
    expect(await apb.read(off.EVENTS)).toEqual(model.read(off.EVENTS));
    expect(model.read(off.EVENTS).data).toBe(0x20);
    expect(await apb.write(off.EVENTS, 0x11)).toEqual(model.write(off.EVENTS, 0x11));  // clears nothing that is set
    expect(await apb.read(off.EVENTS)).toEqual({ data: 0x20, slverr: false });
    expect(await apb.write(off.EVENTS, 0x20)).toEqual(model.write(off.EVENTS, 0x20));
    expect(await apb.read(off.EVENTS)).toEqual({ data: 0, slverr: false });
    // Hold the set while the clearing write happens: the event survives.
    dut.events_hit_set_i.value = 1;
    expect(await apb.write(off.EVENTS, 0x01)).toEqual({ data: 0, slverr: false });
    dut.events_hit_set_i.value = 0;
    expect(await apb.read(off.EVENTS)).toEqual({ data: 0x01, slverr: false });
    await ReadOnly();
    expect(dut.events_hit_o.value).toBe(1);
    await ClockCycles(dut.clk_i, 1);
    dut.pop_data_i.value = 0x5a;
    for (const v of [0x1a5, 0x7e, 0x00]) expect(await apb.write(off.PUSH, v)).toEqual(model.write(off.PUSH, v));
    expect(await apb.read(off.PUSH)).toEqual(model.read(off.PUSH));  // write-only: reads 0, no strobe
    model.setHw('POP', 'DATA', 0x5a);
    for (let i = 0; i < 2; i++) expect(await apb.read(off.POP)).toEqual(model.read(off.POP));
    expect(await apb.write(off.POP, 1)).toEqual(model.write(off.POP, 1));  // a write does not pop
    await ClockCycles(dut.clk_i, 2);
    pushStream.close();
    popStream.close();
    const seenPushes: number[] = [];
    for await (const b of pushStream) seenPushes.push(...b.column(dut.push_data_o));
    let seenPops = 0;
    for await (const b of popStream) seenPops += b.cycles.length;
    expect(seenPushes).toEqual(pushes);
    expect(pushes).toEqual([0xa5, 0x7e, 0x00]);
    expect(seenPops).toBe(pops);
    expect(pops).toBe(2);
  });
});

describe('generator checks', () => {
  plain('bad descriptions are refused, naming the register and field', () => {
    const reg = (fields: object[], offset = 0) => ({ block: 'x', registers: [{ name: 'R', offset, fields }] }) as never;
    expect(() => validate(reg([{ name: 'A', lsb: 0, width: 4, access: 'rw' }, { name: 'B', lsb: 3, width: 2, access: 'rw' }]))).toThrow(/x\.R\.B: overlaps another field/);
    expect(() => validate(reg([{ name: 'A', lsb: 30, width: 4, access: 'rw' }]))).toThrow(/leave the 32-bit register/);
    expect(() => validate(reg([], 6))).toThrow(/offset 0x6 is not a word/);
    expect(() => validate(reg([{ name: 'A', lsb: 0, width: 2, access: 'rw', reset: 4 }]))).toThrow(DescError);
    expect(svRegTop(demoRegs, 'demo_desc.json')).toContain('output      logic [2:0] ctrl_mode_o');
  });
});

describe('model-based (fc.commands + fc.asyncModelRun)', () => {
  type Real = { apb: ApbMaster };
  class WriteCmd implements fc.AsyncCommand<RegBlockModel, Real> {
    constructor(readonly offset: number, readonly value: number) {}
    check(): boolean {
      return true;
    }
    async run(m: RegBlockModel, r: Real): Promise<void> {
      expect(await r.apb.write(this.offset, this.value)).toEqual(m.write(this.offset, this.value));
    }
    toString(): string {
      return `write(0x${this.offset.toString(16)}, 0x${this.value.toString(16)})`;
    }
  }
  class ReadCmd implements fc.AsyncCommand<RegBlockModel, Real> {
    constructor(readonly offset: number) {}
    check(): boolean {
      return true;
    }
    async run(m: RegBlockModel, r: Real): Promise<void> {
      expect(await r.apb.read(this.offset), `read(0x${this.offset.toString(16)})`).toEqual(m.read(this.offset));
    }
    toString(): string {
      return `read(0x${this.offset.toString(16)})`;
    }
  }

  test('the RTL register block follows the model through random command sequences', async ({ sim, dut, seed }) => {
    const offsets = fc.constantFrom(...Object.values(DEMO_OFFSET), 0x0c);
    const commands = [
      fc.tuple(offsets, fc.nat()).map(([o, v]) => new WriteCmd(o, v >>> 0)),
      offsets.map((o) => new ReadCmd(o)),
    ];
    await fc.assert(fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
      await sim.restart();
      await clockAndReset(dut);
      const setup = () => ({ model: new RegBlockModel(demoRegs), real: { apb: ApbMaster.fromPrefix(dut, 'apb', dut.clk_i) } });
      await fc.asyncModelRun(setup, cmds);
    }), { seed, numRuns: 20 });
  });
});
