// The healing method on the RTL, scenario by scenario (issue 16; the claim table of
// rtl/system/README.md points here): system_tb with a management processor per cell running
// models/mgmt's firmware unchanged. Everything asserted comes from passive observers: the line's
// deframer (env.monitor), the frames each cell's DMA receiver took (env.taken) and bulk reads of
// the flash parts; never from what a firmware says of itself. Small images and the short flash
// timings keep each run within a few hundred thousand cycles.
import { describe, expect } from 'vitest';
import { REPLAY_FOR_WAVES } from '../../bridge/src/vitest.js';
import { type Simulator, Until } from '../../bridge/src/index.js';
import { buildImage, checkImage, ImageStatus, patternBody, variant } from '../../models/image.js';
import { ANNOUNCE_FLAGS, CompletionCode } from '../../models/mgmt/messages.js';
import type { Bench } from '../common/bench.js';
import { benchTest } from '../common/bench_test.js';
import { expectInOrder, healSteps, step } from '../fleet/observe.js';
import { SHORT_FLASH_TIMING, SYSTEM_TEST_WALL_MS, SystemEnv, type SystemEnvOptions } from './env.js';
import type { SystemTbDut } from './gen/system_tb.js';
import { systemTb } from './tops.js';

const IMAGE = buildImage(3, patternBody(4096 - 24, 3));
const FRAMES = IMAGE.length / 512;
const LIMIT = 12_000_000;
const test2 = benchTest(systemTb(2), { simTimeout: [300, 'ms'] });
const test3 = benchTest(systemTb(3), { simTimeout: [300, 'ms'] });
const test4 = benchTest(systemTb(4), { simTimeout: [300, 'ms'] });

/** What start() takes of a test's fixture. */
interface Fixture {
  readonly sim: Simulator<SystemTbDut>;
  readonly dut: SystemTbDut;
  readonly bench: () => Bench<SystemTbDut>;
}

/** The system of `images.length` cells, reset, its MPs running. */
async function start(f: Fixture, o: Omit<SystemEnvOptions, 'timing'> & { readonly cut?: readonly number[] }): Promise<SystemEnv> {
  const b = f.bench();
  const env = b.compose(new SystemEnv(f.sim as never, f.dut, { timing: SHORT_FLASH_TIMING, ...o }));
  const pins = f.dut as unknown as Record<string, { value: number }>;
  for (const c of o.cut ?? []) pins[`c${c}_up_cut_i`]!.value = pins[`c${c}_dn_cut_i`]!.value = 1;
  await b.reset();
  return env;
}

/** Runs until `cells` announced v3 valid; fails naming what the line carried. */
async function healed(env: SystemEnv, cells: readonly number[], after = 0): Promise<number> {
  const end = await env.runUntilAnnounced(cells, 3, LIMIT, after, 20_000);
  expect(end, `cells ${cells.join(', ')} did not announce v3 valid by cycle ${LIMIT}; the line carried:\n${lineText(env)}`).toBeDefined();
  for (const c of cells) await expectHolds(env, c);
  return end!;
}

function lineText(env: SystemEnv): string {
  return env.monitor.messages.map((m) => `${m.time} ${m.src}>${m.dst ?? '*'} ${m.name}${m.request ? '' : `:${m.cc}`}`).join('\n');
}

/** Cell `c`'s part holds the image byte for byte (a backdoor read), and the checker's rule says valid. */
async function expectHolds(env: SystemEnv, c: number): Promise<void> {
  const got = await env.read(c, IMAGE.length);
  const wrong = IMAGE.findIndex((b, k) => got[k] !== b);
  expect(wrong, `cell ${c}: flash byte 0x${wrong.toString(16)} is 0x${got[wrong]?.toString(16)}, the image has 0x${IMAGE[wrong]?.toString(16)}`).toBe(-1);
  expect(checkImage(got).status).toBe(ImageStatus.Valid);
}

/** Claims 27 and 35: no frame from `ua` was taken by `fd` before `fd` acknowledged `ua`'s RequestUpdate. */
function expectNoFrameBeforeAck(env: SystemEnv, ua: number, fd: number): void {
  const frames = env.taken.filter((x) => x.cell === fd && x.src === ua);
  if (!frames.length) return;
  const ack = env.monitor.messages.find((m) => m.name === 'RequestUpdate' && !m.request && m.cc === CompletionCode.Success && m.src === fd && m.dst === ua);
  expect(ack, `cell ${fd} took ${frames.length} frame(s) from cell ${ua} but never acknowledged a RequestUpdate`).toBeDefined();
  expect(frames[0]!.cycle, `the first frame ${ua}→${fd} (cycle ${frames[0]!.cycle}) came before the acknowledgement (cycle ${ack!.time})`).toBeGreaterThan(ack!.time);
}

