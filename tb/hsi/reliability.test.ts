// hsi_link's reliability end to end: NAK and go-back-N after flipped bits, the replay timer
// after a lost ACK and after a lost frame, a cut inside a frame counted as one malformed frame,
// the replay budget spent on a lane too noisy for any frame, an ACK cutting a replay short in
// the middle of the sequence space, a cut shorter than the replay budget resumed without loss
// or duplication, a longer one taking the link down until both ends are restarted.
import { describe, expect } from 'vitest';
import { ClockCycles } from '../../bridge/src/index.js';
import type { LinkFrame } from '../../models/hsi/delivery.js';
import { HSI_STATUS, LinkState, REPLAY_LIMIT } from '../../models/hsi/hsi_pkg.js';
import { hsiTest, VCS, type HsiEnv, type HsiLink } from './env.js';
import { BOUNDS, CLOCK_NS, REPLAY_TIMEOUT, RX_BUFFERS } from './link_params.js';

const test = hsiTest({ simTimeout: [4, 'ms'] });

function frame(tag: number, len: number, i: number, dst: number): LinkFrame {
  return { data: Uint8Array.from({ length: len }, (_, k) => (tag * 53 + i * 11 + k * 7 + (k >> 8)) & 0xff), dst };
}

/** `n` frames each way on each vc, of sizes cycling through a few classes. */
function traffic(link: HsiLink, tag: number, n: number): void {
  const sizes = [1, 9, 512, 1024, 100];
  for (const [from, to] of [[link.a, link.b], [link.b, link.a]] as const) {
    for (const vc of VCS) for (let i = 0; i < n; i++) void from.send(vc, frame(tag + vc, sizes[i % sizes.length]!, i, to.options.cellId));
  }
}

/** Everything due has arrived at both ends, exactly once and in order. */
async function drained(link: HsiLink): Promise<void> {
  await link.a.finish();
  await link.b.finish();
}

