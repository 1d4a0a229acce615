// The management UART against a foreign UART (tb/hdl/uart_peer.sv: no carrier sense, no
// collision detection, a fractional bit time), as the cells' management bus meets a BMC or a
// debug adapter: a peer answering each character at several delays (its answer starts inside
// this UART's stop bit or after it), on the shared line and on two wires; the receiver's baud
// tolerance swept across both edges of its window against the line model's prediction; and
// point-to-point mode, both directions at once.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { CoverGroup, simProperty, type Simulator } from '../../bridge/src/index.js';
import { wavePath } from '../../bridge/src/vitest.js';
import { bitCycles, charBits, charCycles, rxSkewWindow, type LineSettings } from '../../models/uart/line.js';
import { Parity, UART_EVENTS } from '../../models/uart/uart_pkg.js';
import { hexBytes as hex } from '../common/hex.js';
import type { UartPairDut } from './gen/uart_pair.js';
import { SWEEP_SETTINGS, pairTest, testBytes, type PairFixture, type PairOptions } from './peer.js';

const test = pairTest({ simTimeout: [200, 'ms'] });

const cov = new CoverGroup('uart_peer');
const wiring = cov.point<boolean>('wiring', { shared_line: (t) => !t, two_wires: (t) => t });
const answer = cov.point<number>('answer_start_in_stop_bit', {
  first_half: (f) => f >= 0 && f < 0.5, second_half: (f) => f >= 0.5 && f < 1, after: (f) => f >= 1,
});
const deferred = cov.point<number>('deferred_characters', { some: (n) => n > 0 });
const overlapped = cov.point<number>('random_answers', { all_received: (e) => e === 0, collision_flagged: (e) => e !== 0 });
const edges = cov.point<number>('skew_window_edge', { fast: (s) => s < 0, slow: (s) => s > 0 });
const duplex = cov.point<number>('p2p_overlap_chars', { both_ways_at_once: (n) => n > 0 });

const COLLISION = UART_EVENTS.COLLISION.mask;
const complement = (b: number): number => ~b & 0xff;

/** Whether `part` appears in `whole` in order, other characters between. */
function inOrder(part: readonly number[], whole: readonly number[]): boolean {
  let i = 0;
  for (const v of whole) if (v === part[i]) i++;
  return i === part.length;
}

