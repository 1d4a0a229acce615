// Directed tests of one UART: registers, the line format it sends and receives, each error
// flag, FIFO limits, loopback and interrupts, against the register-level model.
import { describe, expect } from 'vitest';
import { ApbMaster, ClockCycles, ReadOnly, SampledStream, SerialSink, SerialSource } from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import { Parity, charCycles, type LineSettings } from '../../models/uart/line.js';
import { UART_OFFSET as R, uartRegs } from '../../models/uart/regs.js';
import { UartModel } from '../../models/uart/uart.js';
import { FAST, LineChecker, configure, resetIdle, serialFormat } from './env.js';
import type { UartDut } from './gen/uart.js';
import { uart } from './tops.js';

const test = simTest(uart, { simTimeout: [2, 'ms'] });
const hex = (v: number): string => `0x${v.toString(16)}`;

async function start(dut: UartDut, s: LineSettings): Promise<{ apb: ApbMaster; model: UartModel }> {
  await resetIdle(dut, [dut.uart_rx_i]);
  const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i);
  const model = new UartModel();
  await configure(apb, s);
  model.write(R.DIV, s.divisor);
  model.write(R.LCR, s.parity | (s.stop2 ? 4 : 0));
  return { apb, model };
}

/** Every register read through APB equals the model's. */
async function expectRegs(apb: ApbMaster, model: UartModel, skip: string[] = ['RXDATA']): Promise<void> {
  for (const r of uartRegs.registers.filter((x) => !skip.includes(x.name))) {
    expect(await apb.read(r.offset), `${r.name} @ ${hex(r.offset)}`).toEqual(model.read(r.offset));
  }
}

describe('registers', () => {
  test('reset values, rw registers, write-only TXDATA and holes answer as the model', async ({ dut }) => {
    await resetIdle(dut, [dut.uart_rx_i]);
    const apb = ApbMaster.fromPrefix(dut, 'apb', dut.clk_i);
    const model = new UartModel();
    await expectRegs(apb, model, []);
    for (const [off, v] of [[R.DIV, 0xffff], [R.LCR, 0xff], [R.IE, 0xff], [R.DIV, 0x1234], [R.LCR, 0x5], [R.IE, 0x2a], [R.STATUS, 0xff], [R.LEVEL, 0xffff]] as const) {
      expect(await apb.write(off, v), `write ${hex(off)}`).toEqual(model.write(off, v));
      expect(await apb.read(off), `read back ${hex(off)}`).toEqual(model.read(off));
    }
    for (const off of [0x20, 0x80, 0xfc]) expect((await apb.read(off)).slverr, `hole ${hex(off)}`).toBe(true);
  });
});

describe('transmit', () => {
  for (const s of [FAST, { divisor: 3, parity: Parity.Even, stop2: true }, { divisor: 2, parity: Parity.Odd, stop2: false }] as LineSettings[]) {
    test(`sends queued bytes back to back in the programmed format (div ${s.divisor}, parity ${Parity[s.parity]}, ${s.stop2 ? 2 : 1} stop)`, async ({ sim, dut }) => {
      const { apb } = await start(dut, s);
      const sink = SerialSink.fromPrefix(dut, 'uart_tx', dut.clk_i, serialFormat(s));
      const checker = new LineChecker(sim, dut.clk_i, dut.uart_tx_o, s);
      const bytes = [0x55, 0x00, 0xff, 0x7e, 0x7d, 0x81, 0x01, 0x80];
      await Promise.all(bytes.map((b) => apb.write(R.TXDATA, b)));
      const got: Awaited<ReturnType<typeof sink.recv>>[] = [];
      for (const _ of bytes) got.push(await sink.recv());
      expect(got.map((c) => c.value)).toEqual(bytes);
      expect(got.every((c) => !c.framingError && !c.parityError)).toBe(true);
      // Back to back: each start bit one character after the previous one.
      const gaps = got.slice(1).map((c, i) => c.cycle! - got[i]!.cycle!);
      expect(gaps).toEqual(gaps.map(() => charCycles(s)));
      await ClockCycles(dut.clk_i, charCycles(s));
      const { chars, violations } = await checker.finish();
      expect(violations).toEqual([]);
      expect(chars.map((c) => c.value)).toEqual(bytes);
    });
  }

  test('waits one idle character after reset before taking the line (carrier sense)', async ({ sim, dut }) => {
    const { apb } = await start(dut, FAST);
    const sink = SerialSink.fromPrefix(dut, 'uart_tx', dut.clk_i, serialFormat(FAST));
    await apb.write(R.TXDATA, 0x42);
    const first = await sink.recv();
    expect(first.value).toBe(0x42);
    expect(first.cycle).toBeGreaterThanOrEqual(charCycles(FAST));  // idle counted from reset
    expect(sim.perf().cycles).toBeGreaterThan(0);
  });
});

