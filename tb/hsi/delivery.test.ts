// The delivery contract (models/hsi/delivery.ts) on its own: what it accepts and what it
// refuses, so the scoreboard of the link tests can fail.
import { describe, expect, test } from 'vitest';
import { DeliveryError, DeliveryModel, type LinkFrame } from '../../models/hsi/delivery.js';

const f = (n: number, len = 4): LinkFrame => ({ data: Uint8Array.from({ length: len }, (_, k) => (n * 16 + k) & 0xff), dst: 2 });
const out = (x: LinkFrame, src = 1) => ({ ...x, src });

function model(n: number): DeliveryModel {
  const m = new DeliveryModel('a -> b vc0', 1);
  for (let i = 0; i < n; i++) m.sent(f(i));
  return m;
}

describe('DeliveryModel', () => {
  test('in order, exactly once, bit-exact: accepted, and the tally says so', () => {
    const m = model(3);
    for (let i = 0; i < 3; i++) m.delivered(out(f(i)));
    expect(m.finish()).toEqual({ sent: 3, delivered: 3, lost: 0 });
  });

  test('a duplicate, a reordering, a changed byte, a wrong src or dst, an invented frame: refused', () => {
    const dup = model(2);
    dup.delivered(out(f(0)));
    expect(() => dup.delivered(out(f(0)))).toThrow(DeliveryError);
    expect(() => model(2).delivered(out(f(1)))).toThrow(/expected sent frame 0/);
    const changed = f(0);
    changed.data[2] = changed.data[2]! ^ 1;
    expect(() => model(1).delivered(out(changed))).toThrow(/byte 2/);
    expect(() => model(1).delivered(out(f(0), 3))).toThrow(/src 3/);
    expect(() => model(1).delivered({ ...out(f(0)), dst: 5 })).toThrow(/dst 5/);
    expect(() => model(0).delivered(out(f(0)))).toThrow(/nothing was sent/);
  });

  test('a frame never delivered fails the verdict, unless a restart came after it was sent', () => {
    expect(() => model(2).finish()).toThrow(/2 frame\(s\) sent and never delivered/);
    const m = model(3);
    m.restarted();
    m.sent(f(3));
    m.delivered(out(f(1)));
    m.delivered(out(f(3)));
    expect(m.finish()).toEqual({ sent: 4, delivered: 2, lost: 2 });
  });

  test('across a restart: old frames may be skipped, never the new ones, never reordered', () => {
    const m = model(2);
    m.restarted();
    m.sent(f(2));
    m.sent(f(3));
    expect(() => m.delivered(out(f(3)))).toThrow(/expected sent frame 2/);
    m.delivered(out(f(2)));
    expect(() => m.delivered(out(f(0)))).toThrow(DeliveryError);
  });
});
