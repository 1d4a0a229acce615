// Interrupts a firmware can sleep on, each alone and cleared, against the register model: the
// RX FIFO threshold, the TX FIFO threshold, the RX idle timeout (and its exact moment: TIMEOUT.
// CHARS character times after the last character's end), RXDATA.VALID; then the firmware loop
// they exist for: one wake per threshold or frame end, the FIFO drained in one burst of reads.
import { describe, expect } from 'vitest';
import { ApbMaster, ClockCycles, CoverGroup, First, ReadOnly, SampledStream, SerialSource, Until, type Simulator } from '../../bridge/src/index.js';
import { bitCycles, charBits, charCycles, rxDecideCycles, type LineSettings } from '../../models/uart/line.js';
import {
  Parity, UART_EVENTS, UART_FIFOCTL as FIFOCTL, UART_IE, UART_LEVEL as LEVEL, UART_OFFSET as R, UART_RXDATA, UART_STATUS as STATUS,
} from '../../models/uart/uart_pkg.js';
import type { UartModel } from '../../models/uart/uart.js';
import { hexBytes as hex } from '../common/hex.js';
import { loneUartTest, type UartEnv, type UartFixture } from './env.js';
import { FAST, serialFormat } from './serial.js';
import type { UartDut } from './gen/uart.js';

const test = loneUartTest({ simTimeout: [20, 'ms'] });

const cov = new CoverGroup('uart_irq');
const rxThresholds = cov.point<number>('rx_threshold', { zero_acts_as_one: (t) => t === 0, one: (t) => t === 1, between: (t) => t > 1 && t < 16, full: (t) => t === 16 });
const txThresholds = cov.point<number>('tx_threshold', { zero: (t) => t === 0, between: (t) => t > 0 });
const timeouts = cov.point<number>('rx_timeout_chars', { one: (c) => c === 1, several: (c) => c > 1 });
const wakes = cov.point<string>('firmware_wake', { rx_thresh: (w) => w === 'RX_THRESH', rx_timeout: (w) => w === 'RX_TIMEOUT' });
const bursts = cov.point<number>('drain_burst', { partial: (n) => n > 0 && n < 16, whole_fifo: (n) => n >= 8 });

const IE = (f: keyof typeof UART_IE): number => UART_IE[f].mask;
const RX_TIMEOUT = UART_EVENTS.RX_TIMEOUT.mask;
/** What RXDATA reads with `b` at the head of the RX FIFO. */
const popped = (b: number): number => UART_RXDATA.VALID.mask | UART_RXDATA.DATA.put(b);

interface Bench {
  readonly env: UartEnv;
  readonly apb: ApbMaster;
  readonly model: UartModel;
  readonly src: SerialSource;
}

/** The UART (its line programmed in the RTL and the model), then the given registers in both. */
async function setup(uart: UartFixture, s: LineSettings, writes: readonly (readonly [number, number])[]): Promise<Bench> {
  const env = await uart({ settings: s });
  const { apb, model } = env;
  for (const [off, v] of writes) {
    await apb.write(off, v);
    model.write(off, v);
  }
  return { env, apb, model, src: SerialSource.fromPrefix(env.dut, 'uart_rx', env.dut.clk_i, serialFormat(s)) };
}

/** irq_o, STATUS and EVENTS equal the model's. */
async function expectIrq(sim: Simulator<UartDut>, b: Bench, what: string): Promise<void> {
  for (const off of [R.STATUS, R.EVENTS, R.LEVEL]) expect(await b.apb.read(off), `${what}: register 0x${off.toString(16)}`).toEqual(b.model.read(off));
  await ReadOnly();
  expect(sim.dut.irq_o.value, `${what}: irq_o`).toBe(b.model.irq() ? 1 : 0);
  await ClockCycles(sim.dut.clk_i, 1);
}

