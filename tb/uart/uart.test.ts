// Directed tests of one UART: registers, the line format it sends and receives, each error
// flag, FIFO limits, loopback and interrupts, against the register-level model.
import { describe, expect } from 'vitest';
import { ClockCycles, CoverGroup, ReadOnly, SampledStream, SerialSink, SerialSource } from '../../bridge/src/index.js';
import { bits } from '../../models/common/regmap.js';
import { bitCycles, charCycles, frameBits, type LineSettings } from '../../models/uart/line.js';
import { lcrValue } from '../../models/uart/uart_driver.js';
import {
  Parity, UART_EVENTS as EVENTS, UART_IE as IE, UART_OFFSET as R, UART_RXDATA as RXDATA, UART_STATUS as STATUS, uartRegs,
} from '../../models/uart/uart_pkg.js';
import type { UartEvent } from '../../models/uart/uart.js';
import { loneUartTest, type UartEnv } from './env.js';
import { FAST, serialFormat } from './serial.js';
import { hex } from '../common/hex.js';

const test = loneUartTest({ simTimeout: [5, 'ms'] });
const slow = loneUartTest({ simTimeout: [150, 'ms'] });
/** What RXDATA reads with `b` at the head of the RX FIFO. */
const popped = (b: number): number => RXDATA.VALID.mask | RXDATA.DATA.put(b);

const cov = new CoverGroup('uart');
const divisors = cov.point<number>('divisor', { min: (d) => d <= 1, typical: (d) => d > 1 && d < 0xffff, max: (d) => d === 0xffff });
const parities = cov.point<Parity>('parity', { none: (p) => p === Parity.None, even: (p) => p === Parity.Even, odd: (p) => p === Parity.Odd });
const stops = cov.point<boolean>('stop_bits', { one: (s) => !s, two: (s) => s });
const flags = cov.point<number>('events', {
  overrun: (e) => (e & EVENTS.OVERRUN.mask) !== 0, framing: (e) => (e & EVENTS.FRAMING.mask) !== 0, parity: (e) => (e & EVENTS.PARITY.mask) !== 0,
  break: (e) => (e & EVENTS.BREAK.mask) !== 0, collision: (e) => (e & EVENTS.COLLISION.mask) !== 0,
});
const fifo = cov.point<number>('fifo', {
  tx_empty: (st) => (st & STATUS.TX_EMPTY.mask) !== 0, tx_full: (st) => (st & STATUS.TX_FULL.mask) !== 0,
  rx_empty: (st) => (st & STATUS.RX_AVAIL.mask) === 0, rx_full: (st) => (st & STATUS.RX_FULL.mask) !== 0,
});
const backToBack = cov.point<number>('back_to_back', { frames: (n) => n > 0 });

/** Counts the line settings once characters moved with them. */
function covered(s: LineSettings): void {
  divisors.sample(s.divisor);
  parities.sample(s.parity);
  stops.sample(s.stop2);
}

/** Every register read through APB equals the model's (the environment's check), sampled for coverage. */
async function expectRegs(env: UartEnv, skip?: string[]): Promise<void> {
  const seen = await env.expectRegs(skip);
  if (seen.has('STATUS')) fifo.sample(seen.get('STATUS')!);
  if (seen.has('EVENTS')) flags.sample(seen.get('EVENTS')!);
}

describe('registers', () => {
  test('reset values, rw registers, write-only TXDATA and holes answer as the model', async ({ uart }) => {
    const env = await uart({ keepResetValues: true });
    const { apb, model } = env;
    await expectRegs(env, []);
    for (const [off, v] of [[R.DIV, 0xffff], [R.LCR, 0xff], [R.IE, 0xffff], [R.FIFOCTL, 0xffff], [R.TIMEOUT, 0xffff], [R.DIV, 0x1234], [R.LCR, 0x5], [R.IE, 0x2a5], [R.FIFOCTL, 0x0304], [R.TIMEOUT, 0x7], [R.STATUS, 0xff], [R.LEVEL, 0xffff]] as const) {
      expect(await apb.write(off, v), `write ${hex(off)}`).toEqual(model.write(off, v));
      expect(await apb.read(off), `read back ${hex(off)}`).toEqual(model.read(off));
    }
    for (const off of [0x28, 0x80, 0xfc]) expect((await apb.read(off)).slverr, `hole ${hex(off)}`).toBe(true);
  });
});

