// MCTP packets of the management link: header coding, EIDs, splitting SOM…EOM with seq mod 4, and
// reassembly of interleaved messages with every drop carrying its reason.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { frame, unframe } from '../../models/mgmt/framing.js';
import {
  BROADCAST_EID,
  cellEid,
  decodePacket,
  eidCell,
  encodePacket,
  MAX_CELL_INDEX,
  MctpError,
  MessageType,
  Reassembler,
  splitMessage,
  type MctpPacket,
  type ReassemblyEvent,
  type SplitOptions,
} from '../../models/mgmt/mctp.js';
import { seededTest } from '../../bridge/src/vitest.js';

/** DSP0253's vector: an MCTP control Get Endpoint ID request from EID 8 to the null EID. */
const VECTOR_PACKET = Uint8Array.of(0x01, 0x00, 0x08, 0xc8, 0x00, 0x80, 0x02);

const eid = fc.integer({ min: 0, max: 255 });
const split: fc.Arbitrary<SplitOptions> = fc.record({
  dst: eid,
  src: eid,
  tagOwner: fc.boolean(),
  tag: fc.integer({ min: 0, max: 7 }),
  seqStart: fc.integer({ min: 0, max: 3 }),
});
const message = (maxLength = 1024): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: 1, maxLength });
/** A message of at least three packets, so it has a middle. */
const long = fc.uint8Array({ minLength: 129, maxLength: 1024 });

function reassemble(packets: readonly MctpPacket[], r = new Reassembler()): ReassemblyEvent[] {
  return packets.flatMap((p) => r.push(p));
}
const messagesOf = (events: ReassemblyEvent[]): Uint8Array[] => events.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
const dropsOf = (events: ReassemblyEvent[]): string[] => events.flatMap((e) => (e.kind === 'dropped' ? [e.reason] : []));

describe('packets', () => {
  test("DESIGN.md's vector decodes field by field and encodes back", () => {
    const r = decodePacket(VECTOR_PACKET);
    expect(r).toEqual({
      ok: true,
      packet: { dst: 0x00, src: 0x08, som: true, eom: true, seq: 0, tagOwner: true, tag: 0, payload: Uint8Array.of(0x00, 0x80, 0x02) },
    });
    expect(r.ok && r.packet.payload[0]).toBe(MessageType.MctpControl);
    expect(r.ok && encodePacket(r.packet)).toEqual(VECTOR_PACKET);
  });

  test('every header bit lands in its place', () => {
    const p = { dst: 0x12, src: 0xfe, som: false, eom: true, seq: 2, tagOwner: false, tag: 5, payload: new Uint8Array(0) };
    expect(Array.from(encodePacket(p))).toEqual([0x01, 0x12, 0xfe, 0b0110_0101]);
  });

  test.each([
    ['empty', [], 'too-short'],
    ['three bytes', [0x01, 0x00, 0x08], 'too-short'],
    ['header version 2', [0x02, 0x00, 0x08, 0xc8], 'version'],
    ['reserved bits set', [0x11, 0x00, 0x08, 0xc8], 'version'],
    ['65 payload bytes', [0x01, 0x00, 0x08, 0xc8, ...new Array<number>(65).fill(0)], 'oversize'],
  ])('decode refuses %s', (_, bytes, reason) => {
    expect(decodePacket(bytes)).toMatchObject({ ok: false, reason });
  });

  test('encode refuses fields the header cannot hold', () => {
    const p: MctpPacket = { dst: 0, src: 0, som: true, eom: true, seq: 0, tagOwner: true, tag: 0, payload: new Uint8Array(1) };
    expect(() => encodePacket({ ...p, tag: 8 })).toThrow(MctpError);
    expect(() => encodePacket({ ...p, seq: 4 })).toThrow(/seq 4/);
    expect(() => encodePacket({ ...p, dst: 256 })).toThrow(/dst EID/);
    expect(() => encodePacket({ ...p, payload: new Uint8Array(65) })).toThrow(/splitMessage/);
  });

  seededTest('decode inverts encode, and never throws on any bytes', ({ seed }) => {
    const packet = fc.record({
      dst: eid,
      src: eid,
      som: fc.boolean(),
      eom: fc.boolean(),
      seq: fc.integer({ min: 0, max: 3 }),
      tagOwner: fc.boolean(),
      tag: fc.integer({ min: 0, max: 7 }),
      payload: fc.uint8Array({ maxLength: 64 }),
    });
    fc.assert(
      fc.property(packet, (p) => {
        expect(decodePacket(encodePacket(p))).toEqual({ ok: true, packet: p });
      }),
      { seed, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const r = decodePacket(b);
        expect(r.ok).toBe(b.length >= 4 && b.length <= 68 && b[0] === 1);
      }),
      { seed, numRuns: 300 },
    );
  });
});