describe('receive', () => {
  test('bytes from a serial source are read in order through RXDATA, with STATUS and LEVEL', async ({ dut }) => {
    const s: LineSettings = { divisor: 2, parity: Parity.Even, stop2: false };
    const { apb, model } = await start(dut, s);
    const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(s));
    const bytes = [0x12, 0x00, 0xff, 0xa5, 0x5a];
    await src.send(...bytes);
    await ClockCycles(dut.clk_i, 4);
    for (const b of bytes) model.receive({ value: b });
    await expectRegs(apb, model);
    for (const b of bytes) {
      expect(await apb.read(R.RXDATA)).toEqual({ data: b, slverr: false });
      model.read(R.RXDATA);
    }
    await expectRegs(apb, model);
    expect(await apb.read(R.RXDATA), 'an empty FIFO reads 0').toEqual({ data: 0, slverr: false });
  });

  test('parity and framing errors set their flags and keep the byte; a break is flagged, not pushed; w1c clears', async ({ dut }) => {
    const s: LineSettings = { divisor: 1, parity: Parity.Odd, stop2: false };
    const { apb, model } = await start(dut, s);
    const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(s));
    const cases = [
      { ch: { value: 0x3c, parityError: true }, flag: 'PARITY' },
      { ch: { value: 0xc3, framingError: true }, flag: 'FRAMING' },
      { ch: { value: 0x00, break: true }, flag: 'BREAK' },
    ] as const;
    for (const { ch, flag } of cases) {
      await src.send(ch, 0x99);  // a good byte after each bad one: the receiver resynchronised
      await ClockCycles(dut.clk_i, 4);
      model.receive(ch);
      model.receive({ value: 0x99 });
      await expectRegs(apb, model);
      expect(model.event(flag), flag).toBe(true);
      const bit = 1 << uartRegs.registers.find((r) => r.name === 'EVENTS')!.fields.find((f) => f.name === flag)!.lsb;
      expect(await apb.write(R.EVENTS, bit)).toEqual(model.write(R.EVENTS, bit));
      expect((await apb.read(R.EVENTS)).data & bit, `${flag} cleared`).toBe(0);
    }
    const want = [0x3c, 0x99, 0xc3, 0x99, 0x99];
    for (const b of want) expect((await apb.read(R.RXDATA)).data).toBe(b);
  });

  test('overflow sets OVERRUN and keeps the first 16 bytes', async ({ dut }) => {
    const { apb, model } = await start(dut, FAST);
    const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(FAST));
    const bytes = Array.from({ length: 19 }, (_, i) => (i * 37 + 5) & 0xff);
    await src.send(...bytes);
    await ClockCycles(dut.clk_i, 4);
    for (const b of bytes) model.receive({ value: b });
    await expectRegs(apb, model);
    expect(model.event('OVERRUN')).toBe(true);
    for (const b of bytes.slice(0, 16)) expect((await apb.read(R.RXDATA)).data).toBe(b);
    expect((await apb.read(R.STATUS)).data & 4, 'RX_AVAIL after draining').toBe(0);
  });
});

describe('loopback and interrupts', () => {
  test('loopback returns TX bytes to RX while the line stays released', async ({ sim, dut }) => {
    const s: LineSettings = { divisor: 2, parity: Parity.Even, stop2: true };
    const { apb } = await start(dut, s);
    await configure(apb, s, true);
    const line = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.uart_tx_o], when: 'change' });
    const bytes = [0x01, 0xfe, 0x7e];
    await Promise.all(bytes.map((b) => apb.write(R.TXDATA, b)));
    await ClockCycles(dut.clk_i, charCycles(s) * 5);
    for (const b of bytes) expect((await apb.read(R.RXDATA)).data).toBe(b);
    line.close();
    const levels: number[] = [];
    for await (const b of line) levels.push(...b.column(dut.uart_tx_o));
    expect(levels, 'uart_tx_o in loopback (its first sample, then every change)').toEqual([1]);
    await ReadOnly();
    expect(dut.uart_tx_o.value).toBe(1);
  });

  test('irq_o follows each enabled STATUS and EVENTS condition', async ({ dut }) => {
    const { apb, model } = await start(dut, FAST);
    const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(FAST));
    const irq = async (what: string): Promise<void> => {
      await ReadOnly();
      expect(dut.irq_o.value === 1, what).toBe(model.irq());
      await ClockCycles(dut.clk_i, 1);
    };
    await irq('all disabled');
    for (const [ie, what] of [[0x01, 'TX_EMPTY'], [0x02, 'RX_AVAIL (empty)']] as const) {
      await apb.write(R.IE, ie);
      model.write(R.IE, ie);
      await irq(what);
    }
    await src.send(0x33);
    await ClockCycles(dut.clk_i, 4);
    model.receive({ value: 0x33 });
    await irq('RX_AVAIL');
    await src.send({ value: 0x10, parityError: false, framingError: true });
    await ClockCycles(dut.clk_i, 4);
    model.receive({ value: 0x10, framingError: true });
    for (const ie of [0x00, 0x08, 0x04, 0x10]) {
      await apb.write(R.IE, ie);
      model.write(R.IE, ie);
      await irq(`IE ${hex(ie)}`);
    }
  });
});