describe('transmit', () => {
  for (const s of [FAST, { divisor: 3, parity: Parity.Even, stop2: true }, { divisor: 2, parity: Parity.Odd, stop2: false }] as LineSettings[]) {
    test(`sends queued bytes back to back in the programmed format (div ${s.divisor}, parity ${Parity[s.parity]}, ${s.stop2 ? 2 : 1} stop)`, async ({ dut, uart }) => {
      const env = await uart({ settings: s, check: dut.uart_tx_o });
      const { apb } = env;
      const sink = SerialSink.fromPrefix(dut, 'uart_tx', dut.clk_i, serialFormat(s));
      const bytes = [0x55, 0x00, 0xff, 0x7e, 0x7d, 0x81, 0x01, 0x80];
      await Promise.all(bytes.map((b) => apb.write(R.TXDATA, b)));
      const got: Awaited<ReturnType<typeof sink.recv>>[] = [];
      for (const _ of bytes) got.push(await sink.recv());
      expect(got.map((c) => c.value)).toEqual(bytes);
      expect(got.every((c) => !c.framingError && !c.parityError)).toBe(true);
      // Back to back: each start bit one character after the previous one.
      const gaps = got.slice(1).map((c, i) => c.cycle! - got[i]!.cycle!);
      expect(gaps).toEqual(gaps.map(() => charCycles(s)));
      backToBack.sample(gaps.length);
      covered(s);
      await ClockCycles(dut.clk_i, charCycles(s));
      const chars = await env.finish();
      expect(chars.map((c) => c.value)).toEqual(bytes);
    });
  }

  test('waits one idle character after reset before taking the line (carrier sense)', async ({ sim, dut, uart }) => {
    const { apb } = await uart({ settings: FAST });
    const sink = SerialSink.fromPrefix(dut, 'uart_tx', dut.clk_i, serialFormat(FAST));
    await apb.write(R.TXDATA, 0x42);
    const first = await sink.recv();
    expect(first.value).toBe(0x42);
    expect(first.cycle).toBeGreaterThanOrEqual(charCycles(FAST));  // idle counted from reset
    expect(sim.perf().cycles).toBeGreaterThan(0);
  });
});

describe('receive', () => {
  test('bytes from a serial source are read in order through RXDATA, with STATUS and LEVEL', async ({ dut, uart }) => {
    const s: LineSettings = { divisor: 2, parity: Parity.Even, stop2: false };
    const env = await uart({ settings: s });
    const { apb, model } = env;
    const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(s));
    covered(s);
    const bytes = [0x12, 0x00, 0xff, 0xa5, 0x5a];
    await src.send(...bytes);
    await ClockCycles(dut.clk_i, 4);
    for (const b of bytes) model.receive({ value: b });
    await expectRegs(env);
    for (const b of bytes) {
      expect(await apb.read(R.RXDATA), 'RXDATA: VALID with the character').toEqual({ data: popped(b), slverr: false });
      model.read(R.RXDATA);
    }
    await expectRegs(env);
    expect(await apb.read(R.RXDATA), 'an empty FIFO reads 0').toEqual({ data: 0, slverr: false });
  });

  test('parity and framing errors set their flags and keep the byte; a break is flagged, not pushed; w1c clears', async ({ dut, uart }) => {
    const s: LineSettings = { divisor: 1, parity: Parity.Odd, stop2: false };
    const env = await uart({ settings: s });
    const { apb, model } = env;
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
      await expectRegs(env);
      expect(model.event(flag), flag).toBe(true);
      const bit = EVENTS[flag].mask;
      expect(await apb.write(R.EVENTS, bit)).toEqual(model.write(R.EVENTS, bit));
      expect((await apb.read(R.EVENTS)).data & bit, `${flag} cleared`).toBe(0);
    }
    const want = [0x3c, 0x99, 0xc3, 0x99, 0x99];
    for (const b of want) expect((await apb.read(R.RXDATA)).data).toBe(popped(b));
  });

  test('overflow sets OVERRUN and keeps the first 16 bytes', async ({ dut, uart }) => {
    const env = await uart({ settings: FAST });
    const { apb, model } = env;
    const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(FAST));
    const bytes = Array.from({ length: 19 }, (_, i) => (i * 37 + 5) & 0xff);
    await src.send(...bytes);
    await ClockCycles(dut.clk_i, 4);
    for (const b of bytes) model.receive({ value: b });
    await expectRegs(env);
    expect(model.event('OVERRUN')).toBe(true);
    for (const b of bytes.slice(0, 16)) expect((await apb.read(R.RXDATA)).data).toBe(popped(b));
    expect((await apb.read(R.STATUS)).data & STATUS.RX_AVAIL.mask, 'RX_AVAIL after draining').toBe(0);
    expect((await apb.read(R.RXDATA)).data, 'an empty FIFO reads 0, not its stale head entry').toBe(0);
  });
});

