// Builds every top of tb/**/tops.ts into the cache before the tests run (make test), so a
// cold cache costs build time here, once and visibly, not inside a test's time limit.
// COVERAGE=1 builds the coverage variants.
import { buildTop } from '../build.js';
import { loadTops } from './tops.js';

const t0 = performance.now();
let n = 0;
for (const { tops } of await loadTops()) {
  for (const top of tops) {
    await buildTop(top);
    n++;
  }
}
console.log(`make test: ${n} top(s) built or found in the cache in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
