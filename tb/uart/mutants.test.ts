// Tests that the mutation run of the UART (make mutate BLOCK=uart, reports/mutation/uart.md)
// showed missing: each kills mutants the other testbenches let live. A reset in the middle of a
// run brings every register back (a register whose next value kept its last write would not);
// a w1c write clears exactly the flags written 1; the parity bit is the majority of its ticks
// 6-8 whatever the line does after them.
import { expect } from 'vitest';
import { ClockCycles, SerialSource, type SignalHandle } from '../../bridge/src/index.js';
import { charCycles, frameBits, type LineSettings } from '../../models/uart/line.js';
import { Parity, UART_EVENTS as EVENTS, UART_OFFSET as R, uartRegs } from '../../models/uart/uart_pkg.js';
import { UartModel, type UartEvent } from '../../models/uart/uart.js';
import { hex } from '../common/hex.js';
import { loneUartTest } from './env.js';
import { serialFormat } from './serial.js';

const test = loneUartTest({ simTimeout: [5, 'ms'] });
const BIT = 16;  // cycles per bit at divisor 1
const EVEN: LineSettings = { divisor: 1, parity: Parity.Even, stop2: false };
const ALL_EVENTS = ['OVERRUN', 'FRAMING', 'PARITY', 'BREAK', 'COLLISION'] as const satisfies readonly UartEvent[];

/** Drives a line input through (level, cycles) steps, one round trip each. */
async function drive(clk: SignalHandle<number>, line: SignalHandle<number>, steps: readonly (readonly [number, number])[]): Promise<void> {
  for (const [level, cycles] of steps) {
    line.value = level;
    await ClockCycles(clk, cycles);
  }
}

test('a reset in the middle of a run: every register, every event flag and the FIFOs back at their reset values', async ({ dut, bench, uart }) => {
  const env = await uart({ keepResetValues: true });
  const { apb } = env;
  // Every rw field away from its reset value, and events raised, before the reset.
  await env.uart.configure(EVEN);
  const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(EVEN));
  for (const ch of [{ value: 0x10, parityError: true }, { value: 0x20, framingError: true }, { value: 0, break: true }]) await src.send(ch);
  await src.send(...Array.from({ length: 17 }, (_, i) => i));  // one past the RX FIFO: OVERRUN
  const raised = EVENTS.OVERRUN.mask | EVENTS.FRAMING.mask | EVENTS.PARITY.mask | EVENTS.BREAK.mask;
  expect((await apb.read(R.EVENTS)).data & raised, 'EVENTS before the reset').toBe(raised);
  for (const [off, v] of [[R.DIV, 0x1234], [R.IE, 0x3ff], [R.FIFOCTL, 0x0304], [R.TIMEOUT, 0x7], [R.LCR, 0x1d]] as const) await apb.write(off, v);
  src.close();
  await bench().reset();
  const fresh = new UartModel();
  for (const r of uartRegs.registers) {
    expect(await apb.read(r.offset), `${r.name} @ ${hex(r.offset)} after the reset`).toEqual(fresh.read(r.offset));
  }
});

test('w1c: each event flag cleared alone leaves the others set, and EVENTS as the model says after every write', async ({ dut, uart }) => {
  const env = await uart({ settings: EVEN });
  const { apb, model } = env;
  const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(EVEN));
  for (const ch of [{ value: 0x10, parityError: true }, { value: 0x20, framingError: true }, { value: 0, break: true }, ...Array.from({ length: 15 }, (_, i) => ({ value: i }))]) {
    await src.send(ch);
    model.receive(ch);
  }
  await src.send(0x55);  // the 17th character: OVERRUN
  model.receive({ value: 0x55 });
  // A collision: another sender's start bit while this UART drives the 1s of 0xff (it waits a
  // character after the last one received, carrier sense, then sends).
  await apb.write(R.TXDATA, 0xff);
  model.write(R.TXDATA, 0xff);
  model.transmit();
  await ClockCycles(dut.clk_i, charCycles(EVEN) + 3 * BIT);
  await src.send(0x00);
  model.collide();
  model.receive({ value: 0x00 });  // the RX FIFO is full: OVERRUN again
  expect((await apb.read(R.EVENTS)).data, 'EVENTS with every flag raised').toBe(model.read(R.EVENTS).data);
  expect(ALL_EVENTS.every((e) => model.event(e))).toBe(true);
  for (const e of ALL_EVENTS) {
    await apb.write(R.EVENTS, EVENTS[e].mask);
    model.write(R.EVENTS, EVENTS[e].mask);
    expect((await apb.read(R.EVENTS)).data, `EVENTS after clearing ${e} alone`).toBe(model.read(R.EVENTS).data);
  }
  expect((await apb.read(R.EVENTS)).data).toBe(0);
});

test('the parity bit is the majority of its ticks 6-8: a glitch on tick 6 and the next bit early change nothing', async ({ dut, uart }) => {
  const env = await uart({ settings: EVEN });
  const { apb } = env;
  // 0x00 with even parity: start and eight data bits low, then the parity bit (0) with the line
  // high on its tick 6 and from its tick 12 on (the stop bit of a sender running fast).
  const bits = frameBits(0x00, EVEN);
  expect(bits.slice(0, 10)).toEqual(Array(10).fill(0));
  await drive(dut.clk_i, dut.uart_rx_i, [[0, 9 * BIT], [0, 6], [1, 1], [0, 5], [1, 4], [1, 4 * BIT]]);
  expect(await env.uart.drain()).toEqual([0x00]);
  expect((await apb.read(R.EVENTS)).data, 'EVENTS: no parity error').toBe(0);
});