describe('limits', () => {
  test('a full TX FIFO drops the 17th write and sets TX_FULL; the 16 queued go out in order', async ({ dut, uart }) => {
    const s: LineSettings = { divisor: 8, parity: Parity.None, stop2: true };
    const env = await uart({ settings: s });
    const { apb, model } = env;
    const sink = SerialSink.fromPrefix(dut, 'uart_tx', dut.clk_i, serialFormat(s));
    const bytes = Array.from({ length: 17 }, (_, i) => 0xa0 + i);
    await Promise.all(bytes.map((b) => apb.write(R.TXDATA, b)));
    for (const b of bytes) model.write(R.TXDATA, b);
    await expectRegs(env);  // before the idle character after reset has passed
    for (const b of bytes.slice(0, 16)) expect((await sink.recv()).value).toBe(b);
    await ClockCycles(dut.clk_i, charCycles(s));
    expect(STATUS.TX_EMPTY.get((await apb.read(R.STATUS)).data), 'TX_EMPTY at the end').toBe(1);
  });

  test('another sender pulling the line low while this UART drives 1: collision, line released, TX FIFO flushed, its character received', async ({ sim, dut, uart }) => {
    const env = await uart({ settings: FAST });
    const { apb, model } = env;
    const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(FAST));
    const line = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.uart_tx_o], when: 'change' });
    await Promise.all([0xff, 0xfe, 0xfd].map((b) => apb.write(R.TXDATA, b)));
    await ClockCycles(dut.clk_i, charCycles(FAST) + 4 * 16);  // into the first character's data bits
    await src.send(0x00);
    await ClockCycles(dut.clk_i, 32);
    model.collide();
    model.receive({ value: 0x00 });
    await expectRegs(env);
    expect((await apb.read(R.RXDATA)).data).toBe(popped(0x00));
    line.close();
    const levels: number[] = [];
    const cycles: number[] = [];
    for await (const b of line) {
      levels.push(...b.column(dut.uart_tx_o));
      cycles.push(...b.cycles);
    }
    // Start bit, data bit 0 (a 1 of 0xff), released for good on the first mismatch.
    expect(levels).toEqual([1, 0, 1]);
  });
});

