/**
 * The headline on the fleet model (`make sim --models`): models/fleet with each cell's firmware
 * unchanged, observed through the line's deframer and the crossbar's frame log only.
 */
import { Fleet } from '../models/fleet/fleet.js';
import { charCycles } from '../models/uart/line.js';
import type { ChunkEvent, SimEvent } from './events.js';
import { headlineImages, type Headline } from './headline.js';
import { outcomes, SIM_PLATFORM, type SimRun } from './run.js';

/** Runs `h` until every errored cell announced the newest version valid, or `limit` cycles. */
export async function runOnModels(h: Headline, onEvent: (e: SimEvent) => void, limit: number): Promise<SimRun> {
  const t0 = performance.now();
  const f = new Fleet({ images: headlineImages(h).images, seed: h.seed, ...SIM_PLATFORM });
  const events: SimEvent[] = [];
  const emit = (e: SimEvent): void => {
    events.push(e);
    onEvent(e);
  };
  const left = new Set(h.errored.keys());
  /** The chunk each cell asked for last over the management bus: its response carries no offset. */
  const asked = new Map<number, number>();
  let messages = 0;
  let frames = 0;
  const end = await f.run(limit, () => {
    // Messages and frames in time order: the frame log and the line are each in order already.
    const batch: SimEvent[] = [];
    for (; messages < f.monitor.messages.length; messages++) {
      const m = f.monitor.messages[messages]!;
      batch.push({ ...m, kind: 'message' });
      if (m.name === 'RequestFirmwareData' && m.request) asked.set(m.src, m.fields.offset as number);
      if (m.name === 'RequestFirmwareData' && !m.request && m.cc === 0 && m.dst !== undefined) {
        batch.push({ kind: 'chunk', time: m.time, src: m.src, dst: m.dst, offset: asked.get(m.dst) ?? 0, bytes: (m.fields.data as Uint8Array).length, path: 'mgmt' });
      }
      if (m.name === 'Announce' && m.fields.status === 1 && m.fields.fw_version === h.version
        && events.some((e) => e.kind === 'chunk' && e.dst === m.src)) left.delete(m.src);
    }
    for (; frames < f.hsi.frames.length; frames++) {
      const x = f.hsi.frames[frames]!;
      if (x.vc === 1 && x.fate === 'delivered') batch.push({ kind: 'chunk', time: x.time, src: x.src, dst: x.dst, offset: x.offset, bytes: x.bytes, path: 'hsi' } satisfies ChunkEvent);
    }
    batch.sort((a, b) => a.time - b.time).forEach(emit);
    return left.size === 0;
  });
  const ch = charCycles(f.config.uart);
  return { engine: 'models', headline: h, events, end, cells: outcomes(h, events, ch), wallSeconds: (performance.now() - t0) / 1000, charCycles: ch };
}
