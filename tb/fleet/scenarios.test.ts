// The healing method on the fleet model, scenario by scenario (issue 15; the claim table of
// models/mgmt/README.md points here). Each asserts the end state (bulk reads of the flash parts)
// and the order of each conversation from the line's passive deframer and the crossbar's frame
// log, never from what the firmware says of itself.
import { describe, expect, test } from 'vitest';
import { Fleet, type FleetOptions } from '../../models/fleet/fleet.js';
import { buildImage, ImageStatus, patternBody, variant, type ImageVariant } from '../../models/image.js';
import { CompletionCode, ANNOUNCE_FLAGS } from '../../models/mgmt/messages.js';
import { SpiNorCmd } from '../../models/flash/spi_flash_pkg.js';
import { expectHolds, expectInOrder, expectNoFrameBeforeAck, first, healSteps, runUntilAnnounced, step } from './observe.js';

const IMAGE = buildImage(3, patternBody(8192 - 24, 3));
const LIMIT = 60_000_000;

async function healed(o: FleetOptions, fds: readonly number[], limit = LIMIT): Promise<{ f: Fleet; end: number }> {
  const f = new Fleet(o);
  const end = await runUntilAnnounced(f, fds, 3, limit);
  expect(end, `cells ${fds.join(', ')} did not announce version 3 valid by cycle ${limit}`).toBeDefined();
  for (const c of fds) expectHolds(f, c, IMAGE);
  return { f, end: end! };
}

describe('errored images heal over the HSI (claims 27-30, 32-34)', () => {
  test.each<ImageVariant>(['missing', 'corrupt-header', 'corrupt-body', 'outdated'])('%s', async (v) => {
    const { f } = await healed({ images: [IMAGE, variant(IMAGE, v, 77)], seed: 1 }, [1]);
    const first1 = first(f, (m) => m.name === 'Announce' && m.src === 1)!;
    expect(first1.fields.status, 'the errored cell first announced what its checker found').toBe(v === 'missing' ? ImageStatus.Missing : v === 'corrupt-header' ? ImageStatus.CorruptHeader : v === 'corrupt-body' ? ImageStatus.CorruptBody : ImageStatus.Valid);
    if (v === 'outdated') expect(first1.fields.fw_version).toBe(2);
    // Pull or push, whichever came first (the pull test below has only the pull).
    expectInOrder(f.monitor.conversation(0, 1), healSteps(0, 1, false), 'the heal');
    expectNoFrameBeforeAck(f, 0, 1);
    expect(f.hsi.frames.filter((x) => x.dst === 1 && x.fate === 'delivered').length, 'the image came over the HSI, 512 bytes a frame').toBe(IMAGE.length / 512);
    expect(f.monitor.named('RequestFirmwareData')).toEqual([]);
  });
});

describe('who starts', () => {
  test('pull (claim 27): FW_ERROR_NOTIFY, its CC 0 acknowledgement, then the push sequence', async () => {
    const { f } = await healed({ images: [IMAGE, undefined], seed: 2, config: { push: false } }, [1]);
    expectInOrder(f.monitor.conversation(0, 1), healSteps(0, 1, true), 'pull');
    // Refusals may come first (NotReady while the update cell still listens); the CC 0 one is the acknowledgement.
    const ack = first(f, (m) => m.name === 'FwErrorNotify' && !m.request && m.src === 0 && m.cc === CompletionCode.Success);
    expect(ack, 'claim 27: the update cell acknowledged the request for valid firmware').toBeDefined();
    expect(f.hsi.frames[0]!.time).toBeGreaterThan(ack!.time);
  });

  test('push (claims 33, 35): RequestUpdate without any FW_ERROR_NOTIFY, its CC 0 acknowledgement before any frame', async () => {
    const { f } = await healed({ images: [IMAGE, variant(IMAGE, 'corrupt-body', 5)], seed: 3, config: { pull: false } }, [1]);
    expect(f.monitor.named('FwErrorNotify')).toEqual([]);
    expectInOrder(f.monitor.conversation(0, 1), healSteps(0, 1, false), 'push');
    expectNoFrameBeforeAck(f, 0, 1);
  });
});