test('cell EIDs: 10h + i, broadcast FFh', () => {
  expect(cellEid(0)).toBe(0x10);
  expect(cellEid(MAX_CELL_INDEX)).toBe(0xfe);
  expect(() => cellEid(MAX_CELL_INDEX + 1)).toThrow(MctpError);
  expect(() => cellEid(-1)).toThrow(MctpError);
  expect(eidCell(0x13)).toBe(3);
  expect([eidCell(BROADCAST_EID), eidCell(0x00), eidCell(0x0f)]).toEqual([undefined, undefined, undefined]);
});

describe('splitMessage', () => {
  const to = { dst: 0x11, src: 0x10, tagOwner: true, tag: 3 };

  test('full transmission units SOM…EOM, seq wrapping mod 4 from seqStart', () => {
    const packets = splitMessage(new Uint8Array(200), { ...to, seqStart: 3 });
    expect(packets.map((p) => [p.som, p.eom, p.seq, p.payload.length])).toEqual([
      [true, false, 3, 64],
      [false, false, 0, 64],
      [false, false, 1, 64],
      [false, true, 2, 8],
    ]);
    expect(splitMessage(new Uint8Array(64), to).map((p) => [p.som, p.eom])).toEqual([[true, true]]);
  });

  test('refuses an empty message and bad fields', () => {
    expect(() => splitMessage(new Uint8Array(0), to)).toThrow(/type byte/);
    expect(() => splitMessage(new Uint8Array(1), { ...to, seqStart: 4 })).toThrow(MctpError);
    expect(() => splitMessage(new Uint8Array(1), { ...to, tag: -1 })).toThrow(MctpError);
  });
});

