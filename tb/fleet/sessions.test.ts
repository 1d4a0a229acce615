// Update sessions beyond the plain heal (issue 15's faults): an update cell that learns of a newer
// image cancels (CancelUpdate), one version with two CRCs (the CONFLICT rule), a new update cell
// whose image differs (the transfer starts over), a healed cell taking over as update cell, and a
// retry answered from the reply cache. Asserted, like tb/fleet/scenarios.test.ts, from the line's
// deframer, the crossbar's frame log, the flash controllers' SPI logs and bulk reads of the parts.
import { describe, expect, test } from 'vitest';
import { Fleet } from '../../models/fleet/fleet.js';
import { SpiNorCmd } from '../../models/flash/spi_flash_pkg.js';
import { buildImage, checkImage, ImageStatus, patternBody } from '../../models/image.js';
import { ANNOUNCE_FLAGS, CompletionCode } from '../../models/mgmt/messages.js';
import { expectHolds, expectInOrder, expectNoFrameBeforeAck, runUntilAnnounced, step } from './observe.js';

const BYTES = 8192;
const image = (v: number, salt = 0): Uint8Array => buildImage(v, patternBody(BYTES - 24, v + salt));
const V2 = image(2);
const V3 = image(3);
const LIMIT = 60_000_000;

/** Cell `cell` (off since cycle 0) comes up now. */
const bootNow = (f: Fleet, cell: number): void => f.inject({ kind: 'stop', cell, at: f.q.now(), until: f.q.now() + 1 });

/** Erases (SE/BE) that cell `cell`'s flash controller sent. */
const erases = (f: Fleet, cell: number): number => f.cell(cell)!.flash.ctrl.transactions.filter((t) => t.opcode === SpiNorCmd.Se || t.opcode === SpiNorCmd.Be).length;