describe('each interrupt alone, and cleared', () => {
  test('RX_THRESH: irq_o rises with the RXTHR-th character and falls as the FIFO drains below it (0 acts as 1)', async ({ sim, uart }) => {
    for (const thr of [0, 1, 4, 16]) {
      await sim.restart();
      const b = await setup(uart, FAST, [[R.FIFOCTL, FIFOCTL.RXTHR.put(thr)], [R.IE, IE('RX_THRESH')]]);
      await expectIrq(sim, b, `RXTHR ${thr}, empty`);
      const n = Math.max(1, thr);
      for (let k = 0; k < n; k++) {
        await b.src.send(0x40 + k);
        b.model.receive({ value: 0x40 + k });
        await expectIrq(sim, b, `RXTHR ${thr}, ${k + 1} received`);
      }
      expect(sim.dut.irq_o.value, `RXTHR ${thr}: irq_o at the threshold`).toBe(1);
      await b.apb.read(R.RXDATA);
      b.model.read(R.RXDATA);
      await expectIrq(sim, b, `RXTHR ${thr}, one read`);
      expect(sim.dut.irq_o.value, `RXTHR ${thr}: irq_o once below it`).toBe(0);
      rxThresholds.sample(thr);
    }
  });

  test('TX_THRESH: irq_o while the TX FIFO holds at most TXTHR characters; filling it clears it, draining sets it again', async ({ sim, uart }) => {
    const dut = sim.dut;
    for (const thr of [0, 3]) {
      await sim.restart();
      const b = await setup(uart, FAST, [[R.FIFOCTL, FIFOCTL.TXTHR.put(thr)], [R.IE, IE('TX_THRESH')]]);
      await expectIrq(sim, b, `TXTHR ${thr}, empty`);
      // Written within the idle character carrier sense waits after reset: nothing has gone yet.
      await Promise.all(Array.from({ length: 8 }, (_, i) => b.apb.write(R.TXDATA, i)));
      for (let i = 0; i < 8; i++) b.model.write(R.TXDATA, i);
      await expectIrq(sim, b, `TXTHR ${thr}, 8 queued`);
      expect(dut.irq_o.value, `TXTHR ${thr}: irq_o with 8 queued`).toBe(0);
      await Until(dut.clk_i, dut.irq_o, 1);
      const [level, status] = await Promise.all([b.apb.read(R.LEVEL), b.apb.read(R.STATUS)]);
      expect(LEVEL.TX.get(level.data), `TXTHR ${thr}: TX level when irq_o rose`).toBe(thr);
      expect(status.data & STATUS.TX_BUSY.mask, 'a character is still going out (so this is not TX_EMPTY)').not.toBe(0);
      await b.apb.write(R.TXDATA, 0x55);
      await ReadOnly();
      expect(dut.irq_o.value, `TXTHR ${thr}: irq_o after one more write`).toBe(0);
      txThresholds.sample(thr);
    }
  });

  for (const s of [FAST, { divisor: 2, parity: Parity.Even, stop2: true }] as LineSettings[]) {
    test(`RX_TIMEOUT: set once, TIMEOUT.CHARS character times after the last character's end; w1c clears it; the next character restarts the count (${charBits(s)}-bit characters)`, async ({ sim, uart }) => {
      const dut = sim.dut;
      for (const chars of [1, 3]) {
        await sim.restart();
        const b = await setup(uart, s, [[R.TIMEOUT, chars], [R.IE, IE('RX_TIMEOUT')]]);
        const edges = SampledStream.open(sim as Simulator<unknown>, { clock: dut.clk_i, signals: [dut.uart_rx_i, dut.irq_o], when: 'change' });
        const frame = [0x7e, 0x01, 0x05, 0x7e];
        void b.src.send(...frame);
        await Until(dut.clk_i, dut.irq_o, 1);
        await ClockCycles(dut.clk_i, 1);  // a stream samples before each edge: one more shows irq_o high
        edges.close();
        let firstStart = -1;
        let rise = 0;
        for await (const batch of edges) {
          const [rx, irq] = [batch.column(dut.uart_rx_i), batch.column(dut.irq_o)];
          batch.cycles.forEach((c, i) => {
            if (rx[i] === 0 && firstStart < 0) firstStart = c;
            if (irq[i] === 1 && !rise) rise = c;
          });
        }
        // The serial source follows each character with one idle bit.
        const lastStart = firstStart + (frame.length - 1) * (charBits(s) + 1) * bitCycles(s);
        // A tick and the synchronizer of latency.
        const wait = rise - (lastStart + rxDecideCycles(s) + chars * charCycles(s));
        expect(wait, `cycles past ${chars} idle character(s) after the last one's end`).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThanOrEqual(s.divisor + 4);
        for (const v of frame) b.model.receive({ value: v });
        b.model.lineIdle();
        await expectIrq(sim, b, `${chars} idle characters`);
        await b.apb.write(R.EVENTS, RX_TIMEOUT);
        b.model.write(R.EVENTS, RX_TIMEOUT);
        await expectIrq(sim, b, 'cleared');
        await ClockCycles(dut.clk_i, (chars + 2) * charCycles(s));
        await expectIrq(sim, b, 'still idle: not again');
        await b.src.send(0x11);  // resolves after the character and an idle bit
        b.model.receive({ value: 0x11 });
        const sinceEnd = charCycles(s) + bitCycles(s) - rxDecideCycles(s);
        await ClockCycles(dut.clk_i, chars * charCycles(s) - sinceEnd - bitCycles(s));
        await expectIrq(sim, b, 'a new character, not yet idle long enough');
        await ClockCycles(dut.clk_i, 2 * bitCycles(s));
        b.model.lineIdle();
        await expectIrq(sim, b, 'again after the new character');
        timeouts.sample(chars);
      }
    });
  }

  test('RX_TIMEOUT: not with the FIFO drained before it, not with CHARS = 0, not while characters keep coming', async ({ sim, uart }) => {
    const dut = sim.dut;
    const b = await setup(uart, FAST, [[R.TIMEOUT, 2], [R.IE, IE('RX_TIMEOUT')]]);
    await b.src.send(0x01, 0x02);
    expect(await b.env.uart.drain()).toEqual([0x01, 0x02]);
    await ClockCycles(dut.clk_i, 4 * charCycles(FAST));
    expect((await b.apb.read(R.EVENTS)).data, 'drained in time').toBe(0);
    for (let k = 0; k < 4; k++) {
      await b.src.send(k);
      await ClockCycles(dut.clk_i, charCycles(FAST));  // gaps below the timeout
      expect((await b.apb.read(R.EVENTS)).data, `character ${k} within the timeout`).toBe(0);
    }
    await b.apb.write(R.TIMEOUT, 0);
    await b.src.send(0x21, 0x22, 0x23);  // characters starting and ending with data waiting
    await ClockCycles(dut.clk_i, 300 * charCycles(FAST));
    expect((await b.apb.read(R.EVENTS)).data, 'CHARS = 0: never').toBe(0);
    await ReadOnly();
    expect(dut.irq_o.value).toBe(0);
  });

  test('RX_TIMEOUT: once per idle stretch, however long (past the 16-bit idle count)', async ({ sim, uart }) => {
    const b = await setup(uart, FAST, [[R.TIMEOUT, 1], [R.IE, IE('RX_TIMEOUT')]]);
    await b.src.send(0x5a);
    await ClockCycles(sim.dut.clk_i, 2 * charCycles(FAST));
    expect((await b.apb.read(R.EVENTS)).data, 'after one idle character').toBe(RX_TIMEOUT);
    await b.apb.write(R.EVENTS, RX_TIMEOUT);
    await ClockCycles(sim.dut.clk_i, 70_000);  // more than 2^16 ticks at divisor 1
    expect((await b.apb.read(R.EVENTS)).data, 'the data still waiting, the line still idle').toBe(0);
  });

  test('RXDATA.VALID: a burst of reads gives VALID with each character, then VALID 0 and DATA 0', async ({ sim, uart }) => {
    const b = await setup(uart, FAST, []);
    const bytes = [0x00, 0xff, 0x7e, 0x7d, 0x42];
    await b.src.send(...bytes);
    const got = await Promise.all(Array.from({ length: 8 }, () => b.apb.read(R.RXDATA)));
    expect(got.map((r) => r.data)).toEqual([...bytes.map((v) => popped(v)), 0, 0, 0]);
  });
});

