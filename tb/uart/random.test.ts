// Randomized UART tests (fast-check, seeded by the fixture: SEED=… replays, failures shrink and
// leave a waveform): TX → wired-AND line → RX at random settings, RX under baud skew within and
// beyond tolerance, and random streams with injected errors and overflow against the model.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ClockCycles, SerialSource, simProperty, type Simulator } from '../../bridge/src/index.js';
import { wavePath } from '../../bridge/src/vitest.js';
import { bitCycles, charCycles, type LineSettings } from '../../models/uart/line.js';
import { Parity, UART_EVENTS as EVENTS, UART_LEVEL as LEVEL, UART_OFFSET as R } from '../../models/uart/uart_pkg.js';
import type { RxChar } from '../../models/uart/uart.js';
import { busUartTest, loneUartTest, type UartEnv, type UartFixture } from './env.js';
import { serialFormat } from './serial.js';
import type { UartDut } from './gen/uart.js';
import { hexBytes as hex } from '../common/hex.js';

const one = loneUartTest({ simTimeout: [20, 'ms'] });
const bus = busUartTest({ simTimeout: [20, 'ms'] });

const settingsArb: fc.Arbitrary<LineSettings> = fc.record({
  divisor: fc.integer({ min: 1, max: 6 }),
  parity: fc.constantFrom(Parity.None, Parity.Even, Parity.Odd),
  stop2: fc.boolean(),
});
const bytesArb = fc.array(fc.nat(255), { minLength: 1, maxLength: 16 });
const wavesDir = (file: string, name: string): string => path.dirname(wavePath(file, name));

describe('TX → line → RX', () => {
  bus('random bytes at random settings reach both other UARTs intact; the sender hears nothing back', async ({ sim, uarts, seed, task }) => {
    const dut = sim.dut;
    const check = async ([s, bytes]: [LineSettings, number[]]): Promise<void> => {
      const envs = await uarts([0, 1, 2].map((i) => ({ prefix: `apb${i}`, settings: s, ...(i === 0 ? { check: dut.line_o } : {}) })));
      const apbs = envs.map((e) => e.apb);
      await envs[0]!.uart.send(bytes);
      await ClockCycles(dut.clk_i, (bytes.length + 2) * charCycles(s));
      const chars = await envs[0]!.finish();
      expect(hex(chars.map((c) => c.value)), 'characters on the line').toBe(hex(bytes));
      for (const i of [1, 2]) {
        const levels = (await apbs[i]!.read(R.LEVEL)).data;
        expect(LEVEL.RX.get(levels), `UART${i} RX level`).toBe(bytes.length);
        expect(hex(await envs[i]!.uart.drain()), `UART${i} received`).toBe(hex(bytes));
        expect((await apbs[i]!.read(R.EVENTS)).data, `UART${i} EVENTS`).toBe(0);
      }
      expect((await apbs[0]!.read(R.LEVEL)).data, 'sender FIFO levels (TX drained, no echo)').toBe(0);
    };
    await simProperty(sim as Simulator<unknown>, fc.tuple(settingsArb, bytesArb), check, { seed, numRuns: 25, wavesDir: wavesDir(task.file.filepath, task.name) });
  });
});

/** A serial source on uart_rx_i at `skew`, then `bytes`; returns what RXDATA holds afterwards. */
async function receiveSkewed(uart: UartFixture, s: LineSettings, skew: number, bytes: number[]): Promise<{ env: UartEnv; got: number[]; events: number }> {
  const env = await uart({ settings: s });
  const dut = env.dut as UartDut;
  const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(s, skew));
  await src.send(...bytes);
  // A receiver that lost the bit grid may be inside a character that began on a data edge.
  await ClockCycles(dut.clk_i, charCycles(s) + bitCycles(s) * 2);
  src.close();
  const got = await env.uart.drain();
  return { env, got, events: await env.uart.events() };
}

