/**
 * The bound a heal is held to (issues 15 and 16), term by term: one image read (the boot check)
 * + the handshake (each message between the update cell and the healed cell once, its framed
 * characters plus one idle character, at the UART's character time) + the erase of the image's
 * extent + the slowest stream (the sender's flash read, the HSI at ceil(P/8) + 2 blocks a frame,
 * the receiver's page programs with their SPI shift and tPP) + the verify read. On the
 * management path (claim 31) the stream's line term is the RequestFirmwareData chunks instead:
 * each chunk's request and response once, framed, plus an idle character each. The fleet bench,
 * `make sim`'s report and the RTL heal bench all use this one function.
 */
import { flashOpCycles, type FlashTiming } from '../cell/flash_timing.js';
import { FlashOp } from '../flash/spi_flash_pkg.js';
import { eraseExtent } from '../mgmt/flash_jobs.js';
import { frame } from '../mgmt/framing.js';
import { encodePacket, splitMessage } from '../mgmt/mctp.js';
import { encodeRequest, encodeResponse, type MessageName, type RequestOf, type ResponseOf } from '../mgmt/messages.js';
import type { BusMessage } from './bus_monitor.js';
import { frameBlocks } from './hsi_fabric.js';

/** Image bytes of a firmware frame (two flash pages), after its 4-byte offset. */
const FRAME_BYTES = 512;
/** The image header's bytes: the boot check and the verify read it, then the body. */
const HEADER_BYTES = 24;

/** What the bound is computed for. */
export interface HealBoundOptions {
  /** The image's length, header included. */
  readonly imageBytes: number;
  readonly timing: FlashTiming;
  /** The flash controller's SPI divisor. */
  readonly flashDiv: number;
  /** Cycles of one character on the management line. */
  readonly charCycles: number;
  /** The path the image took. @defaultValue 'hsi' */
  readonly path?: 'hsi' | 'mgmt';
}

/** The bound and its terms, in cycles. */
export interface HealBound {
  readonly total: number;
  readonly terms: {
    readonly image_read: number;
    readonly handshake: number;
    readonly erase: number;
    readonly stream: number;
    /** `hsi` on the HSI path, `mgmt_bus` on the management path. */
    readonly stream_terms: { readonly sender_read: number; readonly hsi?: number; readonly mgmt_bus?: number; readonly receiver_programs: number };
    readonly verify_read: number;
  };
}

/** Characters a message takes on the line: its packets framed (escapes included). */
export function framedChars(m: BusMessage): number {
  const body = m.request
    ? encodeRequest(m.name, m.instance, m.fields as RequestOf<MessageName>)
    : encodeResponse(m.name, m.instance, m.cc!, m.fields as ResponseOf<MessageName>);
  return splitMessage(body, { dst: 0x10, src: 0x11, tagOwner: m.request, tag: 0 }).reduce((n, p) => n + frame(encodePacket(p)).length, 0);
}

/**
 * The bound of `healed`'s heal by `updater`, its handshake from the messages the line's deframer
 * saw between the two (each once: a retry is the heal's own cost, not the bound's).
 */
export function healBound(messages: readonly BusMessage[], updater: number, healed: number, o: HealBoundOptions): HealBound {
  const read = (n: number): number => flashOpCycles(o.timing, o.flashDiv, FlashOp.Read, 0, n);
  const between = messages.filter((m) => m.name !== 'Announce' && ((m.src === updater && m.dst === healed) || (m.src === healed && m.dst === updater)));
  const idleChar = (m: BusMessage): number => framedChars(m) * o.charCycles + o.charCycles;
  const handshake = between
    .filter((m) => m.name !== 'RequestFirmwareData')
    .filter((m, i, all) => all.findIndex((x) => x.name === m.name && x.request === m.request && x.src === m.src) === i)
    .reduce((c, m) => c + idleChar(m), 0);
  const erase = eraseExtent(o.imageBytes).reduce((c, r) => c + flashOpCycles(o.timing, o.flashDiv, r.op, r.addr, r.len), 0);
  const frames = Math.ceil(o.imageBytes / FRAME_BYTES);
  const senderRead = frames * read(FRAME_BYTES);
  const programs = frames * flashOpCycles(o.timing, o.flashDiv, FlashOp.Program, 0, FRAME_BYTES);
  const line = o.path === 'mgmt' ? { mgmt_bus: chunkCycles(between, healed, idleChar) } : { hsi: frames * 2 * frameBlocks(FRAME_BYTES + 4) };
  const stream = Math.max(senderRead, line.mgmt_bus ?? line.hsi ?? 0, programs);
  const imageRead = read(HEADER_BYTES) + read(o.imageBytes - HEADER_BYTES);
  return {
    total: imageRead + handshake + erase + stream + imageRead,
    terms: { image_read: imageRead, handshake, erase, stream, stream_terms: { sender_read: senderRead, ...line, receiver_programs: programs }, verify_read: imageRead },
  };
}

/** Each chunk's RequestFirmwareData and its answer once (a response belongs to the request before it; escapes make their lengths differ). */
function chunkCycles(between: readonly BusMessage[], healed: number, cycles: (m: BusMessage) => number): number {
  const byOffset = new Map<number, { req: number; rsp?: number }>();
  let last: number | undefined;
  for (const m of between) {
    if (m.name !== 'RequestFirmwareData') continue;
    if (m.request && m.src === healed) {
      last = m.fields.offset as number;
      if (!byOffset.has(last)) byOffset.set(last, { req: cycles(m) });
    } else if (!m.request && last !== undefined && m.cc === 0) {
      const c = byOffset.get(last)!;
      c.rsp ??= cycles(m);
    }
  }
  return [...byOffset.values()].reduce((t, c) => t + c.req + (c.rsp ?? 0), 0);
}