describe('the firmware loop the interrupts are for', () => {
  test('sleeping on irq_o: one wake per RX threshold and per frame end, each drained in one burst of reads', async ({ sim, uart }) => {
    const dut = sim.dut;
    const s: LineSettings = { divisor: 2, parity: Parity.None, stop2: false };
    const b = await setup(uart, s, [[R.FIFOCTL, FIFOCTL.RXTHR.put(8)], [R.TIMEOUT, 2], [R.IE, IE('RX_THRESH') | IE('RX_TIMEOUT')]]);
    const frameA = Array.from({ length: 20 }, (_, i) => (i * 29 + 7) & 0xff);
    const frameB = [0x7e, 0x11, 0x22, 0x7e, 0x33];
    void b.src.send(...frameA).then(async () => {
      await ClockCycles(dut.clk_i, 6 * charCycles(s));
      await b.src.send(...frameB);
    });
    const got: number[] = [];
    const causes: string[] = [];
    const total = frameA.length + frameB.length;
    while (got.length < total) {
      const woke = await First(Until(dut.clk_i, dut.irq_o, 1), ClockCycles(dut.clk_i, 60 * charCycles(s)));
      expect(woke.index, `woken (after ${got.length} of ${total} characters)`).toBe(0);
      const events = (await b.apb.read(R.EVENTS)).data;
      const cause = events & RX_TIMEOUT ? 'RX_TIMEOUT' : 'RX_THRESH';
      const burst = await b.env.uart.drain();
      if (events & RX_TIMEOUT) await b.apb.write(R.EVENTS, RX_TIMEOUT);
      causes.push(`${cause}:${burst.length}`);
      wakes.sample(cause);
      bursts.sample(burst.length);
      got.push(...burst);
    }
    expect(hex(got)).toBe(hex([...frameA, ...frameB]));
    // Frame A: two threshold wakes of 8, its tail at the timeout; frame B (below the threshold) at its timeout.
    expect(causes).toEqual(['RX_THRESH:8', 'RX_THRESH:8', 'RX_TIMEOUT:4', 'RX_TIMEOUT:5']);
  });
});

describe('coverage', () => {
  test('coverage: every interrupt bin was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
