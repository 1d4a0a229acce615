// DSP0253 framing of the management link: DESIGN.md's vector byte for byte, every rejection with
// its reason, and properties over random packets, chunking, garbage, bit flips and truncation.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { crc16Mcrf4xx } from '../../models/common/crc.js';
import {
  frame,
  FramingError,
  MAX_FRAMED_PACKET_LENGTH,
  unframe,
  Unframer,
  type FrameErrorReason,
  type FrameEvent,
} from '../../models/mgmt/framing.js';
import { seededTest } from '../../bridge/src/vitest.js';
import { hexBytes as hex } from '../common/hex.js';

const VECTOR_PACKET = Uint8Array.of(0x01, 0x00, 0x08, 0xc8, 0x00, 0x80, 0x02);
const VECTOR_FRAME = Uint8Array.of(0x7e, 0x01, 0x07, 0x01, 0x00, 0x08, 0xc8, 0x00, 0x80, 0x02, 0x2b, 0xc1, 0x7e);

const cat = (...parts: ArrayLike<number>[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const packetsOf = (events: FrameEvent[]): string[] => events.flatMap((e) => (e.kind === 'packet' ? [hex(e.packet)] : []));
const reasonsOf = (events: FrameEvent[]): FrameErrorReason[] => events.flatMap((e) => (e.kind === 'error' ? [e.reason] : []));

/** Bytes where 7Eh and 7Dh are as common as all the others together. */
const byte = fc.oneof(fc.constantFrom(0x7e, 0x7d), fc.integer({ min: 0, max: 255 }));
const packet = fc.array(byte, { minLength: 1, maxLength: MAX_FRAMED_PACKET_LENGTH }).map((b) => Uint8Array.from(b));
/** Noise, heavy in flags, escapes and rev bytes. */
const garbage = fc.array(fc.oneof(fc.constantFrom(0x7e, 0x7d, 0x01, 0x5e, 0x5d), fc.integer({ min: 0, max: 255 })), { maxLength: 24 });

/** Feeds `bytes` cut at `cuts` (fractions of the length) and ends the stream. */
function pushChunked(bytes: Uint8Array, cuts: readonly number[]): FrameEvent[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const u = new Unframer();
  const events: FrameEvent[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    events.push(...u.push(bytes.subarray(from, to)));
    from = to;
  }
  return [...events, ...u.end()];
}
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

describe('frame', () => {
  test("DESIGN.md's vector, byte for byte, and back", () => {
    expect(hex(frame(VECTOR_PACKET))).toBe(hex(VECTOR_FRAME));
    expect(unframe(VECTOR_FRAME)).toEqual([{ kind: 'packet', packet: VECTOR_PACKET }]);
  });

  test('escapes only the packet; the FCS covers the unescaped packet', () => {
    const p = Uint8Array.of(0x7e, 0x7d, 0x01, 0x5e);
    const fcs = crc16Mcrf4xx([0x01, 0x04, ...p]);
    expect(hex(frame(p))).toBe(hex([0x7e, 0x01, 0x04, 0x7d, 0x5e, 0x7d, 0x5d, 0x01, 0x5e, fcs >> 8, fcs & 0xff, 0x7e]));
  });

  test('an FCS byte of 7Eh goes raw and is read by count, not as a flag', () => {
    const withFlagInFcs = (i: number): boolean => {
      const f = frame(Uint8Array.of(i & 0xff, i >> 8));
      return f[f.length - 3] === 0x7e || f[f.length - 2] === 0x7e;
    };
    const i = Array.from({ length: 65536 }, (_, k) => k).find(withFlagInFcs)!;
    const p = Uint8Array.of(i & 0xff, i >> 8);
    expect(unframe(cat(frame(p), frame(p)))).toEqual([{ kind: 'packet', packet: p }, { kind: 'packet', packet: p }]);
  });

  test('refuses packets the sender must never build', () => {
    expect(() => frame(new Uint8Array(0))).toThrow(FramingError);
    expect(() => frame(new Uint8Array(MAX_FRAMED_PACKET_LENGTH + 1))).toThrow(/1\.\.68/);
    expect(frame(new Uint8Array(MAX_FRAMED_PACKET_LENGTH))[2]).toBe(68);
  });
});

describe('unframer, directed', () => {
  const V = VECTOR_FRAME;
  const withByte = (i: number, b: number): Uint8Array => V.map((x, k) => (k === i ? b : x));
  const four = frame(Uint8Array.of(1, 2, 3, 4));
  const cases: [string, Uint8Array, FrameErrorReason[], number][] = [
    ['bad FCS', withByte(11, 0xc0), ['fcs'], 1],
    ['truncated by a flag in the packet', V.subarray(0, 6), ['truncated'], 1],
    ['truncated by a flag in byte_count', V.subarray(0, 2), ['truncated'], 1],
    ['cut inside its FCS (the next opening flag read as FCS, then recovered)', V.subarray(0, 11), ['missing-flag'], 1],
    ['cut before its FCS', V.subarray(0, 10), ['missing-flag'], 1],
    ['byte_count 2 too high (both flags read as FCS, then recovered)', four.map((x, k) => (k === 2 ? 6 : x)), ['missing-flag'], 1],
    ['byte_count too low', withByte(2, 0x05), ['missing-flag'], 1],
    ['invalid escape', cat([0x7e, 0x01, 0x02, 0x7d, 0x41, 0x00, 0x00, 0x00, 0x7e]), ['invalid-escape'], 1],
    ['7Dh right before the flag', cat([0x7e, 0x01, 0x02, 0xaa, 0x7d]), ['invalid-escape'], 1],
    ['byte_count 0', cat([0x7e, 0x01, 0x00, 0x7e]), ['undersize'], 1],
    ['byte_count over 68', cat([0x7e, 0x01, 0x45, ...new Uint8Array(69), 0, 0, 0x7e]), ['oversize'], 1],
    ['wrong revision', withByte(1, 0x02), ['revision'], 1],
    ['missing closing flag', cat(withByte(12, 0x00), [0x55]), ['missing-flag'], 1],
    ['garbage before the first flag', cat([0x55, 0xaa, 0x01]), ['garbage'], 1],
    ['repeated flags between frames', cat(V, [0x7e, 0x7e]), [], 2],
    ['a shared flag between frames', V.subarray(0, 12), [], 2],
  ];
  test.each(cases)('%s', (_, prefix, reasons, packets) => {
    const events = unframe(cat(prefix, V));
    expect(reasonsOf(events)).toEqual(reasons);
    expect(packetsOf(events)).toEqual(Array(packets).fill(hex(VECTOR_PACKET)));
  });

  test('errors carry the offset of the byte that reveals them, and expected vs got', () => {
    const [garbage, fcs] = unframe(cat([0x55], withByte(11, 0xc0)));
    expect(garbage).toMatchObject({ reason: 'garbage', offset: 0, detail: 'expected the opening flag 7Eh, got 55h' });
    expect(fcs).toMatchObject({ reason: 'fcs', offset: 13, detail: 'received FCS 2BC0h, computed 2BC1h over 7 packet bytes' });
  });

  test('the end of the stream inside a frame is a truncation; after a flag it is not', () => {
    expect(reasonsOf(unframe(V.subarray(0, 12)))).toEqual(['truncated']);
    expect(unframe(cat(V, [0x7e]))).toHaveLength(1);
  });
});

describe('unframer, properties', () => {
  seededTest('packets come back in order, through any chunking, shared flags and garbage', ({ seed }) => {
    const gap = fc.oneof(fc.constant<'shared'>('shared'), fc.constant<'flags'>('flags'), garbage);
    fc.assert(
      fc.property(fc.array(fc.tuple(gap, packet), { minLength: 1, maxLength: 8 }), cuts, (frames, c) => {
        const stream = cat(
          ...frames.map(([g, p], i) => {
            const f = frame(p);
            if (g === 'shared') return i === 0 ? f : f.subarray(1);
            return g === 'flags' ? f : cat(g, f);
          }),
        );
        const events = pushChunked(stream, c);
        expect(packetsOf(events)).toEqual(frames.map(([, p]) => hex(p)));
        if (frames.every(([g]) => typeof g === 'string')) expect(reasonsOf(events)).toEqual([]);
      }),
      { seed, numRuns: 500 },
    );
  });

  seededTest('byte soup never throws, and events do not depend on the chunking', ({ seed }) => {
    fc.assert(
      fc.property(fc.array(fc.oneof(garbage, packet.map((p) => Array.from(frame(p))))), cuts, (parts, c) => {
        const stream = cat(...parts);
        expect(pushChunked(stream, c)).toEqual(unframe(stream));
      }),
      { seed, numRuns: 500 },
    );
  });

  seededTest('a flipped bit is rejected, never delivered as another packet, and the next frame still arrives', ({ seed }) => {
    fc.assert(
      fc.property(packet, packet, packet, fc.nat(), fc.integer({ min: 0, max: 7 }), (p, f, g, at, bit) => {
        const bad = frame(f);
        const i = at % bad.length;
        bad[i] = bad[i]! ^ (1 << bit);
        const events = unframe(cat(frame(p), bad, frame(g)));
        expect(packetsOf(events), `bit ${bit} of byte ${i} of ${hex(frame(f))}`).toEqual([hex(p), hex(g)]);
        expect(reasonsOf(events).length).toBeGreaterThan(0);
      }),
      { seed, numRuns: 1000 },
    );
  });

  seededTest('a frame cut short costs only itself', ({ seed }) => {
    fc.assert(
      fc.property(packet, packet, fc.nat(), (f, g, at) => {
        const full = frame(f);
        const cut = full.subarray(0, at % full.length);
        // Without its closing flag a frame is whole: the next opening flag closes it.
        const whole = cut.length === full.length - 1;
        expect(packetsOf(unframe(cat(cut, frame(g))))).toEqual(whole ? [hex(f), hex(g)] : [hex(g)]);
        expect(unframe(cut).map((e) => e.kind === 'error' && e.reason)).toEqual(cut.length >= 2 ? ['truncated'] : []);
      }),
      { seed, numRuns: 500 },
    );
  });
});