describe('loopback and interrupts', () => {
  test('loopback returns TX bytes to RX while the line stays released', async ({ sim, dut, uart }) => {
    const s: LineSettings = { divisor: 2, parity: Parity.Even, stop2: true };
    const env = await uart({ settings: s });
    const { apb } = env;
    await env.uart.configure(s, { loopback: true });
    const line = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.uart_tx_o], when: 'change' });
    const bytes = [0x01, 0xfe, 0x7e];
    await Promise.all(bytes.map((b) => apb.write(R.TXDATA, b)));
    await ClockCycles(dut.clk_i, charCycles(s) * 5);
    for (const b of bytes) expect((await apb.read(R.RXDATA)).data).toBe(popped(b));
    line.close();
    const levels: number[] = [];
    for await (const b of line) levels.push(...b.column(dut.uart_tx_o));
    expect(levels, 'uart_tx_o in loopback (its first sample, then every change)').toEqual([1]);
    await ReadOnly();
    expect(dut.uart_tx_o.value).toBe(1);
  });

  test('irq_o follows each enabled STATUS and EVENTS condition', async ({ dut, uart }) => {
    const env = await uart({ settings: FAST });
    const { apb, model } = env;
    const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(FAST));
    const irq = async (what: string): Promise<void> => {
      await ReadOnly();
      expect(dut.irq_o.value === 1, what).toBe(model.irq());
      await ClockCycles(dut.clk_i, 1);
    };
    await irq('all disabled');
    for (const [ie, what] of [[IE.TX_EMPTY.mask, 'TX_EMPTY'], [IE.RX_AVAIL.mask, 'RX_AVAIL (empty)']] as const) {
      await apb.write(R.IE, ie);
      model.write(R.IE, ie);
      await irq(what);
    }
    await src.send(0x33);
    await ClockCycles(dut.clk_i, 4);
    model.receive({ value: 0x33 });
    await irq('RX_AVAIL');
    // Every event at once: parity, framing, break, overrun (from the source) and a collision
    // (the source pulls the line low while this UART sends 0xff).
    const s: LineSettings = { divisor: 1, parity: Parity.Even, stop2: false };
    await env.uart.configure(s);
    model.write(R.LCR, lcrValue(s));
    const even = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(s));
    src.close();
    for (const ch of [{ value: 0x10, parityError: true }, { value: 0x20, framingError: true }, { value: 0, break: true }]) {
      await even.send(ch);
      await ClockCycles(dut.clk_i, 16);
      model.receive(ch);
    }
    const fill = Array.from({ length: 16 }, (_, i) => i);
    await even.send(...fill);
    for (const b of fill) model.receive({ value: b });
    await apb.write(R.TXDATA, 0xff);
    await ClockCycles(dut.clk_i, charCycles(s) + 16 * 3);  // past carrier sense (a character and a stop bit), into the data bits
    await even.send(0x00);
    await ClockCycles(dut.clk_i, 16);
    model.write(R.TXDATA, 0xff);
    model.transmit();
    model.collide();
    await expectRegs(env);
    expect(['OVERRUN', 'FRAMING', 'PARITY', 'BREAK', 'COLLISION'].every((e) => model.event(e as UartEvent))).toBe(true);
    // Each enable alone, then each flag cleared under its own enable.
    for (const f of uartRegs.registers.find((r) => r.name === 'IE')!.fields) {
      await apb.write(R.IE, bits(f.lsb, f.width).mask);
      model.write(R.IE, bits(f.lsb, f.width).mask);
      await irq(`IE.${f.name} alone`);
    }
    for (const [ie, ev] of (['OVERRUN', 'FRAMING', 'PARITY', 'BREAK', 'COLLISION'] as const).map((f) => [IE[f].mask, EVENTS[f].mask] as const)) {
      await apb.write(R.IE, ie);
      model.write(R.IE, ie);
      await apb.write(R.EVENTS, ev);
      model.write(R.EVENTS, ev);
      await irq(`IE ${hex(ie)} after clearing EVENTS ${hex(ev)}`);
      expect(dut.irq_o.value, `irq_o once EVENTS ${hex(ev)} is cleared`).toBe(0);
    }
  });
});

describe('divisor extremes and coverage', () => {
  slow('the largest divisor (65535) receives a character on its bit grid', async ({ dut, uart }) => {
    // A bit of 1,048,560 cycles is beyond the serial transactors (16.16 fixed point), so the
    // line is driven bit by bit, one round trip per bit; the receiver shares its tick with the
    // transmitter, whose bit grid the line checker times at other divisors.
    const s: LineSettings = { divisor: 0xffff, parity: Parity.Odd, stop2: false };
    const { apb } = await uart({ settings: s });
    expect(() => SerialSink.fromPrefix(dut, 'uart_tx', dut.clk_i, serialFormat(s))).toThrow(/too long for the serial transactors/);
    for (const bit of frameBits(0x69, s)) {
      dut.uart_rx_i.value = bit;
      await ClockCycles(dut.clk_i, bitCycles(s));
    }
    expect((await apb.read(R.RXDATA)).data).toBe(popped(0x69));
    expect((await apb.read(R.EVENTS)).data).toBe(0);
    covered(s);
  });

  test('a large divisor (500) transmits on its bit grid (line checker)', async ({ dut, uart }) => {
    const s: LineSettings = { divisor: 500, parity: Parity.Even, stop2: true };
    const env = await uart({ settings: s, check: dut.uart_tx_o });
    await env.apb.write(R.TXDATA, 0xb4);
    await ClockCycles(dut.clk_i, 3 * charCycles(s));
    const chars = await env.finish();
    expect(chars).toMatchObject([{ value: 0xb4, framingError: false, parityError: false }]);
    expect(chars[0]!.start, 'after the idle character that follows reset').toBeGreaterThanOrEqual(charCycles(s));
  });

  test('a divisor of 0 acts as 1', async ({ dut, uart }) => {
    const { apb } = await uart({ settings: { divisor: 0, parity: Parity.None, stop2: false } });
    const sink = SerialSink.fromPrefix(dut, 'uart_tx', dut.clk_i, serialFormat(FAST));
    await apb.write(R.TXDATA, 0x3c);
    expect(await sink.recv()).toMatchObject({ value: 0x3c, framingError: false });
  });

  test('coverage: every UART bin was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
