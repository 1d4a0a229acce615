// Three UARTs on one wired-AND line: simultaneous and staggered starts. Each sender's bytes are
// tagged (value mod 3 = its index), so every character on the line names its sender and the
// scoreboard is exact: what each sender got out is a prefix of what it was given (the rest was
// flushed by a lost arbitration, which it must flag), every receiver holds the line's characters
// but its own, the line checker sees clean characters only, and a sender starts after another's
// character only once the line has been idle for a character.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ClockCycles, CoverGroup, simProperty, type Simulator } from '../../bridge/src/index.js';
import { wavePath } from '../../bridge/src/vitest.js';
import { arbitrate, charCycles, earliestOtherStart, type LineChar, type LineSettings } from '../../models/uart/line.js';
import { Parity, UART_EVENTS as EVENTS, UART_LEVEL as LEVEL, UART_OFFSET as R } from '../../models/uart/uart_pkg.js';
import { busUartTest, type UartEnv, type UartsFixture } from './env.js';
import type { UartBusDut } from './gen/uart_bus.js';
import { hexBytes as hex } from '../common/hex.js';

const test = busUartTest({ simTimeout: [50, 'ms'] });

const cov = new CoverGroup('uart_bus');
const starts = cov.point<number>('start', { simultaneous: (d) => d === 0, staggered: (d) => d > 0 });
const losers = cov.point<number>('losers_per_run', { none: (n) => n === 0, one: (n) => n === 1, two: (n) => n === 2 });
const handover = cov.point<number>('sender_changes', { none: (n) => n === 0, some: (n) => n > 0 });
const backToBack = cov.point<number>('back_to_back_pairs', { some: (n) => n > 0 });

interface Run {
  readonly envs: UartEnv[];
  readonly chars: LineChar[];
}

/** Resets, programs all three UARTs, then queues each one's bytes after its delay (cycles). */
async function runBus(sim: Simulator<UartBusDut>, uarts: UartsFixture, s: LineSettings, plan: { bytes: number[]; delay: number }[]): Promise<Run> {
  const dut = sim.dut;
  const envs = await uarts([0, 1, 2].map((i) => ({ prefix: `apb${i}`, settings: s, ...(i === 0 ? { check: dut.line_o } : {}) })));
  let now = 0;
  for (const i of [0, 1, 2].sort((a, b) => plan[a]!.delay - plan[b]!.delay)) {
    if (plan[i]!.delay > now) await ClockCycles(dut.clk_i, plan[i]!.delay - now);
    now = Math.max(now, plan[i]!.delay);
    void envs[i]!.uart.send(plan[i]!.bytes);
  }
  const total = plan.reduce((n, p) => n + p.bytes.length, 0);
  await ClockCycles(dut.clk_i, (total + 8) * 2 * charCycles(s));
  const chars = await envs[0]!.finish();
  const bad = chars.filter((c) => c.framingError || c.parityError || c.break);
  if (bad.length) throw new Error(`a damaged character on the line at cycle ${bad[0]!.start}: no winner's frame may be corrupted`);
  return { envs, chars };
}

describe('shared wired-AND line', () => {
  test('random senders, simultaneous and staggered: exact scoreboard, collisions flagged by the losers, carrier sense kept', async ({ sim, uarts, seed, task }) => {
    const settings = fc.record({ divisor: fc.integer({ min: 1, max: 3 }), parity: fc.constantFrom(Parity.None, Parity.Even, Parity.Odd), stop2: fc.boolean() });
    const planArb = (s: LineSettings) => fc.tuple(...[0, 1, 2].map((i) => fc.record({
      bytes: fc.array(fc.nat(84).map((k) => k * 3 + i), { minLength: 0, maxLength: 6 }),
      delay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * charCycles(s) })),
    })));
    const arb = settings.chain((s) => fc.tuple(fc.constant(s), planArb(s)));
    await simProperty(sim as Simulator<unknown>, arb, async ([s, plan]) => {
      const { envs, chars } = await runBus(sim, uarts, s, plan);
      const apbs = envs.map((e) => e.apb);
      const line = chars.map((c) => c.value);
      let lost = 0;
      for (const i of [0, 1, 2]) {
        const mine = line.filter((v) => v % 3 === i);
        const given = plan[i]!.bytes;
        expect(hex(mine), `UART${i}'s characters on the line are a prefix of what it was given (${hex(given)})`).toBe(hex(given.slice(0, mine.length)));
        const collision = EVENTS.COLLISION.get((await apbs[i]!.read(R.EVENTS)).data);
        expect(collision, `UART${i} COLLISION (sent ${mine.length} of ${given.length})`).toBe(mine.length < given.length ? 1 : 0);
        lost += collision;
        expect(hex(await envs[i]!.uart.drain()), `UART${i} received every other sender's character, in order`).toBe(hex(line.filter((v) => v % 3 !== i)));
        expect(LEVEL.TX.get((await apbs[i]!.read(R.LEVEL)).data), `UART${i} TX FIFO empty at the end`).toBe(0);
      }
      // Carrier sense: a different sender starts only after a character of idle line.
      let changes = 0;
      let pairs = 0;
      for (let k = 1; k < chars.length; k++) {
        const gap = chars[k]!.start - chars[k - 1]!.start;
        if (chars[k]!.value % 3 !== chars[k - 1]!.value % 3) {
          changes++;
          // Within a tick and the synchronizer of the bound (the line checker's tolerance).
          const earliest = earliestOtherStart(chars[k - 1]!.start, s) - (Math.max(1, s.divisor) + 3);
          expect(chars[k]!.start, `UART${chars[k]!.value % 3} started ${gap} cycles after UART${chars[k - 1]!.value % 3}'s character at cycle ${chars[k - 1]!.start}`).toBeGreaterThanOrEqual(earliest);
        } else if (gap === charCycles(s)) {
          pairs++;
        }
      }
      for (const p of plan) if (p.bytes.length) starts.sample(p.delay);
      losers.sample(lost);
      handover.sample(changes);
      backToBack.sample(pairs);
    }, { seed, numRuns: 40, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });

  test('three simultaneous starts: the model\'s arbitration names the winner, the losers flag it', async ({ sim, uarts }) => {
    const s: LineSettings = { divisor: 1, parity: Parity.Even, stop2: false };
    for (const bytes of [[0x12, 0x10, 0x11], [0xf0, 0xf0, 0x0f], [0x80, 0x00, 0x40]]) {
      await sim.restart();
      const plan = bytes.map((b) => ({ bytes: [b], delay: 0 }));
      const { envs, chars } = await runBus(sim, uarts, s, plan);
      const a = arbitrate(bytes, s);
      expect(hex(chars.map((c) => c.value)), `line for ${hex(bytes)}`).toBe(hex([bytes[a.winners[0]!]!]));
      for (const i of [0, 1, 2]) {
        expect(EVENTS.COLLISION.get(await envs[i]!.uart.events()), `UART${i} COLLISION for ${hex(bytes)}`).toBe(a.lostAt.has(i) ? 1 : 0);
        const others = a.winners.includes(i) ? [] : [bytes[a.winners[0]!]!];
        expect(hex(await envs[i]!.uart.drain()), `UART${i} RX for ${hex(bytes)}`).toBe(hex(others));
      }
    }
  });

  test('coverage: every bus bin was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
