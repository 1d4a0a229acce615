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
