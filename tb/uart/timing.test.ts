// Cycle-exact tests at the smallest divisor (a tick every cycle), where the line is driven or
// read one cycle at a time: the receiver's sample points (ticks 6, 7, 8 and their majority),
// its start-bit glitch filter, hunting from the stop bit's decision tick, the transmitter's
// collision sample point (tick 8) and its stop-bit release read-back, the reset level of the
// line, carrier sense while the line is held low, the exact carrier-sense window, own
// back-to-back characters after a pause, the loser of an arbitration, TX_EMPTY while sending,
// point to point without carrier sense. Offsets are in cycles from the edge after which the test drove the start edge: the
// receiver sees both through the same synchronizer, so tick j of bit b is offset 16·b + j.
import { describe, expect } from 'vitest';
import { ClockCycles, ReadOnly, type ApbMaster, SampledStream, SerialSink, SerialSource, Until, type SignalHandle, type Simulator } from '../../bridge/src/index.js';
import { charBits, charCycles, earliestOtherStart, frameBits, type LineSettings } from '../../models/uart/line.js';
import { Parity, UART_EVENTS as EVENTS, UART_IE as IE, UART_LEVEL as LEVEL, UART_OFFSET as R, UART_STATUS as STATUS } from '../../models/uart/uart_pkg.js';
import { idleHigh } from '../common/bench.js';
import { busUartTest, loneUartTest, type UartEnv } from './env.js';
import { FAST, serialFormat } from './serial.js';
import type { UartDut } from './gen/uart.js';

const one = loneUartTest({ simTimeout: [2, 'ms'] });
const bus = busUartTest({ simTimeout: [2, 'ms'] });
const BIT = 16;  // cycles per bit at divisor 1

/** Drives a line input through (level, cycles) steps: one round trip each. @defaultValue line: the lone UART's uart_rx_i */
async function drive(dut: { readonly clk_i: SignalHandle<number> }, steps: readonly (readonly [number, number])[], line = (dut as UartDut).uart_rx_i): Promise<void> {
  for (const [level, cycles] of steps) {
    line.value = level;
    await ClockCycles(dut.clk_i, cycles);
  }
}

/** A character's bits at divisor 1, stop bits included, as drive() steps. */
const bitSteps = (byte: number, s: LineSettings = FAST): [number, number][] => frameBits(byte, s).map((b) => [b, BIT]);

/** 0xFF, 8N1, with the line pulled low for `width` cycles from tick `tick` of data bit `bit`. */
function glitched(bit: number, tick: number, width: number): [number, number][] {
  const steps: [number, number][] = [[0, BIT]];
  for (let b = 0; b < 8; b++) steps.push(...(b === bit ? [[1, tick], [0, width], [1, BIT - tick - width]] as [number, number][] : [[1, BIT]] as [number, number][]));
  steps.push([1, 3 * BIT]);
  return steps;
}

/** Edges (cycle numbers) of a signal's changes, recorded from now until `finish()`. */
function edges(sim: Simulator<unknown>, clock: SignalHandle<number>, sig: SignalHandle<number>): () => Promise<{ cycle: number; level: number }[]> {
  const s = SampledStream.open(sim, { clock, signals: [sig], when: 'change' });
  return async () => {
    s.close();
    const out: { cycle: number; level: number }[] = [];
    for await (const b of s) b.column(sig).forEach((v, i) => out.push({ cycle: b.cycles[i]!, level: Number(v) }));
    return out;
  };
}