describe('Reassembler', () => {
  const a = { dst: 0x10, src: 0x11, tagOwner: true, tag: 1 };
  const mk = (som: boolean, eom: boolean, seq: number, length: number): MctpPacket => ({ ...a, som, eom, seq, payload: new Uint8Array(length) });

  seededTest('a message comes back whole, through bytes and frames, seq wrapping mod 4', ({ seed }) => {
    fc.assert(
      fc.property(message(), split, (m, o) => {
        const packets = splitMessage(m, o);
        expect(packets.map((p) => p.seq)).toEqual(packets.map((_, i) => ((o.seqStart ?? 0) + i) % 4));
        const stream = packets.flatMap((p) => Array.from(frame(encodePacket(p))));
        const received = unframe(stream).map((e) => {
          if (e.kind !== 'packet') throw new Error(`frame error ${e.reason}: ${e.detail}`);
          const d = decodePacket(e.packet);
          if (!d.ok) throw new Error(`decode error ${d.reason}: ${d.detail}`);
          return d.packet;
        });
        const r = new Reassembler();
        expect(reassemble(received, r)).toEqual([
          { kind: 'message', src: o.src, dst: o.dst, tag: o.tag, tagOwner: o.tagOwner, message: m, packets: Math.ceil(m.length / 64) },
        ]);
        expect(r.pending).toBe(0);
      }),
      { seed, numRuns: 200 },
    );
  });

  seededTest('messages interleaved from two (src, tag, TO) keys both arrive', ({ seed }) => {
    const twoKeys = fc.tuple(split, split).filter(([x, y]) => x.src !== y.src || x.tag !== y.tag || x.tagOwner !== y.tagOwner);
    fc.assert(
      fc.property(message(), message(), twoKeys, fc.array(fc.boolean(), { maxLength: 40 }), (m1, m2, [o1, o2], order) => {
        const q1 = splitMessage(m1, o1);
        const q2 = splitMessage(m2, o2);
        const merged: MctpPacket[] = [];
        for (const first of order) {
          const p = (first ? q1 : q2).shift();
          if (p) merged.push(p);
        }
        merged.push(...q1, ...q2);
        const got = messagesOf(reassemble(merged));
        expect(got).toHaveLength(2);
        expect(got).toContainEqual(m1);
        expect(got).toContainEqual(m2);
      }),
      { seed, numRuns: 200 },
    );
  });

  test('a request and a response with the same src and tag are told apart by TO', () => {
    const m1 = Uint8Array.from({ length: 100 }, (_, i) => i);
    const m2 = Uint8Array.from({ length: 100 }, (_, i) => 255 - i);
    const [r1, r2] = [splitMessage(m1, a), splitMessage(m2, { ...a, tagOwner: false })];
    expect(messagesOf(reassemble([r1[0]!, r2[0]!, r1[1]!, r2[1]!]))).toEqual([m1, m2]);
  });

  seededTest('a lost middle packet drops the message; the next message is fine', ({ seed }) => {
    fc.assert(
      fc.property(long, message(), split, fc.nat(), (m, next, o, at) => {
        const packets = splitMessage(m, o);
        const lost = 1 + (at % (packets.length - 2));
        const sent = [...packets.slice(0, lost), ...packets.slice(lost + 1), ...splitMessage(next, o)];
        const events = reassemble(sent);
        // The packet after the gap is out of sequence; the rest have no SOM to follow.
        expect(dropsOf(events)).toEqual(['seq', ...Array<string>(packets.length - lost - 2).fill('no-som')]);
        expect(events.find((e) => e.kind === 'dropped')?.detail).toMatch(/^expected seq \d, got \d$/);
        expect(messagesOf(events)).toEqual([next]);
        expect(events.reduce((n, e) => n + e.packets, 0)).toBe(sent.length);
      }),
      { seed, numRuns: 200 },
    );
  });

  seededTest('a duplicated packet drops the message; a duplicated EOM only itself', ({ seed }) => {
    fc.assert(
      fc.property(long, split, fc.nat(), (m, o, at) => {
        const packets = splitMessage(m, o);
        const i = 1 + (at % (packets.length - 1));
        const events = reassemble([...packets.slice(0, i + 1), packets[i]!, ...packets.slice(i + 1)]);
        if (i === packets.length - 1) {
          expect(events.map((e) => (e.kind === 'dropped' ? e.reason : e.kind))).toEqual(['message', 'no-som']);
          return;
        }
        expect(dropsOf(events)).toEqual(['seq', ...Array<string>(packets.length - i - 1).fill('no-som')]);
        expect(events[0]?.kind === 'dropped' && events[0].detail).toMatch(/a duplicate/);
        expect(messagesOf(events)).toEqual([]);
      }),
      { seed, numRuns: 200 },
    );
  });

  test('a new SOM in the middle drops the partial message and starts the new one', () => {
    const events = reassemble([mk(true, false, 0, 64), mk(false, false, 1, 64), mk(true, true, 2, 5)]);
    expect(events).toMatchObject([
      { kind: 'dropped', reason: 'restarted', packets: 2, src: a.src, tag: a.tag, tagOwner: a.tagOwner },
      { kind: 'message', message: new Uint8Array(5), packets: 1 },
    ]);
  });

  test.each([
    ['an EOM with no SOM', [mk(false, true, 0, 3)], ['no-som']],
    ['a middle packet shorter than the SOM', [mk(true, false, 0, 64), mk(false, false, 1, 10)], ['size']],
    ['an EOM longer than the SOM', [mk(true, false, 0, 10), mk(false, true, 1, 20)], ['size']],
    ['a SOM without payload', [mk(true, true, 0, 0)], ['empty']],
  ])('drops %s', (_, packets, reasons) => {
    const r = new Reassembler();
    expect(dropsOf(reassemble(packets, r))).toEqual(reasons);
    expect(r.pending).toBe(0);
  });

  test('a short SOM sets the unit its message keeps; an empty EOM closes it', () => {
    const events = reassemble([mk(true, false, 0, 10), mk(false, false, 1, 10), mk(false, true, 2, 0)]);
    expect(events).toMatchObject([{ kind: 'message', message: new Uint8Array(20), packets: 3 }]);
  });
});
