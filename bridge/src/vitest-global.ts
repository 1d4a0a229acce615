// vitest globalSetup: at the end of a run, merges the coverage groups the test files saved
// (reports/coverage/*.json) into reports/coverage.json and a readable reports/coverage.txt.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { coverageText, mergeCoverage, type CoverageData } from './coverage.js';
import { ROOT } from './paths.js';

const dir = path.join(ROOT, 'reports', 'coverage');

export function setup(): void {
  rmSync(dir, { recursive: true, force: true });  // hits of this run only
}

export function teardown(): void {
  if (!existsSync(dir)) return;
  const parts = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CoverageData);
  const merged = mergeCoverage(parts);
  writeFileSync(path.join(ROOT, 'reports', 'coverage.json'), `${JSON.stringify(merged, null, 2)}\n`);
  const text = coverageText(merged);
  writeFileSync(path.join(ROOT, 'reports', 'coverage.txt'), text);
  console.log(`\nfunctional coverage (reports/coverage.txt):\n${text}`);
}
