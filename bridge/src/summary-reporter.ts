// A vitest reporter printing cellbench's run summary after the default output: tests, the seeds
// of the failures (to replay), simulated cycles and round trips, randomized (simProperty) cases.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { File, Task } from 'vitest';
import { ROOT } from './paths.js';
import type { Reporter } from 'vitest/reporters';
import type { SimStats } from './simulator.js';

function tests(tasks: readonly Task[]): Task[] {
  return tasks.flatMap((t) => (t.type === 'suite' ? tests(t.tasks) : [t]));
}

export default class SummaryReporter implements Reporter {
  onFinished(files: File[] = []): void {
    const all = tests(files);
    const failed = all.filter((t) => t.result?.state === 'fail');
    let cycles = 0;
    let trips = 0;
    let cases = 0;
    // Per-test functional coverage: the bins each test hit (the merged view is coverage.json).
    const perTest: Record<string, Record<string, number>> = {};
    for (const t of all) {
      const c = (t.meta as { coverage?: Record<string, number> }).coverage;
      if (c && Object.keys(c).length) perTest[`${t.file?.name ?? ''} > ${t.name}`] = c;
    }
    if (Object.keys(perTest).length) {
      mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
      writeFileSync(path.join(ROOT, 'reports', 'coverage-per-test.json'), `${JSON.stringify(perTest, null, 2)}\n`);
    }
    // The digests of what each test saw (SIM_TRACE_DIGEST=1), for bridge/src/cli/digest-check.ts.
    const digests: Record<string, string> = {};
    for (const t of all) {
      const d = (t.meta as { digest?: string }).digest;
      if (d && t.result?.state === 'pass') digests[`${t.file?.name ?? ''} > ${t.name}`] = d;
    }
    if (process.env.SIM_TRACE_DIGEST_FILE) writeFileSync(process.env.SIM_TRACE_DIGEST_FILE, `${JSON.stringify(digests, null, 2)}\n`);
    for (const t of all) {
      cases += (t.meta as { cases?: number }).cases ?? 0;
      const s = (t.meta as { sim?: SimStats }).sim;
      if (s) {
        cycles += s.cycles;
        trips += s.roundTrips;
      }
    }
    const lines = [
      `cellbench: ${all.length - failed.length}/${all.length} tests passed, ${cycles.toLocaleString('en')} simulated cycles in ${trips.toLocaleString('en')} round trips, ${cases.toLocaleString('en')} randomized cases`,
      ...failed.map((t) => {
        const seed = (t.meta as { seed?: number }).seed;
        return `  FAILED ${t.file?.name ?? ''} > ${t.name}${seed !== undefined ? `  (SEED=${seed})` : ''}`;
      }),
    ];
    console.log(`\n${lines.join('\n')}`);
  }
}