const offsets = (env: SystemEnv, fd: number): number[] => env.taken.filter((x) => x.cell === fd).map((x) => x.offset);
const chunkOffsets = (env: SystemEnv, fd: number): number[] => env.monitor.named('RequestFirmwareData', true).filter((m) => m.src === fd).map((m) => m.fields.offset as number);
const whole = Array.from({ length: FRAMES }, (_, k) => k * 512);

describe('errored images heal over the HSI (claims 27-30, 32-34)', REPLAY_FOR_WAVES, () => {
  test4('corrupt header, corrupt body and outdated at once, one sender for all three, vc 0 traffic intact throughout', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const images = [IMAGE, variant(IMAGE, 'corrupt-header', 11), variant(IMAGE, 'corrupt-body', 12), variant(IMAGE, 'outdated')];
    const env = await start(f, { images, seed: 21, traffic: { every: 4096, maxBytes: 1024 } });
    await healed(env, [1, 2, 3]);
    const firsts = [1, 2, 3].map((c) => env.monitor.messages.find((m) => m.name === 'Announce' && m.src === c)!);
    expect(firsts.map((m) => m.fields.status), 'each cell first announced what its checker found').toEqual([ImageStatus.CorruptHeader, ImageStatus.CorruptBody, ImageStatus.Valid]);
    expect(firsts[2]!.fields.fw_version, 'the outdated cell announced its older version').toBe(2);
    for (const fd of [1, 2, 3]) {
      expectInOrder(env.monitor.conversation(0, fd), healSteps(0, fd, false), `cell ${fd}`);
      expectNoFrameBeforeAck(env, 0, fd);
      expect(offsets(env, fd).sort((a, b) => a - b), `cell ${fd} took each frame once`).toEqual(whole);
    }
    expect(new Set(env.taken.map((x) => x.src)), 'one sender').toEqual(new Set([0]));
    expect(env.monitor.named('RequestFirmwareData')).toEqual([]);
    // One send to the whole destination mask: offset 0 reached all three.
    const firstOffset = env.taken.filter((x) => x.offset === 0).length;
    expect(firstOffset).toBe(3);
    await env.traffic!.drain();
    env.traffic!.stop();
    await env.runUntil(() => false, Number(f.sim.now / 10_000n) + 40_000);
    await env.traffic!.drain();
    env.traffic!.check(true);
    expect(env.traffic!.totals.delivered, 'vc 0 frames flowed during the heal').toBeGreaterThan(20);
  }, SYSTEM_TEST_WALL_MS);
});

describe('who starts', REPLAY_FOR_WAVES, () => {
  test2('pull (claim 27): FW_ERROR_NOTIFY, its CC 0 acknowledgement, then the push sequence', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const env = await start(f, { images: [IMAGE, undefined], seed: 22, config: { push: false } });
    await healed(env, [1]);
    expectInOrder(env.monitor.conversation(0, 1), healSteps(0, 1, true), 'pull');
    const ack = env.monitor.messages.find((m) => m.name === 'FwErrorNotify' && !m.request && m.src === 0 && m.cc === CompletionCode.Success);
    expect(ack, 'claim 27: the update cell acknowledged the request for valid firmware').toBeDefined();
    expect(env.taken[0]!.cycle).toBeGreaterThan(ack!.time);
    expectNoFrameBeforeAck(env, 0, 1);
  }, SYSTEM_TEST_WALL_MS);

  test2('push (claims 33, 35): RequestUpdate without any FW_ERROR_NOTIFY, its CC 0 acknowledgement before any frame', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const env = await start(f, { images: [IMAGE, variant(IMAGE, 'corrupt-body', 5)], seed: 23, config: { pull: false } });
    await healed(env, [1]);
    expect(env.monitor.named('FwErrorNotify')).toEqual([]);
    expectInOrder(env.monitor.conversation(0, 1), healSteps(0, 1, false), 'push');
    expectNoFrameBeforeAck(env, 0, 1);
  }, SYSTEM_TEST_WALL_MS);
});