describe('a foreign UART answering each character', () => {
  const s: LineSettings = { divisor: 50, parity: Parity.None, stop2: false };
  // The peer decides the stop bit in its middle: answers up to 380 cycles later start inside
  // this UART's stop bit (800 cycles), the later ones after it.
  const delays = [0, 20, 40, 60, 100, 200, 380, 600, 1500];

  for (const twoWire of [false, true]) {
    for (const skew of [-0.04, 0, 0.04]) {
      test(`request and answer, one character at a time, answers ${delays.join('/')} cycles late, peer ${(skew * 100).toFixed(0)} %, ${twoWire ? 'two wires' : 'shared line'}: every answer received, no event`, async ({ sim, pairUp }) => {
        for (const replyDelay of delays) {
          await sim.restart();
          const pair = await pairUp({ settings: s, skew, twoWire, replyDelay });
          const requests = [0x3c, 0x00, 0xff, 0x81];
          const got: number[] = [];
          for (const b of requests) {
            await pair.send([b]);
            got.push(...await pair.run(4, 4));
          }
          const why = `answers ${replyDelay} cycles late`;
          expect(hex(got), `${why}: RX FIFO holds every answer`).toBe(hex(requests.map(complement)));
          expect(await pair.errors(), `${why}: EVENTS`).toBe(0);
          const heard = await pair.peerReceived();
          const line = twoWire ? requests : requests.flatMap((b) => [b, complement(b)]);
          expect(hex(heard.map((c) => c.value)), `${why}: the peer received (on a shared line, its own answers too)`).toBe(hex(line));
          expect(heard.filter((c) => c.framingError), `${why}: peer framing errors`).toEqual([]);
          wiring.sample(twoWire);
          // The peer decides a character 9.5 of its bits after its start, then answers.
          answer.sample((9.5 * (1 + skew) * bitCycles(s) + replyDelay) / bitCycles(s) - 9);
        }
      });
    }

    test(`a burst: each answer starts inside this UART's stop bit and defers its next character (carrier sense), ${twoWire ? 'two wires' : 'shared line'}`, async ({ sim, pairUp }) => {
      for (const replyDelay of [0, 40, 100, 300]) {
        await sim.restart();
        const pair = await pairUp({ settings: s, twoWire, replyDelay });
        const requests = [0x12, 0x34, 0x56, 0x78];
        await pair.send(requests);
        const got = await pair.run(3 * requests.length + 2, 4);
        const why = `answers ${replyDelay} cycles late`;
        expect(hex(got), `${why}: RX FIFO holds every answer`).toBe(hex(requests.map(complement)));
        expect(await pair.errors(), `${why}: EVENTS (no collision: the answer began in a stop bit)`).toBe(0);
        const heard = await pair.peerReceived();
        const mine = heard.filter((c) => requests.includes(c.value));
        expect(hex(mine.map((c) => c.value)), `${why}: the peer received every request`).toBe(hex(requests));
        if (!twoWire) {
          expect(hex(heard.map((c) => c.value)), `${why}: the shared line alternates request and answer`).toBe(hex(requests.flatMap((b) => [b, complement(b)])));
        }
        // Each next request waited for the answer and one idle character after it.
        const gaps = mine.slice(1).map((c, i) => c.cycle - mine[i]!.cycle);
        for (const g of gaps) expect(g, `${why}: cycles between requests`).toBeGreaterThanOrEqual(3 * charCycles(s));
        deferred.sample(gaps.length);
      }
    });
  }

  test('an answer starting a tick before this UART\'s back-to-back next character defers it, though that character\'s zeros would hide the answer on the wired AND', async ({ sim, pairUp }) => {
    // The peer decides the first 0x00 in the middle of its stop bit and answers 344 cycles
    // later: its start edge shows through the synchronizer just before the stop bit ends.
    const pair = await pairUp({ settings: s, replyDelay: 344 });
    await pair.send([0x00, 0x00]);
    const got = await pair.run(12, 4);
    expect(hex(got), 'RX FIFO').toBe('ff ff');
    expect(await pair.errors(), 'EVENTS').toBe(0);
  });

  test('random answer delays, skews and bursts, on either wiring: an answer the line carried never goes missing without an event', async ({ sim, pairUp, seed, task }) => {
    // Requests below 0x80, so answers (their complements) are told apart by bit 7. A peer
    // without collision detection may start its answer with or after this UART's next
    // character; on the wired AND the line then carries the AND of both, and an answer the
    // line never carried is nobody's to receive. What the line carried is what the peer's
    // own receiver heard back; on two wires, the peer's answers reach RX untouched.
    const arb = fc.record({
      replyDelay: fc.nat(2 * bitCycles(s)),
      skew: fc.double({ min: -0.04, max: 0.04, noNaN: true }),
      twoWire: fc.boolean(),
      requests: fc.array(fc.nat(0x7f), { minLength: 1, maxLength: 4 }),
    });
    await simProperty(sim as Simulator<unknown>, arb, async ({ replyDelay, skew, twoWire, requests }) => {
      const pair = await pairUp({ settings: s, skew, twoWire, replyDelay });
      await pair.send(requests);
      const got = await pair.run(4 * requests.length + 4, 4);
      const errors = await pair.errors();
      const heard = (await pair.peerReceived()).filter((c) => !c.framingError).map((c) => c.value);
      const carried = twoWire ? heard.map(complement) : heard.filter((v) => v >= 0x80);
      if (errors === 0) {
        expect(inOrder(carried, got), `no event, so every answer the line carried (${hex(carried)}) was received (${hex(got)})`).toBe(true);
        if (twoWire) expect(hex(got), 'two wires: exactly the answers').toBe(hex(carried));
      } else {
        expect(errors & COLLISION, `an answer that overlapped a character is a collision (EVENTS ${errors})`).toBe(COLLISION);
      }
      overlapped.sample(errors);
    }, { seed, numRuns: 40, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });
});

/** The peer sends `bytes` back to back at `skew`; true when the UART received them intact, with no event. */
async function receivesBackToBack(sim: Simulator<UartPairDut>, pairUp: PairFixture, s: LineSettings, skew: number, bytes: number[]): Promise<boolean> {
  await sim.restart();
  const pair = await pairUp({ settings: s, skew });
  void pair.peerTx.send(Uint8Array.from(bytes));
  const got = await pair.run(Math.ceil(bytes.length * (1 + Math.abs(skew))) + 4);
  return hex(got) === hex(bytes) && (await pair.errors()) === 0;
}

describe('baud skew window, back to back', () => {
  for (const s of SWEEP_SETTINGS) {
    const claim = s.parity === Parity.None ? 0.0425 : 0.04;
    test(`${charBits(s)}-bit characters (${Parity[s.parity]} parity): received from ${-claim * 100} % to +${claim * 100} %, and the window's edges where the model puts them`, async ({ sim, pairUp }) => {
      const bytes = testBytes(48);
      const step = 0.0025;
      const ok = new Map<number, boolean>();
      for (let k = -24; k <= 24; k++) ok.set(k, await receivesBackToBack(sim, pairUp, s, k * step, bytes));
      const pass = [...ok].filter(([, v]) => v).map(([k]) => k);
      const lo = Math.min(...pass) * step;
      const hi = Math.max(...pass) * step;
      const map = [...ok].map(([k, v]) => `${(k * step * 100).toFixed(2)}:${v ? 'ok' : 'x'}`).join(' ');
      expect(pass.length, `one window without holes: ${map}`).toBe(Math.round((hi - lo) / step) + 1);
      expect(lo, `fastest peer received (${map})`).toBeLessThanOrEqual(-claim);
      expect(hi, `slowest peer received (${map})`).toBeGreaterThanOrEqual(claim);
      const w = rxSkewWindow(s);
      expect(Math.abs(lo - w.fast), `fast edge ${lo} vs the model's ${w.fast.toFixed(4)}`).toBeLessThanOrEqual(2 * step);
      expect(Math.abs(hi - w.slow), `slow edge ${hi} vs the model's ${w.slow.toFixed(4)}`).toBeLessThanOrEqual(2 * step);
      edges.sample(lo);
      edges.sample(hi);
    });
  }

  test('this UART\'s back-to-back stream reaches a peer at the claimed edges (the other direction)', async ({ sim, pairUp }) => {
    for (const s of SWEEP_SETTINGS) {
      for (const skew of s.parity === Parity.None ? [-0.0425, 0.0425] : [-0.04, 0.04]) {
        await sim.restart();
        const pair = await pairUp({ settings: s, skew, twoWire: true });
        const bytes = testBytes(48);
        await pair.sendStream(bytes);
        await pair.run(16);
        const heard = await pair.peerReceived();
        expect(hex(heard.map((c) => c.value)), `peer at ${skew * 100} %`).toBe(hex(bytes));
        expect(heard.filter((c) => c.framingError || c.parityError)).toEqual([]);
      }
    }
  });
});

describe('point to point (LCR.P2P), two wires', () => {
  /** Both send at once; each gets the other's bytes, nothing collides, nobody waits. */
  async function duplexRun(pairUp: PairFixture, o: PairOptions, mine: number[], theirs: number[]): Promise<void> {
    const pair = await pairUp({ ...o, twoWire: true, p2p: true });
    void pair.peerTx.send(Uint8Array.from(theirs));
    const got = await pair.sendStream(mine);
    got.push(...await pair.run(Math.max(mine.length, theirs.length) + 4));
    expect(hex(got), 'the UART received the peer\'s stream').toBe(hex(theirs));
    expect(await pair.errors(), 'EVENTS: no collision, no error').toBe(0);
    const heard = await pair.peerReceived();
    expect(hex(heard.map((c) => c.value)), 'the peer received the UART\'s stream').toBe(hex(mine));
    // Back to back from the first character on, while the peer's stream (started at the same
    // time) is still coming: no carrier-sense wait behind it.
    const span = heard.at(-1)!.cycle - heard[0]!.cycle;
    expect(span, 'cycles from the first to the last character the peer received').toBeLessThanOrEqual((mine.length - 1) * charCycles(o.settings) + 2);
    const peerEnd = theirs.length * charCycles(o.settings) * (1 + (o.skew ?? 0));
    const overlap = heard.filter((c) => c.cycle < peerEnd).length;
    // All but the last of the peer's character times (the peer may be up to 3 % faster).
    expect(overlap, `characters the peer received while its own ${theirs.length} were still going out`).toBeGreaterThanOrEqual(Math.min(mine.length, theirs.length - 1));
    duplex.sample(overlap);
  }

  test('both directions at once, back to back: each side gets the other\'s stream whole', async ({ sim, pairUp }) => {
    await duplexRun(pairUp, { settings: { divisor: 4, parity: Parity.None, stop2: false }, skew: 0.02 }, testBytes(24), testBytes(24).map(complement));
  });

  test('random settings, skews within ±3 %, both directions at once', async ({ sim, pairUp, seed, task }) => {
    const arb = fc.record({
      settings: fc.record({ divisor: fc.integer({ min: 2, max: 6 }), parity: fc.constantFrom(Parity.None, Parity.Even, Parity.Odd), stop2: fc.boolean() }),
      skew: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
      mine: fc.array(fc.nat(255), { minLength: 1, maxLength: 24 }),
      theirs: fc.array(fc.nat(255), { minLength: 2, maxLength: 24 }),
    });
    await simProperty(sim as Simulator<unknown>, arb, async ({ settings, skew, mine, theirs }) => {
      await duplexRun(pairUp, { settings, skew }, mine, theirs);
    }, { seed, numRuns: 20, wavesDir: path.dirname(wavePath(task.file.filepath, task.name)) });
  });

  test('two wires without P2P, the peer starting just after this UART: its character is received, not taken for this UART\'s own (it reads back as another character)', async ({ sim, pairUp }) => {
    const s: LineSettings = { divisor: 4, parity: Parity.None, stop2: false };
    for (const [mine, theirs] of [[0x00, 0x55], [0x00, 0xfe], [0xa5, 0xa5]]) {
      await sim.restart();
      const pair = await pairUp({ settings: s, twoWire: true });
      await pair.run(2);  // past the idle character after reset
      await pair.send([mine!]);
      void pair.peerTx.send(Uint8Array.of(theirs!));
      const got = await pair.run(4);
      const errors = await pair.errors();
      expect(hex(got), `sent ${hex([mine!])}, the peer ${hex([theirs!])}: RX, with EVENTS ${errors}`).toBe(mine === theirs ? '' : hex([theirs!]));
    }
  });

  test('without P2P the same two wires make this UART wait until the peer falls silent (carrier sense on RX): why the mode exists', async ({ sim, pairUp }) => {
    const s: LineSettings = { divisor: 4, parity: Parity.None, stop2: false };
    const pair = await pairUp({ settings: s, twoWire: true });
    const theirs = testBytes(24);
    void pair.peerTx.send(Uint8Array.from(theirs));
    const got = await pair.run(2);
    await pair.send(testBytes(16));
    got.push(...await pair.run(theirs.length + 20));
    expect(hex(got)).toBe(hex(theirs));
    const heard = await pair.peerReceived();
    expect(heard.length).toBe(16);
    expect(heard[0]!.cycle, 'the first character the peer received came after its own stream and an idle character').toBeGreaterThan((theirs.length + 1) * charCycles(s));
  });
});

describe('coverage', () => {
  test('coverage: every peer bin was hit', () => {
    cov.save();
    cov.assertAllHit();
  });
});