describe('the management path (claim 31)', () => {
  test('the errored cell\'s lane is down before the transfer: RequestFirmwareData chunks complete it', async () => {
    const { f } = await healed({ images: [IMAGE, undefined], seed: 4, faults: [{ kind: 'cut', cell: 1, at: 0 }] }, [1]);
    expect(f.hsi.frames.filter((x) => x.dst === 1 && x.fate === 'delivered')).toEqual([]);
    const chunks = f.monitor.named('RequestFirmwareData', true).filter((m) => m.src === 1);
    expect([...new Set(chunks.map((m) => m.fields.offset))]).toEqual(Array.from({ length: IMAGE.length / 512 }, (_, k) => k * 512));
    expectInOrder(f.monitor.conversation(0, 1), [step(0, 1, 'HsiLinkEnable'), step(1, 0, 'HsiLinkEnable', CompletionCode.HsiDown), step(1, 0, 'RequestFirmwareData'), step(1, 0, 'TransferComplete'), step(0, 1, 'ActivateFirmware')], 'fallback');
  });

  test('the lane goes down during the transfer: the management path goes on from the last whole frame, nothing erased again', async () => {
    const f = new Fleet({ images: [IMAGE, undefined], seed: 5 });
    await f.run(LIMIT, () => f.hsi.frames.filter((x) => x.dst === 1).length >= 4);
    f.inject({ kind: 'cut', cell: 1, at: f.q.now() });
    const end = await runUntilAnnounced(f, [1], 3, LIMIT);
    expect(end).toBeDefined();
    expectHolds(f, 1, IMAGE);
    const got = f.hsi.frames.filter((x) => x.dst === 1 && x.fate === 'delivered');
    expect(got.length, 'some frames came over the HSI before the cut').toBeGreaterThan(0);
    const chunks = f.monitor.named('RequestFirmwareData', true).filter((m) => m.src === 1);
    const resume = chunks[0]!.fields.offset as number;
    expect(resume % 512).toBe(0);
    expect(resume, 'resumed at or below the frames that arrived').toBeLessThanOrEqual(Math.max(...got.map((x) => x.offset)) + 512);
    expect(resume, 'the frames written before the cut were not fetched again').toBeGreaterThan(0);
    const erases = f.cell(1)!.flash.ctrl.transactions.filter((t) => t.opcode === SpiNorCmd.Se || t.opcode === SpiNorCmd.Be);
    expect(erases.length, 'one erase of the extent, none after the cut').toBe(2);
  });
});