describe('receiver sample points', () => {
  one('a data bit is the majority of ticks 6, 7 and 8: 2-tick glitches swept across the bit', async ({ dut, uart }) => {
    const env = await uart();
    const { apb } = env;
    const got: string[] = [];
    for (const tick of [4, 5, 6, 7, 8, 9]) {
      await drive(dut, glitched(3, tick, 2));
      got.push(`${tick}:${(await env.uart.drain()).map((v) => v.toString(16)).join(',')}`);
    }
    // Only a glitch covering two of ticks 6, 7, 8 flips bit 3.
    expect(got).toEqual(['4:ff', '5:ff', '6:f7', '7:f7', '8:ff', '9:ff']);
    expect((await apb.read(R.EVENTS)).data).toBe(0);
  });

  one('a 1-tick glitch on any of the sample ticks is outvoted', async ({ dut, uart }) => {
    const env = await uart();
    for (const tick of [5, 6, 7, 8, 9]) {
      await drive(dut, glitched(5, tick, 1));
      expect(await env.uart.drain(), `glitch at tick ${tick}`).toEqual([0xff]);
    }
  });

  one('a start bit needs the majority of ticks 6–8 low: 8 ticks start a character, 7 are a glitch', async ({ dut, uart }) => {
    const env = await uart();
    const { apb } = env;
    await drive(dut, [[0, 7], [1, 12 * BIT]]);
    expect(await env.uart.drain(), '7-tick low pulse').toEqual([]);
    await drive(dut, [[0, 8], [1, 12 * BIT]]);
    expect(await env.uart.drain(), '8-tick low pulse').toEqual([0xff]);
    expect((await apb.read(R.EVENTS)).data).toBe(0);
  });

  one('the stop bit\'s decision tick already hunts: a stop bit of 8 ticks then a start bit gives both characters, 7 ticks a framing error', async ({ dut, uart }) => {
    const env = await uart();
    const { apb } = env;
    const framing = EVENTS.FRAMING.mask;
    const got: string[] = [];
    for (const high of [8, 7]) {
      await drive(dut, [...bitSteps(0x0f).slice(0, -1), [1, high], ...bitSteps(0xf0), [1, 3 * BIT]]);
      got.push(`${high}:${(await env.uart.drain()).map((v) => v.toString(16)).join(',')}:${(await apb.read(R.EVENTS)).data & framing ? 'FRAMING' : '-'}`);
      await apb.write(R.EVENTS, framing);
    }
    expect(got).toEqual(['8:f,f0:-', '7:f:FRAMING']);
  });

  one('a break held low: flagged, receiver not busy while it waits for the idle line', async ({ dut, uart }) => {
    const env = await uart();
    const { apb } = env;
    await drive(dut, [[0, 14 * BIT]]);
    const status = (await apb.read(R.STATUS)).data;
    expect(STATUS.RX_BUSY.get(status), 'STATUS.RX_BUSY while the break is still held').toBe(0);
    expect((await apb.read(R.EVENTS)).data, 'EVENTS').toBe(EVENTS.BREAK.mask);
    await drive(dut, [[1, 2 * BIT]]);
    expect(await env.uart.drain()).toEqual([]);
  });

  one('a framing error on 0x00 with a parity bit of 1 is a framing error, not a break', async ({ dut, uart }) => {
    const env = await uart();
    const { apb } = env;
    await env.uart.configure({ divisor: 1, parity: Parity.Odd, stop2: false });
    await drive(dut, [[0, 9 * BIT], [1, BIT], [0, BIT], [1, 3 * BIT]]);  // start, 0x00, odd parity 1, stop 0
    expect(await env.uart.drain()).toEqual([0x00]);
    expect((await apb.read(R.EVENTS)).data, 'EVENTS: FRAMING only').toBe(EVENTS.FRAMING.mask);
  });
});

