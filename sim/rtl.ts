/**
 * The headline on the RTL (`make sim`): tb/system's system_tb with the benches' flash parts, a
 * management processor per cell running models/mgmt's firmware unchanged (tb/system/env.ts),
 * normal vc 0 traffic between every pair of cells, observed through the line's deframer and the
 * receivers' taken frames only. Writes waves/system.fst (and its .gtkw) unless told not to.
 */
import path from 'node:path';
import { ClockCycles, Simulator } from '../bridge/src/index.js';
import { ROOT } from '../bridge/src/paths.js';
import { Bench } from '../tb/common/bench.js';
import { SystemEnv } from '../tb/system/env.js';
import { systemTb } from '../tb/system/tops.js';
import { MgmtChunks, type ChunkEvent, type SimEvent } from './events.js';
import { headlineImages, type Headline } from './headline.js';
import { outcomes, SIM_PLATFORM, type SimRun } from './run.js';
import { charCycles } from '../models/uart/line.js';
import { writeGtkw } from './gtkw.js';

/** How the RTL run traces. */
export interface RtlOptions {
  /** The waveform, a path under waves/; undefined: none. */
  readonly waves?: string;
  /** Trace the scrambled lanes and the PCS too (they barely compress). @defaultValue false */
  readonly lanes?: boolean;
  /** Cycles between looks at the observers (one round trip each). @defaultValue 20 000 */
  readonly step?: number;
}

/** What the RTL run adds to a {@link SimRun}. */
export interface RtlRun extends SimRun {
  readonly roundTrips: number;
  readonly messages: number;
  /** vc 0 frames sent and delivered intact during the run. */
  readonly traffic: { readonly sent: number; readonly delivered: number };
  /** The healed cells whose flash holds the image, byte for byte (a backdoor read at the end). */
  readonly intact: readonly number[];
  /** Wall time from the reset's release to the last heal (the simulation, without the start and the checks). */
  readonly loopSeconds: number;
  readonly waves?: string;
}

/** Runs `h` on the RTL until every errored cell announced the newest version valid, or `limit` cycles. */
export async function runOnRtl(h: Headline, onEvent: (e: SimEvent) => void, limit: number, options: RtlOptions = {}): Promise<RtlRun> {
  const t0 = performance.now();
  const { image, images } = headlineImages(h);
  const sim = await Simulator.start(systemTb(h.cells, 'bench', { lanes: options.lanes }));
  try {
    if (options.waves) await sim.trace(options.waves);
    const bench = new Bench(sim);
    const env = bench.compose(new SystemEnv(sim as never, sim.dut, {
      images, seed: h.seed, timing: SIM_PLATFORM.timing, uartDiv: SIM_PLATFORM.uartDiv, regionBytes: SIM_PLATFORM.regionBytes,
      traffic: { every: 8192, maxBytes: 1024 },
    }));
    await bench.reset();
    sim.resetStats();
    const tLoop = performance.now();
    const events: SimEvent[] = [];
    const mgmt = new MgmtChunks();
    const left = new Set(h.errored.keys());
    let messages = 0;
    let frames = 0;
    const step = options.step ?? 20_000;
    let now = 0;
    for (; left.size > 0 && now < limit; now = Number(sim.now / 10_000n)) {
      await ClockCycles(sim.dut.clk_i, step);
      const ms = await env.observe();
      await env.traffic!.drain();
      env.traffic!.check(false);
      const batch: SimEvent[] = [];
      for (; messages < ms.length; messages++) {
        batch.push({ ...ms[messages]!, kind: 'message' });
        const chunk = mgmt.take(ms[messages]!);
        if (chunk) batch.push(chunk);
      }
      for (; frames < env.taken.length; frames++) {
        const f = env.taken[frames]!;
        batch.push({ kind: 'chunk', time: f.cycle, src: f.src, dst: f.cell, offset: f.offset, bytes: f.bytes, path: 'hsi' } satisfies ChunkEvent);
      }
      batch.sort((a, b) => a.time - b.time || (a.kind === b.kind ? 0 : a.kind === 'message' ? -1 : 1));
      for (const e of batch) {
        events.push(e);
        onEvent(e);
        if (e.kind === 'message' && e.name === 'Announce' && e.fields.status === 1 && e.fields.fw_version === h.version
          && events.some((c) => c.kind === 'chunk' && c.dst === e.src)) left.delete(e.src);
      }
    }
    const loopSeconds = (performance.now() - tLoop) / 1000;
    const intact: number[] = [];
    for (const cell of h.errored.keys()) {
      if (Buffer.compare(Buffer.from(await env.read(cell, image.length)), Buffer.from(image)) === 0) intact.push(cell);
    }
    // The traffic in flight arrives; then every flow must be whole.
    env.traffic!.stop();
    await ClockCycles(sim.dut.clk_i, 50_000);
    await env.traffic!.drain();
    env.traffic!.check(true);
    const roundTrips = sim.perf().roundTrips;
    if (options.waves) {
      await sim.trace(undefined);
      writeGtkw(path.join(ROOT, options.waves), h.cells, { lanes: options.lanes ?? false });
    }
    const ch = charCycles(env.config.uart);
    return {
      engine: 'rtl', headline: h, events, end: now, cells: outcomes(h, events, ch), wallSeconds: (performance.now() - t0) / 1000, charCycles: ch,
      roundTrips, messages, traffic: env.traffic!.totals, intact, loopSeconds, waves: options.waves,
    };
  } finally {
    await sim.close();
  }
}