describe('the lanes of the update cell, and short cuts', () => {
  test('the update cell\'s own lane goes down during the send: it stops the send; the errored cell goes on over the management bus', async () => {
    const f = new Fleet({ images: [IMAGE, undefined], seed: 5 });
    await f.run(LIMIT, () => f.hsi.frames.filter((x) => x.dst === 1).length >= 4);
    f.inject({ kind: 'cut', cell: 0, at: f.q.now() });
    const end = await runUntilAnnounced(f, [1], 3, LIMIT);
    expect(end, 'healed although the sender\'s lane stayed down').toBeDefined();
    expectHolds(f, 1, IMAGE);
    const chunks = f.monitor.named('RequestFirmwareData', true).filter((m) => m.src === 1);
    expect(chunks.length, 'the rest came over the management bus').toBeGreaterThan(0);
    expect(chunks[0]!.fields.offset, 'from the last whole frame written, not from 0').toBeGreaterThan(0);
    expectInOrder(f.monitor.conversation(0, 1), [step(1, 0, 'RequestFirmwareData'), step(1, 0, 'TransferComplete'), step(0, 1, 'ActivateFirmware'), step(1, 0, 'ActivateFirmware', CompletionCode.Success)], 'fallback after the sender\'s cut');
  });

  test('a lane cut beyond the budget and joined again: Down is sticky, the MP restarts its link at once, it comes back up', async () => {
    const { f, end } = await healed({ images: [IMAGE, undefined], seed: 4, faults: [{ kind: 'cut', cell: 1, at: 0, until: 40_000_000 }] }, [1]);
    expect(end, 'healed over the management bus while the lane was dark').toBeLessThan(40_000_000);
    expect(f.hsi.isUp(1)).toBe(false);
    await f.run(40_000_000 + 10_000, () => false);
    expect(f.hsi.isUp(1), 'the link trained once its lane worked').toBe(true);
  });

  test('a cut shorter than the replay budget (4 x 1024 cycles) stalls the lane and resumes: every frame once, none over the management bus', async () => {
    for (const cell of [0, 1]) {
      const f = new Fleet({ images: [IMAGE, undefined], seed: 5 });
      await f.run(LIMIT, () => f.hsi.frames.filter((x) => x.dst === 1).length >= 4);
      const at = f.q.now();
      f.inject({ kind: 'cut', cell, at, until: at + 1000 });
      const end = await runUntilAnnounced(f, [1], 3, LIMIT);
      expect(end, `healed after a short cut of cell ${cell}'s lane`).toBeDefined();
      expectHolds(f, 1, IMAGE);
      const got = f.hsi.frames.filter((x) => x.dst === 1);
      expect(got.map((x) => x.fate), 'nothing dropped').not.toContain('dropped');
      expect(got.map((x) => x.offset), 'every frame once, in order').toEqual(Array.from({ length: IMAGE.length / 512 }, (_, k) => k * 512));
      expect(got.some((x) => x.time > at && x.time < at + 1000 + 1024), 'no frame arrived during the cut and its replay wait').toBe(false);
      expect(f.monitor.named('RequestFirmwareData')).toEqual([]);
    }
  });
});

describe('faults', () => {
  test('the update cell stops mid-transfer: the next holder finishes, resuming where the transfer stood', async () => {
    const f = new Fleet({ images: [IMAGE, IMAGE, undefined], seed: 6 });
    await f.run(LIMIT, () => f.hsi.frames.filter((x) => x.src === 0 && x.dst === 2).length >= 6);
    f.inject({ kind: 'stop', cell: 0, at: f.q.now() });
    const end = await runUntilAnnounced(f, [2], 3, LIMIT);
    expect(end).toBeDefined();
    expectHolds(f, 2, IMAGE);
    expect(f.hsi.frames.some((x) => x.src === 0 && x.dst === 2 && x.fate === 'delivered'), 'cell 0 had begun').toBe(true);
    const resumed = f.monitor.named('HsiLinkEnable', false).filter((m) => m.src === 2 && m.dst === 1);
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed[0]!.fields.start_offset, 'resumed (same fw_version and body_crc32), not restarted').toBeGreaterThan(0);
    expectInOrder(f.monitor.conversation(1, 2), [step(1, 2, 'RequestUpdate'), step(2, 1, 'RequestUpdate', CompletionCode.Success), step(1, 2, 'HsiLinkEnable'), step(1, 2, 'ActivateFirmware'), step(2, 1, 'ActivateFirmware', CompletionCode.Success)], 'takeover');
    expectNoFrameBeforeAck(f, 1, 2);
  });

  test('power loss while programming: missing or corrupt at the next check, then healed', async () => {
    const f = new Fleet({ images: [IMAGE, undefined], seed: 7 });
    await f.run(LIMIT, () => f.hsi.frames.filter((x) => x.dst === 1).length >= 5 && f.cell(1)!.flash.writing === 'dma-rx');
    const cut = f.q.now();
    f.inject({ kind: 'power', cell: 1, at: cut });
    const end = await runUntilAnnounced(f, [1], 3, LIMIT);
    expect(end).toBeDefined();
    expectHolds(f, 1, IMAGE);
    const after = first(f, (m) => m.name === 'Announce' && m.src === 1 && m.time > cut)!;
    expect([ImageStatus.Missing, ImageStatus.CorruptHeader, ImageStatus.CorruptBody]).toContain(after.fields.status);
  });

  test('a faulty peer\'s image (wrong bytes behind a good CRC claim) is rejected, never activated; another holder heals', async () => {
    const f = new Fleet({ images: [IMAGE, undefined, IMAGE], seed: 8, faultySenders: [0] });
    const end = await runUntilAnnounced(f, [1], 3, LIMIT);
    expect(end).toBeDefined();
    expectHolds(f, 1, IMAGE);
    const bad = f.monitor.named('VerifyComplete', true).filter((m) => m.src === 1 && m.dst === 0);
    expect(bad.map((m) => m.fields.result)).toContain(1);
    expect(f.monitor.named('ActivateFirmware', false).filter((m) => m.src === 1 && m.dst === 0 && m.cc === CompletionCode.Success)).toEqual([]);
    expect(f.monitor.named('ActivateFirmware', false).some((m) => m.src === 1 && m.dst === 2 && m.cc === CompletionCode.Success)).toBe(true);
  });
});