describe('hsi_link reliability', () => {
  test('flipped bits: the receiver NAKs, the sender goes back, every frame arrives once', async ({ link }) => {
    const l = await link();
    await l.up();
    for (let i = 0; i < 3; i++) void l.a.send(0, frame(1, 1024, i, 2));
    // The first frame leaves once all of it is in (store and forward on this side too).
    await ClockCycles(l.a.dut.clk_i, 160);
    // BER 1e-3 until the lane has flipped a bit (60 cycles flip none in about 2 % of seeds),
    // in steps of 20 cycles, so the damage lands in the frames in flight.
    l.ab.faults({ ber: 1e-3 });
    for (let k = 0; k < 3 || (l.ab.flips === 0n && k < 15); k++) await ClockCycles(l.a.dut.clk_i, 20);
    l.ab.faults({});
    expect(l.ab.flips, 'the lane flipped bits').toBeGreaterThan(0n);
    await drained(l);
    const errors = (await l.b.counter('CRC_ERRORS')) + (await l.b.counter('FRAME_ERRORS'));
    expect(errors, 'b saw the damage').toBeGreaterThan(0);
    expect(await l.b.counter('NAKS_SENT'), 'b NAKed').toBeGreaterThan(0);
    expect(await l.a.counter('NAKS_RECEIVED'), 'a got the NAKs b sent').toBe(await l.b.counter('NAKS_SENT'));
    expect(await l.a.counter('FRAMES_REPLAYED'), 'a replayed').toBeGreaterThan(0);
    expect(await l.b.counter('FRAMES_RECEIVED'), 'b took each frame once').toBe(3);
    expect(await l.a.counter('TIMER_EXPIRIES'), 'the NAK, not the timer, recovered').toBe(0);
    expect(l.a.up && l.b.up, 'still up').toBe(true);
  });

  test('a lost ACK (the return lane cut briefly): the replay timer resends, b drops the duplicate and ACKs', async ({ link }) => {
    const l = await link();
    await l.up();
    const cut = l.ba.cut(l.a.dut.clk_i, 300);
    void l.a.send(1, frame(2, 64, 0, 2));
    await cut;
    await drained(l);
    await ClockCycles(l.a.dut.clk_i, REPLAY_TIMEOUT + 200);
    expect(await l.a.counter('TIMER_EXPIRIES'), 'a timer expiry').toBe(1);
    expect(await l.a.counter('FRAMES_REPLAYED'), 'one frame replayed').toBe(1);
    expect(await l.b.counter('FRAMES_RECEIVED'), 'b took it once').toBe(1);
    expect(await l.a.counter('LOCK_LOSSES'), 'a lost lock in the cut').toBe(1);
    expect(l.a.up && l.b.up, 'still up').toBe(true);
  });

  test('a lost frame (the forward lane cut from before its SOF): no NAK, the timer resends it', async ({ link }) => {
    const l = await link();
    await l.up();
    const cut = l.ab.cut(l.a.dut.clk_i, 300);
    void l.a.send(0, frame(3, 700, 0, 2));
    await cut;
    await drained(l);
    expect(await l.b.counter('NAKS_SENT'), 'nothing for b to NAK').toBe(0);
    expect(await l.a.counter('TIMER_EXPIRIES'), 'a timer expiry').toBe(1);
    expect(await l.b.counter('FRAMES_RECEIVED'), 'b took it once').toBe(1);
  });

  test('a cut of the forward lane inside a frame: one malformed frame, one NAK; the replay after the relock delivers it once', async ({ link }) => {
    const l = await link();
    await l.up();
    // The frame leaves as soon as its last beat is in: 60 cycles later about half of its 130
    // blocks are on the lane. b loses lock within 31 blocks of the cut and finds it again before
    // a's timer replays (1024 cycles after the replay the NAK started, which the cut ate).
    await l.a.send(0, frame(5, 1024, 0, 2));
    await ClockCycles(l.a.dut.clk_i, 60);
    await l.ab.cut(l.a.dut.clk_i, 300);
    await drained(l);
    expect(await l.b.counter('FRAME_ERRORS'), 'the frame cut short is one malformed frame; the zeros after it, outside any frame, are none').toBe(1);
    expect(await l.b.counter('CRC_ERRORS'), 'no EOF came to check').toBe(0);
    expect(await l.b.counter('NAKS_SENT'), 'one NAK for it').toBe(1);
    expect(await l.b.counter('LOCK_LOSSES'), 'b lost lock in the cut').toBe(1);
    expect(await l.b.counter('FRAMES_RECEIVED'), 'b took it once').toBe(1);
    expect(await l.a.counter('TIMER_EXPIRIES'), 'the replay the NAK started went into the cut: the timer sent it again').toBe(1);
    expect(l.a.up && l.b.up, 'still up').toBe(true);
  });

  test(`a lane that corrupts every sending: trigger ${REPLAY_LIMIT + 1} without progress takes the sender down (the replay budget), its own lock intact`, async ({ link }) => {
    const l = await link();
    await l.up();
    // At BER 1e-3 a 1024-byte frame (130 blocks, 8580 bits) arrives intact about once in 5000
    // sendings, while b keeps its lock (a bad sync header in about 500 blocks).
    l.ab.faults({ ber: 1e-3 });
    await l.a.sendUnchecked(0, frame(6, 1024, 0, 2));
    const t0 = l.a.sim.time('ns');
    const down = await l.a.waitDown((REPLAY_LIMIT + 2) * REPLAY_TIMEOUT);
    const cycles = (l.a.sim.time('ns') - t0) / CLOCK_NS;
    expect(down, `a down by the replay budget within ${REPLAY_LIMIT + 2} timeouts`).toBe(true);
    l.ab.faults({});
    l.a.model.fail('replay-budget');
    // One NAK (b NAKs once until a good frame), then an expiry after each replay: the fifth
    // trigger finds REPLAY_LIMIT replays done. a's receiver (lane ba is clean) never lost lock,
    // and b never restarted: neither rule (b) nor (c).
    await l.a.expectRegs({ FRAMES_SENT: 1, FRAMES_REPLAYED: REPLAY_LIMIT, NAKS_RECEIVED: 1, TIMER_EXPIRIES: REPLAY_LIMIT }, [RX_BUFFERS - 1, RX_BUFFERS]);
    expect(await l.a.state(), 'a down').toBe(LinkState.Down);
    expect(cycles, 'down at the trigger after the NAK and REPLAY_LIMIT timeouts').toBeLessThan((REPLAY_LIMIT + 1) * REPLAY_TIMEOUT);
    expect(cycles, 'not before REPLAY_LIMIT timeouts').toBeGreaterThan(REPLAY_LIMIT * REPLAY_TIMEOUT);
    expect(await l.b.counter('FRAMES_RECEIVED'), 'nothing got through').toBe(0);
    expect(await l.b.counter('NAKS_SENT'), 'b NAKed the first sending only').toBe(1);
  });

  test('an ACK that comes during a timer replay cuts it short, also in the middle of the sequence space (una + next new = 4094: window compares that wrap there)', async ({ link }) => {
    const l = await link();
    await l.up();
    const clk = l.a.dut.clk_i;
    // Seq 0..2032 acknowledged as usual (1-byte frames: three blocks each).
    const first = 2033;
    for (let i = 0; i < first; i++) void l.a.send(0, frame(9, 1, i, 2));
    await l.b.recv(0, first);
    await ClockCycles(clk, 100);
    // Seq 2033..2046, seven per vc (the FCs are lost too), while the return lane is cut: b
    // takes them all, a sees none of the ACKs and replays from 2033 on its timer.
    const cut = l.ba.cut(clk, 300);
    for (let i = 0; i < 14; i++) void l.a.send((i % 2) as 0 | 1, frame(10, 1, i, 2));
    await cut;
    await drained(l);
    await ClockCycles(clk, REPLAY_TIMEOUT + 200);
    expect(await l.a.counter('TIMER_EXPIRIES'), 'one expiry').toBe(1);
    // b's ACK of seq 2046 for the first duplicate reaches a some 22 cycles into the replay,
    // eight frames in; the rest, acknowledged, are skipped.
    const replayed = await l.a.counter('FRAMES_REPLAYED');
    expect(replayed, 'frames replayed before the ACK stopped the replay').toBeGreaterThan(0);
    expect(replayed, 'not all 14: the acknowledged ones were skipped').toBeLessThan(11);
    expect(await l.b.counter('FRAMES_RECEIVED'), 'each once').toBe(first + 14);
    expect(l.a.up && l.b.up, 'still up').toBe(true);
  });

  test(`a cut of ${BOUNDS.cutResumes} cycles (the budget less relock) under traffic resumes without loss or duplication`, async ({ link }) => {
    const l = await link();
    await l.up();
    traffic(l, 10, 12);
    await ClockCycles(l.a.dut.clk_i, 300);
    await l.ab.cut(l.a.dut.clk_i, BOUNDS.cutResumes);
    await drained(l);
    expect(l.a.up && l.b.up, 'never went down').toBe(true);
    expect(await l.b.counter('LOCK_LOSSES'), 'b lost lock in the cut').toBe(1);
    expect(await l.a.counter('TIMER_EXPIRIES'), 'a replayed on its timer').toBeGreaterThan(0);
  });

  test(`a cut of ${BOUNDS.cutDowns} cycles takes both ends down (sticky, irq) until both restart; then frames flow again`, async ({ link }) => {
    const l = await link();
    await l.up();
    traffic(l, 20, 6);
    await ClockCycles(l.a.dut.clk_i, 200);
    const cut = l.ab.cut(l.a.dut.clk_i, BOUNDS.cutDowns);
    await cut;
    for (const e of [l.b, l.a]) await downed(e);
    // Sticky: still down well after the lane came back.
    await ClockCycles(l.a.dut.clk_i, 2000);
    for (const e of [l.a, l.b]) expect(await e.state(), `${e.options.prefix} stays down`).toBe(LinkState.Down);
    await l.a.restart();
    await l.b.restart();
    await l.up();
    for (const e of [l.a, l.b]) expect(await e.state(), `${e.options.prefix} up again`).toBe(LinkState.Up);
    traffic(l, 30, 4);
    await drained(l);
  });
});

/** `e` went down: STATE Down, STATUS.DOWN and irq_o set, and the reference agrees. */
async function downed(e: HsiEnv): Promise<void> {
  await e.waitDown();
  e.model.fail('lock-timeout');
  expect(await e.state(), `${e.options.prefix}: STATE`).toBe(LinkState.Down);
  expect(e.model.state).toBe(LinkState.Down);
  expect(HSI_STATUS.DOWN.get(await e.readReg('STATUS')), `${e.options.prefix}: STATUS.DOWN`).toBe(1);
  expect(e.irq, `${e.options.prefix}: irq_o`).toBe(true);
}