describe('baud skew', () => {
  one('within ±3 %: every byte arrives, no error flag', async ({ sim, uart, seed, task }) => {
    const skewArb = fc.double({ min: -0.03, max: 0.03, noNaN: true });
    await simProperty(sim as Simulator<unknown>, fc.tuple(settingsArb, skewArb, bytesArb), async ([s, skew, bytes]) => {
      const { got, events } = await receiveSkewed(uart, s, skew, bytes);
      expect(hex(got), `received at ${(skew * 100).toFixed(2)} % skew`).toBe(hex(bytes));
      expect(events, 'EVENTS').toBe(0);
    }, { seed, numRuns: 25, wavesDir: wavesDir(task.file.filepath, task.name) });
  });

  one('beyond ±5 %: no hang or lock-up, and the receiver resynchronises on the next idle line', async ({ sim, uart, seed, task }) => {
    const skewArb = fc.oneof(fc.double({ min: 0.06, max: 0.15, noNaN: true }), fc.double({ min: -0.15, max: -0.06, noNaN: true }));
    await simProperty(sim as Simulator<unknown>, fc.tuple(settingsArb, skewArb, bytesArb, bytesArb), async ([s, skew, noise, good]) => {
      const dut = sim.dut;
      const { env } = await receiveSkewed(uart, s, skew, noise);  // whatever arrived is drained
      const { apb } = env;
      await apb.write(R.EVENTS, EVENTS.OVERRUN.mask | EVENTS.FRAMING.mask | EVENTS.PARITY.mask | EVENTS.BREAK.mask | EVENTS.COLLISION.mask);
      const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(s));
      await src.send(...good);
      await ClockCycles(dut.clk_i, bitCycles(s) * 2);
      expect(hex(await env.uart.drain()), `after ${(skew * 100).toFixed(2)} % skew, then a good stream`).toBe(hex(good));
      expect((await apb.read(R.EVENTS)).data, 'EVENTS after the good stream').toBe(0);
    }, { seed, numRuns: 20, wavesDir: wavesDir(task.file.filepath, task.name) });
  });
});

describe('errors and overflow', () => {
  const charArb: fc.Arbitrary<RxChar> = fc.oneof(
    { weight: 6, arbitrary: fc.nat(255).map((value) => ({ value })) },
    { weight: 1, arbitrary: fc.nat(255).map((value) => ({ value, parityError: true })) },
    { weight: 1, arbitrary: fc.nat(255).map((value) => ({ value, framingError: true })) },
    { weight: 1, arbitrary: fc.constant({ value: 0, break: true }) },
  );

  one('random characters with injected parity/framing errors and breaks, up to overflow, match the model', async ({ sim, uart, seed, task }) => {
    await simProperty(sim as Simulator<unknown>, fc.tuple(settingsArb.map((s) => ({ ...s, parity: s.parity === Parity.None ? Parity.Even : s.parity })), fc.array(charArb, { minLength: 1, maxLength: 24 })), async ([s, chars]) => {
      const dut = sim.dut;
      const env = await uart({ settings: s });
      const { apb, model } = env;
      const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(s));
      for (const ch of chars) {
        // A bad stop bit leaves the receiver waiting for an idle line: give it one bit.
        if (ch.framingError || ch.break) {
          await src.send(ch);
          await ClockCycles(dut.clk_i, bitCycles(s));
        } else {
          void src.send(ch);
        }
        model.receive(ch);
      }
      await src.send();
      await ClockCycles(dut.clk_i, bitCycles(s) * 2);
      for (const off of [R.STATUS, R.LEVEL, R.EVENTS]) {
        expect(await apb.read(off), `register 0x${off.toString(16)} after ${chars.length} characters`).toEqual(model.read(off));
      }
      const want = [...model.rxFifo];
      expect(hex(await env.uart.drain()), 'RX FIFO').toBe(hex(want));
    }, { seed, numRuns: 25, wavesDir: wavesDir(task.file.filepath, task.name) });
  });
});