describe('transmitter', () => {
  one('the line is released during and right after reset', async ({ sim, dut, bench }) => {
    // The line's stream opens before the reset, to see it through the reset.
    const b = bench();
    b.compose(idleHigh([dut.uart_rx_i]));
    const s = SampledStream.open(sim as Simulator<unknown>, { clock: dut.clk_i, signals: [dut.uart_tx_o] });
    await b.reset();
    await ClockCycles(dut.clk_i, 3);
    s.close();
    const levels: number[] = [];
    for await (const b of s) levels.push(...b.column(dut.uart_tx_o));
    // From the first edge under reset on; before it the model's flops are uninitialised.
    expect(levels.slice(1)).toEqual(levels.slice(1).map(() => 1));
    expect(levels.length).toBeGreaterThan(4);
  });

  one('collision is read back at tick 8 of a bit driven 1: 1-cycle pulses around it', async ({ sim, dut, uart }) => {
    const hits: number[] = [];
    for (const offset of [5, 6, 7]) {
      await sim.restart();
      const env = await uart();
      const { apb } = env;
      await apb.write(R.TXDATA, 0xff);
      await Until(dut.clk_i, dut.uart_tx_o, 0);  // after the edge that began the start bit
      await drive(dut, [[1, 2 * BIT + offset], [0, 1], [1, 2 * BIT]]);  // tick 8 of data bit 1 is offset 6
      if (EVENTS.COLLISION.get((await apb.read(R.EVENTS)).data)) hits.push(offset);
    }
    expect(hits, 'offsets whose pulse was read as a collision').toEqual([6]);
  });

  one('TX_EMPTY interrupts only once the last stop bit has gone', async ({ dut, uart }) => {
    const env = await uart();
    const { apb } = env;
    await apb.write(R.IE, IE.TX_EMPTY.mask);
    await apb.write(R.TXDATA, 0x5a);
    await Until(dut.clk_i, dut.uart_tx_o, 0);
    await ClockCycles(dut.clk_i, charCycles(FAST) - 2);
    await ReadOnly();
    expect(dut.irq_o.value, 'irq_o in the stop bit').toBe(0);
    await ClockCycles(dut.clk_i, 3);
    await ReadOnly();
    expect(dut.irq_o.value, 'irq_o after it').toBe(1);
  });

  one('LCR.P2P: the first character starts on the next tick after reset, and a busy RX wire neither delays nor collides with it', async ({ sim, dut, uart }) => {
    const env = await uart();
    const { apb } = env;
    await env.uart.configure(FAST, { p2p: true });
    const src = SerialSource.fromPrefix(dut, 'uart_rx', dut.clk_i, serialFormat(FAST));
    void src.send(...Array.from({ length: 6 }, () => 0x00));
    await ClockCycles(dut.clk_i, BIT);
    const sink = SerialSink.fromPrefix(dut, 'uart_tx', dut.clk_i, serialFormat(FAST));
    await Promise.all([0xff, 0xfe, 0x7f].map((b) => apb.write(R.TXDATA, b)));
    const sent = [await sink.recv(), await sink.recv(), await sink.recv()];
    expect(sent.map((c) => c.value)).toEqual([0xff, 0xfe, 0x7f]);
    // The three writes take a cycle each; then a tick and the output flop.
    expect(sent[0]!.startCycle, 'cycles from the first write to the first start bit').toBeLessThanOrEqual(5);
    expect(sent[2]!.startCycle - sent[0]!.startCycle, 'back to back').toBe(2 * charCycles(FAST));
    await ClockCycles(dut.clk_i, 6 * charCycles(FAST));
    expect(await env.uart.drain(), 'every character that arrived meanwhile').toEqual([0, 0, 0, 0, 0, 0]);
    expect((await apb.read(R.EVENTS)).data, 'EVENTS: no collision').toBe(0);
  });

  one('a break right after its own character: the line is no longer its own, so the next character waits for a character of high line', async ({ sim, dut, uart }) => {
    const env = await uart();
    const { apb } = env;
    await apb.write(R.TXDATA, 0x11);
    await Until(dut.clk_i, dut.uart_tx_o, 0);
    await ClockCycles(dut.clk_i, charCycles(FAST) + BIT);
    dut.uart_rx_i.value = 0;
    const tx = edges(sim as Simulator<unknown>, dut.clk_i, dut.uart_tx_o);
    const rx = edges(sim as Simulator<unknown>, dut.clk_i, dut.uart_rx_i);
    await ClockCycles(dut.clk_i, 2 * charCycles(FAST));
    await apb.write(R.TXDATA, 0x33);  // while the line is held low, past the break's end
    await ClockCycles(dut.clk_i, charCycles(FAST));
    dut.uart_rx_i.value = 1;
    await ClockCycles(dut.clk_i, 3 * charCycles(FAST));
    const firstLow = (await tx()).find((e) => e.level === 0);
    const release = (await rx()).filter((e) => e.level === 1).at(-1)!.cycle;
    expect(firstLow, 'a start bit after the release').toBeDefined();
    expect(firstLow!.cycle - release, 'start after the line came back high').toBeGreaterThanOrEqual(charCycles(FAST));
    expect((await apb.read(R.EVENTS)).data, 'EVENTS: the break, and no collision').toBe(EVENTS.BREAK.mask);
  });

  one('carrier sense holds while the line is held low, then waits one character of high line', async ({ sim, dut, uart }) => {
    const env = await uart();
    const { apb } = env;
    dut.uart_rx_i.value = 0;
    const tx = edges(sim as Simulator<unknown>, dut.clk_i, dut.uart_tx_o);
    const rx = edges(sim as Simulator<unknown>, dut.clk_i, dut.uart_rx_i);
    await apb.write(R.TXDATA, 0x33);
    await ClockCycles(dut.clk_i, 3 * charCycles(FAST));
    dut.uart_rx_i.value = 1;
    await ClockCycles(dut.clk_i, 3 * charCycles(FAST));
    const firstLow = (await tx()).find((e) => e.level === 0);
    const release = (await rx()).filter((e) => e.level === 1).at(-1)!.cycle;
    expect(firstLow, 'a start bit after the release').toBeDefined();
    expect(firstLow!.cycle - release, 'start after the line came back high').toBeGreaterThanOrEqual(charCycles(FAST));
    expect((await apb.read(R.EVENTS)).data, 'EVENTS: the held line was a break, and no collision').toBe(EVENTS.BREAK.mask);
  });
});