describe('the fleet', () => {
  test('N = 8, three errored at once: one update cell serves all three through its destination mask', async () => {
    const images = [IMAGE, IMAGE, undefined, IMAGE, variant(IMAGE, 'corrupt-body', 9), IMAGE, variant(IMAGE, 'outdated'), IMAGE];
    const { f } = await healed({ images, seed: 9 }, [2, 4, 6]);
    for (const fd of [2, 4, 6]) {
      expectInOrder(f.monitor.conversation(0, fd), healSteps(0, fd, false), `cell ${fd}`);
      expectNoFrameBeforeAck(f, 0, fd);
    }
    // One send: each offset went to the three before the next offset.
    const sent = f.hsi.frames.filter((x) => x.src === 0);
    expect(sent.slice(0, 3).map((x) => [x.offset, x.dst])).toEqual([[0, 2], [0, 4], [0, 6]]);
    expect(new Set(sent.map((x) => x.src))).toEqual(new Set([0]));
  });

  test('no valid image anywhere: every cell reports it, nothing is written', async () => {
    const f = new Fleet({ images: [undefined, variant(IMAGE, 'corrupt-header', 3), variant(IMAGE, 'corrupt-body', 4)], seed: 10 });
    const before = f.chips.map((c) => c.mem.slice());
    await f.run(f.config.settle + 3 * f.config.announcePeriod);
    for (let c = 0; c < 3; c++) {
      const reports = f.monitor.named('Announce').filter((m) => m.src === c && (m.fields.flags as number) & ANNOUNCE_FLAGS.NONE_VALID);
      expect(reports.length, `cell ${c} reported that no valid image exists`).toBeGreaterThan(0);
      expect(f.cell(c)!.flash.ctrl.transactions.filter((t) => [SpiNorCmd.Pp, SpiNorCmd.Se, SpiNorCmd.Be, SpiNorCmd.Ce].includes(t.opcode))).toEqual([]);
      expect(Buffer.compare(Buffer.from(f.chips[c]!.mem), Buffer.from(before[c]!))).toBe(0);
    }
    expect(f.monitor.messages.filter((m) => m.name !== 'Announce')).toEqual([]);
  });
});

test('a run is a pure function of its seed: the same line, the same frames, the same flash', async () => {
  const run = async (): Promise<string> => {
    const f = new Fleet({ images: [IMAGE, variant(IMAGE, 'corrupt-body', 3), undefined], seed: 11, faults: [{ kind: 'noise', at: 0, until: 400_000, rate: 0.01 }] });
    await runUntilAnnounced(f, [1, 2], 3, LIMIT);
    return JSON.stringify([f.monitor.messages.map((m) => [m.time, m.src, m.name, m.cc]), f.hsi.frames, f.q.now()]);
  };
  expect(await run()).toBe(await run());
});