describe('the management path (claim 31)', REPLAY_FOR_WAVES, () => {
  test2('the errored cell\'s lanes are cut before the transfer: RequestFirmwareData chunks complete it', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const env = await start(f, { images: [IMAGE, undefined], seed: 24, cut: [1] });
    await healed(env, [1]);
    expect(env.taken, 'no frame came over the HSI').toEqual([]);
    expect([...new Set(chunkOffsets(env, 1))]).toEqual(whole);
    expectInOrder(env.monitor.conversation(0, 1), [step(0, 1, 'HsiLinkEnable'), step(1, 0, 'HsiLinkEnable', CompletionCode.HsiDown), step(1, 0, 'RequestFirmwareData'), step(1, 0, 'TransferComplete'), step(0, 1, 'ActivateFirmware')], 'fallback');
  }, SYSTEM_TEST_WALL_MS);

  test2('the lanes are cut during the transfer: the management path goes on from the last whole frame, nothing erased again', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const env = await start(f, { images: [IMAGE, undefined], seed: 25 });
    expect(await env.runUntil(() => env.taken.length >= 3, LIMIT, 500), 'frames began to arrive').toBe(true);
    const pins = f.dut as unknown as Record<string, { value: number }>;
    pins.c1_up_cut_i!.value = pins.c1_dn_cut_i!.value = 1;
    const cut = Number(f.sim.now / 10_000n);
    await healed(env, [1], cut);
    const before = env.taken.filter((x) => x.cycle <= cut + 100);
    const chunks = chunkOffsets(env, 1);
    expect(chunks.length, 'the rest came over the management bus').toBeGreaterThan(0);
    expect(chunks[0]! % 512).toBe(0);
    expect(chunks[0], 'the frames written before the cut were not fetched again').toBeGreaterThan(0);
    expect(chunks[0], 'resumed at or below the frames taken').toBeLessThanOrEqual(Math.max(...env.taken.map((x) => x.offset)) + 512);
    expect(before.length).toBeGreaterThan(0);
    // One HsiLinkEnable (one erase): the fallback did not prepare again.
    expect(env.monitor.named('HsiLinkEnable', false).filter((m) => m.src === 1 && m.cc === CompletionCode.Success).length).toBe(1);
  }, SYSTEM_TEST_WALL_MS);
});

describe('the link after a cut', REPLAY_FOR_WAVES, () => {
  test2('lanes cut beyond the budget and joined again: the MP restarts its link at once, it comes back up, vc 0 frames reach the cell again', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const env = await start(f, { images: [IMAGE, IMAGE], seed: 31, traffic: { every: 2048, maxBytes: 256 } });
    const traffic = env.traffic!;
    const now = (): number => Number(f.sim.now / 10_000n);
    await env.runUntil(() => false, 20_000, 5000);
    const pins = f.dut as unknown as Record<string, { value: number }>;
    pins.c1_up_cut_i!.value = pins.c1_dn_cut_i!.value = 1;
    const cut = now();
    await env.runUntil(() => false, cut + 20_000, 5000);  // beyond LockTimeout (3072 cycles): both ends Down
    await traffic.drain();
    expect(traffic.got[1]!.filter((x) => x.cycle > cut + 5000), 'nothing reached cell 1 while its lanes were cut').toEqual([]);
    pins.c1_up_cut_i!.value = pins.c1_dn_cut_i!.value = 0;
    const joined = now();
    await env.runUntil(() => false, joined + 40_000, 5000);
    traffic.stop();
    await traffic.drain();
    const after = traffic.got[1]!.filter((x) => x.cycle > joined + 5000);
    expect(after.length, `frames from cell 0 reached cell 1 after its lanes were joined at cycle ${joined}`).toBeGreaterThan(3);
  }, SYSTEM_TEST_WALL_MS);
});

