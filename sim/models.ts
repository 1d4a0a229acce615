/**
 * The headline on the fleet model (`make sim --models`): models/fleet with each cell's firmware
 * unchanged, observed through the line's deframer and the crossbar's frame log only.
 */
import { Fleet } from '../models/fleet/fleet.js';
import { charCycles } from '../models/uart/line.js';
import { MgmtChunks, type ChunkEvent, type SimEvent } from './events.js';
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
  const mgmt = new MgmtChunks();
  let messages = 0;
  let frames = 0;
  const end = await f.run(limit, () => {
    // Messages and frames in time order: the frame log and the line are each in order already.
    const batch: SimEvent[] = [];
    for (; messages < f.monitor.messages.length; messages++) {
      const m = f.monitor.messages[messages]!;
      batch.push({ ...m, kind: 'message' });
      const chunk = mgmt.take(m);
      if (chunk) batch.push(chunk);
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
