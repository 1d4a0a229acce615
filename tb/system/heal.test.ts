// The healing method on the RTL (issue 16): the system top with a management processor per cell
// running the firmware of models/mgmt unchanged, asserted from the line's deframer and bulk reads
// of the flash parts.
import { describe, expect } from 'vitest';
import { REPLAY_FOR_WAVES } from '../../bridge/src/vitest.js';
import { buildImage, checkImage, patternBody } from '../../models/image.js';
import { benchTest } from '../common/bench_test.js';
import { SHORT_FLASH_TIMING, SYSTEM_TEST_WALL_MS, SystemEnv } from './env.js';
import { systemTb } from './tops.js';
import { expectInOrder, healSteps } from '../fleet/observe.js';

const IMAGE = buildImage(3, patternBody(4096 - 24, 3));
const test2 = benchTest(systemTb(2), { simTimeout: [200, 'ms'] });

describe('heal on the RTL', REPLAY_FOR_WAVES, () => {
  test2('a missing image is healed over the HSI by the only holder', async ({ sim, dut, bench }) => {
    const b = bench();
    const env = b.compose(new SystemEnv(sim as never, dut, { images: [IMAGE, undefined], seed: 1, timing: SHORT_FLASH_TIMING }));
    await b.reset();
    const end = await env.runUntilAnnounced([1], 3, 15_000_000);
    const ms = env.monitor.messages;
    expect(end, `cell 1 did not announce v3 valid; the line carried:\n${ms.map((m) => `${m.time} ${m.src}>${m.dst ?? '*'} ${m.name}${m.request ? '' : `:${m.cc}`}`).join('\n')}`).toBeDefined();
    expectInOrder(env.monitor.conversation(0, 1), healSteps(0, 1, false), 'the heal');
    const got = await env.read(1, IMAGE.length);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(IMAGE)), 'cell 1 holds the image').toBe(0);
    expect(checkImage(got).status).toBe(1);
    console.log(`heal on the RTL: cell 1 healed at cycle ${end}; ${sim.perf().roundTrips} round trips for ${ms.length} messages`);
  }, SYSTEM_TEST_WALL_MS);
});