describe('update sessions', () => {
  test('an update cell that learns of a newer image stops its send and cancels (CancelUpdate); the newest holder heals both', async () => {
    // Cell 2 holds v3 but is off at first: cell 0 (v2) serves cell 1 until cell 2 announces.
    const f = new Fleet({ images: [V2, undefined, V3], seed: 21, faults: [{ kind: 'stop', cell: 2, at: 0 }] });
    await f.run(LIMIT, () => f.hsi.frames.filter((x) => x.src === 0 && x.dst === 1 && x.fate === 'delivered').length >= 2);
    bootNow(f, 2);
    const end = await runUntilAnnounced(f, [0, 1], 3, LIMIT);
    expect(end, 'cells 0 and 1 announced v3 valid').toBeDefined();
    expectHolds(f, 0, V3);
    expectHolds(f, 1, V3);
    expectInOrder(f.monitor.conversation(0, 1), [step(0, 1, 'RequestUpdate'), step(1, 0, 'RequestUpdate', CompletionCode.Success), step(0, 1, 'CancelUpdate'), step(1, 0, 'CancelUpdate', CompletionCode.Success)], 'cancel');
    expect(f.monitor.named('ActivateFirmware', true).filter((m) => m.src === 0), 'the v2 image was never activated').toEqual([]);
    const cancelled = f.monitor.named('CancelUpdate', true)[0]!.time;
    expect(f.hsi.frames.filter((x) => x.src === 0 && x.time > cancelled + 10_000), 'the send stopped').toEqual([]);
    for (const fd of [0, 1]) {
      expectInOrder(f.monitor.conversation(2, fd), [step(2, fd, 'RequestUpdate'), step(fd, 2, 'RequestUpdate', CompletionCode.Success), step(2, fd, 'ActivateFirmware'), step(fd, 2, 'ActivateFirmware', CompletionCode.Success)], `cell ${fd} healed by cell 2`);
      expectNoFrameBeforeAck(f, 2, fd);
    }
  });

  test('one version, two CRCs: the higher CRC wins, both cells report the conflict, the lower is healed', async () => {
    const a = image(3, 1);
    const b = image(3, 2);
    const crc = (x: Uint8Array): number => checkImage(x, x.length).info!.bodyCrc32 >>> 0;
    const [lo, hi] = crc(a) < crc(b) ? [a, b] : [b, a];
    // The higher CRC at cell 1: cell 0, the lower EID, is the one healed.
    const f = new Fleet({ images: [lo, hi], seed: 22 });
    let healed = false;
    await f.run(LIMIT, () => (healed = f.monitor.named('Announce').some((m) => m.src === 0 && m.fields.body_crc32 === crc(hi))));
    expect(healed, 'cell 0 announced the higher CRC').toBe(true);
    expectHolds(f, 0, hi);
    for (const c of [0, 1]) {
      expect(f.monitor.named('Announce').some((m) => m.src === c && (m.fields.flags as number) & ANNOUNCE_FLAGS.CONFLICT), `cell ${c} reported the conflict`).toBe(true);
    }
    expectInOrder(f.monitor.conversation(1, 0), [step(1, 0, 'RequestUpdate'), step(0, 1, 'RequestUpdate', CompletionCode.Success), step(1, 0, 'ActivateFirmware'), step(0, 1, 'ActivateFirmware', CompletionCode.Success)], 'the lower CRC healed');
    expect(f.monitor.named('RequestUpdate', true).filter((m) => m.src === 0), 'the lower CRC never offered itself').toEqual([]);
  });

  test('the new update cell holds another image: no resume, the transfer starts over with an erase', async () => {
    // Cell 1 (v2) is off while cell 0 (v3) sends; cell 0 stops mid-transfer, cell 1 comes up.
    const f = new Fleet({ images: [V3, V2, undefined], seed: 23, faults: [{ kind: 'stop', cell: 1, at: 0 }] });
    await f.run(LIMIT, () => f.hsi.frames.filter((x) => x.src === 0 && x.dst === 2 && x.fate === 'delivered').length >= 4);
    f.inject({ kind: 'stop', cell: 0, at: f.q.now() });
    bootNow(f, 1);
    const erasedBefore = erases(f, 2);
    expect(erasedBefore, 'cell 2 erased for cell 0\'s image').toBeGreaterThan(0);
    let done = false;
    await f.run(LIMIT, () => (done = f.monitor.named('Announce').some((m) => m.src === 2 && m.fields.status === ImageStatus.Valid && m.fields.fw_version === 2)));
    expect(done, 'cell 2 announced v2 valid').toBe(true);
    expectHolds(f, 2, V2);
    const enable = f.monitor.named('HsiLinkEnable', false).filter((m) => m.src === 2 && m.dst === 1 && m.cc === CompletionCode.Success);
    expect(enable.length).toBeGreaterThan(0);
    expect(enable[0]!.fields.start_offset, 'another {fw_version, body_crc32}: from offset 0').toBe(0);
    expect(erases(f, 2), 'the extent erased again').toBeGreaterThan(erasedBefore);
  });

  test('a healed cell takes over as update cell when the only original holder is gone', async () => {
    const f = new Fleet({ images: [V3, undefined, undefined], seed: 24, faults: [{ kind: 'stop', cell: 2, at: 0 }] });
    expect(await runUntilAnnounced(f, [1], 3, LIMIT), 'cell 1 healed first').toBeDefined();
    f.inject({ kind: 'stop', cell: 0, at: f.q.now() });
    const gone = f.q.now();
    bootNow(f, 2);
    expect(await runUntilAnnounced(f, [2], 3, LIMIT, gone), 'cell 2 healed by cell 1').toBeDefined();
    expectHolds(f, 2, V3);
    expectInOrder(f.monitor.conversation(1, 2), [step(1, 2, 'RequestUpdate'), step(2, 1, 'RequestUpdate', CompletionCode.Success), step(1, 2, 'HsiLinkEnable'), step(2, 1, 'HsiLinkEnable', CompletionCode.Success), step(1, 2, 'ActivateFirmware'), step(2, 1, 'ActivateFirmware', CompletionCode.Success)], 'takeover by the healed cell');
    expect(f.hsi.frames.filter((x) => x.dst === 2).every((x) => x.src === 1), 'every frame to cell 2 from cell 1').toBe(true);
    expectNoFrameBeforeAck(f, 1, 2);
  });

  test('a lost response: the retry (same instance) is answered from the reply cache, never refused as a second request', async () => {
    // Line noise over the handshake loses frames; the seed is one where the response to a
    // RequestUpdate was lost and the update cell retried it.
    const f = new Fleet({ images: [V3, undefined], seed: 31, faults: [{ kind: 'noise', at: 0, until: 2_000_000, rate: 0.02 }] });
    expect(await runUntilAnnounced(f, [1], 3, LIMIT)).toBeDefined();
    expectHolds(f, 1, V3);
    const requests = f.monitor.messages.filter((m) => m.request && !m.datagram && m.name !== 'Announce');
    // A retry whose first response the responder had sent: the responder's answers to one instance.
    const answered = requests.filter((r, i) => requests.findIndex((x) => x.src === r.src && x.name === r.name && x.instance === r.instance) < i);
    expect(answered.map((r) => r.name), 'a RequestUpdate was retried with its instance id').toContain('RequestUpdate');
    expect(f.monitor.badFrames, 'frames were lost to the noise').toBeGreaterThan(0);
    for (const r of answered) {
      const replies = f.monitor.messages.filter((m) => !m.request && m.src === r.dst && m.dst === r.src && m.name === r.name && m.instance === r.instance);
      expect(new Set(replies.map((m) => m.cc)).size, `${r.name} ${r.src}>${r.dst} #${r.instance}: every answer the same`).toBeLessThanOrEqual(1);
      expect(replies.map((m) => m.cc)).not.toContain(CompletionCode.AlreadyInUpdateMode);
      if (r.name === 'RequestUpdate') expect(replies.map((m) => m.cc), 'the retried RequestUpdate is acknowledged again').toContain(CompletionCode.Success);
    }
    expect(f.firmware(1)!.conv.replays, 'cell 1 answered the retry from its cache (its counter)').toBeGreaterThan(0);
  });
});
