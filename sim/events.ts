/**
 * What `make sim` shows of a heal, from passive observers only (the management line's deframer,
 * the crossbar's frame log): the same events whether the fleet model or the RTL produced them, so
 * the timeline, the progress bars and the report are written once.
 */
import type { BusMessage } from '../models/fleet/bus_monitor.js';

/** A message seen whole on the management line, at the cycle its last character ended. */
export interface MessageEvent extends BusMessage {
  readonly kind: 'message';
}

/** A piece of an image that reached its receiver: a vc 1 frame, or a RequestFirmwareData chunk. */
export interface ChunkEvent {
  readonly kind: 'chunk';
  readonly time: number;
  readonly src: number;
  readonly dst: number;
  readonly offset: number;
  readonly bytes: number;
  readonly path: 'hsi' | 'mgmt';
}

export type SimEvent = MessageEvent | ChunkEvent;

/** Orders events by time, messages before chunks of the same cycle (a stable sort keeps the rest). */
export function byTime(events: readonly SimEvent[]): SimEvent[] {
  return [...events].sort((a, b) => a.time - b.time || (a.kind === b.kind ? 0 : a.kind === 'message' ? -1 : 1));
}

/**
 * The management path's chunks as the line shows them: a RequestFirmwareData response with CC 0
 * carries no offset, so each belongs to the request its receiver sent last.
 */
export class MgmtChunks {
  readonly #asked = new Map<number, number>();

  /** The chunk `m` delivers, if it is one. */
  take(m: BusMessage): ChunkEvent | undefined {
    if (m.name !== 'RequestFirmwareData') return undefined;
    if (m.request) {
      this.#asked.set(m.src, m.fields.offset as number);
      return undefined;
    }
    if (m.cc !== 0 || m.dst === undefined) return undefined;
    return { kind: 'chunk', time: m.time, src: m.src, dst: m.dst, offset: this.#asked.get(m.dst) ?? 0, bytes: (m.fields.data as Uint8Array).length, path: 'mgmt' };
  }
}
