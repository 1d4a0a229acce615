// What the fleet scenarios assert, read only from passive observers: the line's deframer
// (fleet.monitor), the crossbar's frame log (fleet.hsi.frames) and bulk reads of the flash parts.
import { expect } from 'vitest';
import type { BusMessage } from '../../models/fleet/bus_monitor.js';
import type { Fleet } from '../../models/fleet/fleet.js';
import { checkImage, ImageStatus } from '../../models/image.js';
import { CompletionCode, type MessageName } from '../../models/mgmt/messages.js';

export { runUntilAnnounced } from '../../models/fleet/converge.js';

/** A step of a conversation: `src>dst Name` for a request, `src>dst Name:cc` for a response. */
export const step = (src: number, dst: number, name: MessageName, cc?: CompletionCode): string => `${src}>${dst} ${name}${cc === undefined ? '' : `:${cc}`}`;

/** `want` occurs in `seen` in this order (retries and other steps may come between). */
export function expectInOrder(seen: readonly string[], want: readonly string[], what: string): void {
  let at = 0;
  for (const s of seen) if (s === want[at]) at++;
  expect(at, `${what}: expected, in order:\n  ${want.join('\n  ')}\nseen:\n  ${seen.join('\n  ')}\nmissing from: ${want[at]}`).toBe(want.length);
}

/** The full sequence of a heal of `fd` by `ua`, pull or push. */
export function healSteps(ua: number, fd: number, pull: boolean): string[] {
  return [
    ...(pull ? [step(fd, ua, 'FwErrorNotify'), step(ua, fd, 'FwErrorNotify', CompletionCode.Success)] : []),
    step(ua, fd, 'RequestUpdate'), step(fd, ua, 'RequestUpdate', CompletionCode.Success),
    step(ua, fd, 'HsiLinkEnable'), step(fd, ua, 'HsiLinkEnable', CompletionCode.Success),
    step(fd, ua, 'TransferComplete'), step(ua, fd, 'TransferComplete', CompletionCode.Success),
    step(fd, ua, 'VerifyComplete'), step(ua, fd, 'VerifyComplete', CompletionCode.Success),
    step(fd, ua, 'ApplyComplete'), step(ua, fd, 'ApplyComplete', CompletionCode.Success),
    step(ua, fd, 'ActivateFirmware'), step(fd, ua, 'ActivateFirmware', CompletionCode.Success),
  ];
}

/** The first message matching, or undefined. */
export function first(f: Fleet, p: (m: BusMessage) => boolean): BusMessage | undefined {
  return f.monitor.messages.find(p);
}

/**
 * No vc 1 frame reached `fd` from `ua` before `fd`'s acknowledgement of `ua`'s RequestUpdate
 * (claim 35; in a pull, after claim 27's too): every delivered frame is later than the first ack.
 */
export function expectNoFrameBeforeAck(f: Fleet, ua: number, fd: number): void {
  const ack = first(f, (m) => m.name === 'RequestUpdate' && !m.request && m.cc === CompletionCode.Success && m.src === fd && m.dst === ua);
  const frames = f.hsi.frames.filter((x) => x.src === ua && x.dst === fd && x.fate === 'delivered');
  if (!frames.length) return;
  expect(ack, `cell ${fd} received ${frames.length} image frame(s) from cell ${ua} but never acknowledged a RequestUpdate`).toBeDefined();
  expect(frames[0]!.time, `the first image frame ${ua}→${fd} (cycle ${frames[0]!.time}) came before the acknowledgement (cycle ${ack!.time})`).toBeGreaterThan(ack!.time);
}

/** Cell `i`'s flash holds `image` byte for byte, and the checker's rule says valid. */
export function expectHolds(f: Fleet, i: number, image: Uint8Array): void {
  const mem = f.chips[i]!.mem;
  const wrong = image.findIndex((b, k) => mem[k] !== b);
  expect(wrong, `cell ${i}: flash byte 0x${wrong.toString(16)} is 0x${mem[wrong]?.toString(16)}, the image has 0x${image[wrong]?.toString(16)}`).toBe(-1);
  expect(ImageStatus[checkImage(mem.subarray(0, f.regionBytes), f.regionBytes).status]).toBe('Valid');
}