describe('carrier sense between UARTs', () => {
  for (const s of [FAST, { divisor: 1, parity: Parity.Even, stop2: true }, { divisor: 1, parity: Parity.None, stop2: true }] as LineSettings[]) {
    bus(`a waiting sender starts one character after the other's character ends (parity ${Parity[s.parity]}, ${s.stop2 ? 2 : 1} stop)`, async ({ dut, uarts }) => {
      const envs = await uarts([{ prefix: 'apb0', settings: s, check: dut.line_o }, { prefix: 'apb1', settings: s }]);
      const apbs = envs.map((e) => e.apb);
      await apbs[0]!.write(R.TXDATA, 0x3c);
      await Until(dut.clk_i, dut.line_o, 0);
      await apbs[1]!.write(R.TXDATA, 0xc3);
      await ClockCycles(dut.clk_i, 4 * charCycles(s));
      const chars = await envs[0]!.finish();
      expect(chars.map((c) => c.value)).toEqual([0x3c, 0xc3]);
      const wait = chars[1]!.start - earliestOtherStart(chars[0]!.start, s);
      expect(wait, 'cycles beyond one idle character after the end').toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(BIT);
    });
  }

  bus('a sender\'s own next character after a pause starts at once, without a carrier-sense wait', async ({ dut, uarts }) => {
    // On the shared line (the receiver hears the sender's own character, unlike the lone UART
    // whose uart_rx_i the test holds high).
    const [env] = await uarts([{ prefix: 'apb0', settings: FAST, check: dut.line_o }]);
    const { apb } = env!;
    await apb.write(R.TXDATA, 0x0f);
    await Until(dut.clk_i, dut.line_o, 0);
    await ClockCycles(dut.clk_i, charCycles(FAST) + charCycles(FAST) / 2);
    await apb.write(R.TXDATA, 0xf0);
    await ClockCycles(dut.clk_i, 3 * charCycles(FAST));
    const chars = await env!.finish();
    expect(chars.map((c) => c.value)).toEqual([0x0f, 0xf0]);
    expect(chars[1]!.start - chars[0]!.start, 'second start after the first').toBeLessThanOrEqual(charCycles(FAST) * 1.5 + 6);
  });

  for (const s of [FAST, { divisor: 1, parity: Parity.Even, stop2: false }] as LineSettings[]) {
    bus(`an answer into the sender's stop bit: holding the line as it is released is a collision; from the next cycle on it is another sender's start bit, received, and the next character waits for it (parity ${Parity[s.parity]})`, async ({ sim, dut, uarts }) => {
      const outcomes: string[] = [];
      for (const offset of [-1, 0, 1, 2, 8]) {
        await sim.restart();
        const [ea, eb] = await uarts([{ prefix: 'apb0', settings: s }, { prefix: 'apb1', settings: s }]) as [UartEnv, UartEnv];
        const [a, b] = [ea.apb, eb.apb];
        await Promise.all([0xff, 0x5a].map((v) => a.write(R.TXDATA, v)));
        await Until(dut.clk_i, dut.line_o, 0);  // after the edge that began its start bit
        await ClockCycles(dut.clk_i, (charBits(s) - 1) * BIT + offset);  // `offset` cycles after the edge that began its stop bit
        await drive(dut, [...bitSteps(0x96, s), [1, 3 * charCycles(s)]], dut.inject_i);
        const events = (await a.read(R.EVENTS)).data;
        const mine = await ea.uart.drain();
        outcomes.push(`${offset}:${events & EVENTS.COLLISION.mask ? 'collision' : `${mine.map((v) => v.toString(16))}/${events}`}`);
        if (offset === 8) {
          // The other UART saw the answer after a whole stop-bit vote, and the deferred character after it.
          expect(await eb.uart.drain(), 'UART1 received').toEqual([0xff, 0x96, 0x5a]);
          expect((await b.read(R.EVENTS)).data, 'UART1 EVENTS').toBe(0);
        }
      }
      expect(outcomes).toEqual(['-1:collision', '0:collision', '1:96/0', '2:96/0', '8:96/0']);
    });
  }

  bus('an answer at the first cycle after the release, from a peer 6 % fast, is received: the receiver hunts from its own stop bit\'s first tick', async ({ dut, uarts }) => {
    const [ea] = await uarts([{ prefix: 'apb0', settings: FAST }]) as [UartEnv];
    const a = ea.apb;
    await a.write(R.TXDATA, 0xff);
    await Until(dut.clk_i, dut.line_o, 0);
    await ClockCycles(dut.clk_i, 9 * BIT + 1);
    // Bits of 15 cycles up to the last data bit: seen on the stop bit's first hunting tick, its
    // votes still land in each bit (bit 6's last one by a cycle); two ticks later they would not.
    const fast = frameBits(0x55, FAST).map((bit, k): [number, number] => [bit, k < 8 ? 15 : 16]);
    await drive(dut, [...fast, [1, 2 * charCycles(FAST)]], dut.inject_i);
    expect(await ea.uart.drain(), 'UART0 received').toEqual([0x55]);
    expect((await a.read(R.EVENTS)).data, 'EVENTS').toBe(0);
  });

  bus('its own characters never count as an overrun, even with its RX FIFO full', async ({ dut, uarts }) => {
    const [a, b] = (await uarts([{ prefix: 'apb0' }, { prefix: 'apb1' }])).map((e) => e.apb) as [ApbMaster, ApbMaster];
    const fill = Array.from({ length: 16 }, (_, i) => 0x40 + i);
    await Promise.all(fill.map((v) => b.write(R.TXDATA, v)));
    await ClockCycles(dut.clk_i, 18 * charCycles(FAST));
    expect((await a.read(R.STATUS)).data & STATUS.RX_FULL.mask, 'A: RX_FULL').toBe(STATUS.RX_FULL.mask);
    await a.write(R.TXDATA, 0x99);
    await ClockCycles(dut.clk_i, 3 * charCycles(FAST));
    expect((await a.read(R.LEVEL)).data, 'A: TX sent, RX still 16').toBe(LEVEL.RX.put(16));
    expect((await a.read(R.EVENTS)).data, 'A: EVENTS').toBe(0);
  });

  bus('the loser of an arbitration waits for the winner again, even right after its own character', async ({ sim, dut, uarts }) => {
    // A sends a character, so its next one could follow at once; B queues one meanwhile and
    // starts one idle character later. A's second character is written so that it starts in
    // B's start bit (the offset found by a first run without it, then a sweep of the APB
    // latency): A loses at data bit 0. Its third character, written while B's is on the line,
    // must wait for carrier sense like anyone's.
    const run = async (writeAt?: number): Promise<{ chars: number[]; starts: number[]; aLost: boolean; bLost: boolean }> => {
      await sim.restart();
      const [ea, eb] = await uarts([{ prefix: 'apb0', check: dut.line_o }, { prefix: 'apb1' }]) as [UartEnv, UartEnv];
      const [a, b] = [ea.apb, eb.apb];
      await a.write(R.TXDATA, 0x01);
      await Until(dut.clk_i, dut.line_o, 0);
      await b.write(R.TXDATA, 0x00);
      if (writeAt !== undefined) {
        await ClockCycles(dut.clk_i, writeAt);
        await a.write(R.TXDATA, 0xff);
        await ClockCycles(dut.clk_i, 3 * BIT);
        await a.write(R.TXDATA, 0x55);
      }
      await ClockCycles(dut.clk_i, 6 * charCycles(FAST));
      const chars = await ea.finish();
      return {
        chars: chars.map((c) => c.value),
        starts: chars.map((c) => c.start - chars[0]!.start),
        aLost: EVENTS.COLLISION.get((await a.read(R.EVENTS)).data) === 1,
        bLost: EVENTS.COLLISION.get((await b.read(R.EVENTS)).data) === 1,
      };
    };
    const alone = await run();
    expect(alone.chars).toEqual([0x01, 0x00]);
    const bStart = alone.starts[1]!;
    let collided = 0;
    for (let lead = 2; lead <= 8; lead++) {
      const r = await run(bStart - lead);
      if (!r.aLost) continue;
      collided++;
      expect(r.bLost, `B won (A's write ${lead} cycles ahead)`).toBe(false);
      expect(r.chars, `line (A's write ${lead} cycles ahead)`).toEqual([0x01, 0x00, 0x55]);
      expect(r.starts[2]!, 'A waited one idle character after B').toBeGreaterThanOrEqual(earliestOtherStart(r.starts[1]!, FAST) - 4);
    }
    expect(collided, 'runs where A started in B\'s start bit').toBeGreaterThan(0);
  });
});
