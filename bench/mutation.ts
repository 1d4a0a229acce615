// `make bench`, mutation scores (bench/out/mutation.json): each block's score from its last
// mutation run (`make mutate BLOCK=<block>`, reports/mutation/<block>.json), with the run's
// sample, seed, speed figure and time; a block with no run is left out. Reported, not rerun:
// a mutation run takes minutes to an hour.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportsDir, ROOT } from '../bridge/src/paths.js';
import type { MutationReport } from '../tools/mutate/report.js';

const dir = path.join(reportsDir(), 'mutation');
const blocks: Record<string, unknown> = {};
for (const f of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : []) {
  const r = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as MutationReport;
  blocks[r.block] = {
    score: r.score, target: r.target, met: r.met, counts: r.counts, points: r.points, run: r.run, not_run: r.notRun.length, seed: r.seed, jobs: r.jobs,
    test_seconds_per_mutant: r.speed.meanTestSecondsPerMutant, testbench_test_seconds: r.speed.testbenchTestSeconds,
    speed_factor: r.speed.factor, wall_s: r.wallSeconds, date: r.date,
  };
  console.log(`bench: mutation ${r.block}: ${r.score === null ? 'n/a' : `${(r.score * 100).toFixed(1)} %`} of ${r.counts.killed + r.counts.timeout + r.counts.survived} non-equivalent mutants killed (${r.run} of ${r.points} points, ${(r.wallSeconds / 60).toFixed(1)} min${r.notRun.length ? `; ${r.notRun.length} of the sample not run yet` : ''})`);
}
if (!Object.keys(blocks).length) console.log('bench: mutation: no mutation run yet (make mutate BLOCK=<block>)');
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'out', 'mutation.json'), `${JSON.stringify({ date: new Date().toISOString(), blocks }, null, 2)}\n`);
