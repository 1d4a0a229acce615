// Builds every top of tb/**/tops.ts into the cache before the tests run (make test), so a
// cold cache costs build time here, once and visibly, not inside a test's time limit; a top
// that does not build (or lint) is reported with its tops.ts. COVERAGE=1 builds the coverage
// variants.
import { buildTop } from '../build.js';
import { describeFailure, loadTops } from './tops.js';

const t0 = performance.now();
let n = 0;
const failures: string[] = [];
try {
  for (const { file, tops } of await loadTops()) {
    for (const top of tops) {
      try {
        await buildTop(top);
        n++;
      } catch (e) {
        failures.push(describeFailure(file, top, e));
      }
    }
  }
} catch (e) {
  failures.push((e as Error).message);
}
for (const f of failures) console.error(`make test: ${f}\n`);
console.log(`make test: ${n} top(s) built or found in the cache in ${((performance.now() - t0) / 1000).toFixed(1)} s${failures.length ? `; ${failures.length} failed (above)` : ''}`);
if (failures.length) process.exitCode = 1;