describe('faults', REPLAY_FOR_WAVES, () => {
  test3('the update cell goes off mid-transfer: the next holder finishes, resuming where the transfer stood', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const env = await start(f, { images: [IMAGE, IMAGE, undefined], seed: 26 });
    expect(await env.runUntil(() => env.taken.filter((x) => x.src === 0).length >= 3, LIMIT, 500), 'cell 0 began the send').toBe(true);
    const at = Number(f.sim.now / 10_000n);
    env.stopCell(0);
    await healed(env, [2]);
    const resumed = env.monitor.named('HsiLinkEnable', false).filter((m) => m.src === 2 && m.dst === 1 && m.time > at);
    expect(resumed.length, `cell 1 took over; the line carried:\n${lineText(env)}`).toBeGreaterThan(0);
    expect(resumed[0]!.fields.start_offset, 'resumed (same fw_version and body_crc32), not restarted').toBeGreaterThan(0);
    expect(env.taken.filter((x) => x.cell === 2 && x.src === 1).length, 'cell 1 sent the rest').toBeGreaterThan(0);
    expectNoFrameBeforeAck(env, 1, 2);
    // Back on, cell 0 finds its own image intact and announces it valid again.
    const back = Number(f.sim.now / 10_000n);
    await env.startCell(0);
    await healed(env, [0], back);
  }, SYSTEM_TEST_WALL_MS);

  test3('the update cell is reset mid-transfer and comes back: the send completes, the image whole', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const env = await start(f, { images: [IMAGE, IMAGE, undefined], seed: 30 });
    expect(await env.runUntil(() => env.taken.filter((x) => x.src === 0).length >= 3, LIMIT, 500), 'cell 0 began the send').toBe(true);
    const at = Number(f.sim.now / 10_000n);
    await env.restartCell(0);
    await healed(env, [2], at);
    expect(env.monitor.named('HsiLinkEnable', false).some((m) => m.src === 2 && m.time > at && (m.fields.start_offset as number) > 0), 'a later send resumed where the transfer stood').toBe(true);
  }, SYSTEM_TEST_WALL_MS);

  test2('power loss while programming: missing or corrupt at the next check, then healed', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const env = await start(f, { images: [IMAGE, undefined], seed: 27 });
    expect(await env.runUntil(() => env.taken.length >= 3, LIMIT, 500)).toBe(true);
    await Until(f.dut.clk_i, f.dut.c1_wip_o, 1);
    const at = Number(f.sim.now / 10_000n);
    await env.restartCell(1, { power: true });
    await healed(env, [1], at);
    const after = env.monitor.messages.find((m) => m.name === 'Announce' && m.src === 1 && m.time > at)!;
    expect([ImageStatus.Missing, ImageStatus.CorruptHeader, ImageStatus.CorruptBody], 'the rebooted cell found its image broken').toContain(after.fields.status);
  }, SYSTEM_TEST_WALL_MS);

  test3('a faulty peer\'s image (wrong bytes behind a good CRC claim) is rejected, never activated; another holder heals', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const env = await start(f, { images: [IMAGE, undefined, IMAGE], seed: 28 });
    // Once cell 0 announced its image valid, a byte of its body goes bad behind its back: it sends wrong bytes.
    expect(await env.runUntil(() => env.monitor.messages.some((m) => m.name === 'Announce' && m.src === 0 && m.fields.status === ImageStatus.Valid), LIMIT, 2000)).toBe(true);
    await env.flash[0]!.write(2000, [IMAGE[2000]! ^ 0x5a]);
    await healed(env, [1]);
    const verdicts = env.monitor.named('VerifyComplete', true).filter((m) => m.src === 1 && m.dst === 0).map((m) => m.fields.result);
    expect(verdicts, 'cell 1 reported the image from cell 0 bad').toContain(1);
    expect(env.monitor.named('ActivateFirmware', false).filter((m) => m.src === 1 && m.dst === 0 && m.cc === CompletionCode.Success)).toEqual([]);
    expect(env.monitor.named('ActivateFirmware', false).some((m) => m.src === 1 && m.dst === 2 && m.cc === CompletionCode.Success), 'cell 2 healed it').toBe(true);
  }, SYSTEM_TEST_WALL_MS);

  test2('no valid image anywhere: every cell reports it, nothing is written', async ({ sim, dut, bench }) => {
    const f: Fixture = { sim, dut, bench };
    const bad = variant(IMAGE, 'corrupt-header', 3);
    const env = await start(f, { images: [undefined, bad], seed: 29 });
    const until = env.config.settle + 3 * env.config.announcePeriod;
    await env.runUntil(() => false, until, 50_000);
    for (const c of [0, 1]) {
      const reports = env.monitor.named('Announce').filter((m) => m.src === c && (m.fields.flags as number) & ANNOUNCE_FLAGS.NONE_VALID);
      expect(reports.length, `cell ${c} reported that no valid image exists`).toBeGreaterThan(0);
    }
    expect(Array.from(await env.read(0, IMAGE.length)).every((b) => b === 0xff), 'cell 0 stays erased').toBe(true);
    expect(Buffer.compare(Buffer.from(await env.read(1, IMAGE.length)), Buffer.from(bad)), 'cell 1 unchanged').toBe(0);
    expect(env.monitor.messages.filter((m) => m.name !== 'Announce')).toEqual([]);
  }, SYSTEM_TEST_WALL_MS);
});
