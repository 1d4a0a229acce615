// The RTL against the fleet model (issue 16): one scenario, the same firmware, seed, images and
// part timings on both; each conversation's message sequence (what the line's deframer saw
// between two cells, ANNOUNCEs aside) and the final flash contents must agree, and the heal's
// cycle counts stay within 5 % of each other (the model's claim to stand for the RTL).
import { describe, expect } from 'vitest';
import { REPLAY_FOR_WAVES } from '../../bridge/src/vitest.js';
import { runUntilAnnounced } from '../../models/fleet/converge.js';
import { Fleet } from '../../models/fleet/fleet.js';
import { buildImage, patternBody, variant } from '../../models/image.js';
import { benchTest } from '../common/bench_test.js';
import { SHORT_FLASH_TIMING, SYSTEM_TEST_WALL_MS, SystemEnv } from './env.js';
import { systemTb } from './tops.js';

const IMAGE = buildImage(3, patternBody(4096 - 24, 3));
const LIMIT = 12_000_000;
const test3 = benchTest(systemTb(3), { simTimeout: [200, 'ms'] });

describe('the RTL and the fleet model agree', REPLAY_FOR_WAVES, () => {
  test3('two errored cells (missing, outdated) healed by the one holder: the same conversations, the same flash', async ({ sim, dut, bench }) => {
    const images = [IMAGE, undefined, variant(IMAGE, 'outdated')];
    const seed = 31;
    const b = bench();
    const env = b.compose(new SystemEnv(sim as never, dut, { images, seed, timing: SHORT_FLASH_TIMING }));
    await b.reset();
    const rtlEnd = await env.runUntilAnnounced([1, 2], 3, LIMIT, 0, 20_000);
    expect(rtlEnd, 'the RTL healed both').toBeDefined();

    const f = new Fleet({ images, seed, timing: SHORT_FLASH_TIMING, flashDiv: 0, uartDiv: 1, regionBytes: 1 << 20, partBytes: 1 << 21 });
    const modelEnd = await runUntilAnnounced(f, [1, 2], 3, LIMIT);
    expect(modelEnd, 'the model healed both').toBeDefined();

    for (const [a, c] of [[0, 1], [0, 2], [1, 2]] as const) {
      expect(env.monitor.conversation(a, c), `conversation ${a}-${c}: the RTL (left) and the model`).toEqual(f.monitor.conversation(a, c));
    }
    for (const c of [0, 1, 2]) {
      const rtl = await env.read(c, IMAGE.length);
      expect(Buffer.compare(Buffer.from(rtl), Buffer.from(f.chips[c]!.mem.subarray(0, IMAGE.length))), `cell ${c}'s flash`).toBe(0);
      expect(Buffer.compare(Buffer.from(rtl), Buffer.from(IMAGE)), `cell ${c} holds the image`).toBe(0);
    }
    expect(modelEnd! / rtlEnd!, `heal cycles: model ${modelEnd}, RTL ${rtlEnd}`).toBeGreaterThan(0.95);
    expect(modelEnd! / rtlEnd!, `heal cycles: model ${modelEnd}, RTL ${rtlEnd}`).toBeLessThan(1.05);
    console.log(`differential: RTL healed at ${rtlEnd}, the model at ${modelEnd} (${(modelEnd! / rtlEnd!).toFixed(4)}); ${env.monitor.messages.length} / ${f.monitor.messages.length} messages`);
  }, SYSTEM_TEST_WALL_MS);
});
