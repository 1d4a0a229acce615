// make sim's GTKWave save file (sim/gtkw.ts) against a waveform of the system top it is for: every
// signal it names is in the FST (bridge/src/fst.ts reads the names GTKWave would show), its trace
// flags are GTKWave's (hex, binary, decimal values; comments; a group per cell, the first open).
import { rmSync, readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { ClockCycles } from '../../bridge/src/index.js';
import { fstSignals } from '../../bridge/src/fst.js';
import { REPLAY_FOR_WAVES, wavePath } from '../../bridge/src/vitest.js';
import { buildImage, patternBody } from '../../models/image.js';
import { writeGtkw } from '../../sim/gtkw.js';
import { benchTest } from '../common/bench_test.js';
import { SHORT_FLASH_TIMING, SYSTEM_TEST_WALL_MS, SystemEnv } from './env.js';
import { systemTb } from './tops.js';

const test2 = benchTest(systemTb(2), { simTimeout: [10, 'ms'] });

/** GTKWave's flags as its save files write them (TraceEntFlagBits): what each line of ours may be. */
const FLAGS: Record<string, string> = {
  '@22': 'hex', '@28': 'binary', '@24': 'decimal', '@200': 'comment',
  '@800200': 'group begin', '@c00200': 'closed group begin', '@1000200': 'group end', '@1401200': 'closed group end',
};

describe('make sim: the .gtkw', REPLAY_FOR_WAVES, () => {
  test2('names only signals the waveform has, with GTKWave\'s flags, a group per cell', async ({ sim, dut, bench, task }) => {
    const b = bench();
    b.compose(new SystemEnv(sim as never, dut, { images: [buildImage(1, patternBody(1000, 1)), undefined], seed: 1, timing: SHORT_FLASH_TIMING }));
    const fst = wavePath(task.file.filepath, 'system');
    await sim.trace(fst);
    await b.reset();
    await ClockCycles(dut.clk_i, 2000);
    await sim.trace(undefined);
    const have = new Set(fstSignals(fst));
    const lines = readFileSync(writeGtkw(fst, 2, { lanes: false }), 'utf8').split('\n').filter((l) => l && !l.startsWith('['));
    const signals = lines.filter((l) => l.startsWith('TOP.'));
    expect(signals.filter((s) => !have.has(s)), 'named in the .gtkw, not in the waveform').toEqual([]);
    expect(signals.length).toBeGreaterThan(60);
    const flags = lines.filter((l) => l.startsWith('@'));
    expect(flags.filter((f) => !FLAGS[f]), 'flags GTKWave does not write').toEqual([]);
    const groups = lines.flatMap((l, i) => (FLAGS[l]?.includes('group') ? [`${FLAGS[l]} ${lines[i + 1]}`] : []));
    expect(groups).toEqual(['group begin -cell 0', 'group end -cell 0', 'closed group begin -cell 1', 'closed group end -cell 1']);
    for (const f of [fst, fst.replace(/\.fst$/, '.gtkw')]) rmSync(f);
  }, SYSTEM_TEST_WALL_MS);
});
