// vitest globalSetup. Before a run: clears the reports of the last. After it: merges the
// coverage groups the test files saved (<reports>/coverage/*.json) into coverage.json and a
// readable coverage.txt, and renders RTL coverage when COVERAGE=1.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { coverageText, mergeCoverage, type CoverageData } from './coverage.js';
import { reportsDir } from './paths.js';
import { writePerTestCoverage } from './rtl-coverage.js';

const dir = path.join(reportsDir(), 'coverage');

const rtl = path.join(reportsDir(), 'rtl-coverage');

export function setup(): void {
  rmSync(dir, { recursive: true, force: true });  // hits of this run only
  rmSync(rtl, { recursive: true, force: true });
}

/** COVERAGE=1: merges every run's .dat with verilator_coverage and renders it with genhtml. */
function rtlCoverage(): void {
  const datDir = path.join(rtl, 'dat');
  if (!existsSync(datDir)) return;
  const dats = readdirSync(datDir).filter((f) => f.endsWith('.dat')).map((f) => path.join(datDir, f));
  if (!dats.length) return;
  const info = path.join(rtl, 'coverage.info');
  execFileSync('verilator_coverage', ['--write', path.join(rtl, 'merged.dat'), ...dats]);
  execFileSync('verilator_coverage', ['--write-info', info, ...dats]);
  const out = execFileSync('genhtml', ['--quiet', '-o', path.join(rtl, 'html'), info], { encoding: 'utf8' });
  console.log(`\nRTL coverage of ${dats.length} run(s): ${path.join(rtl, 'html', 'index.html')}${out ? `\n${out}` : ''}`);
  const perTest = writePerTestCoverage();
  if (perTest) console.log(`RTL line coverage per test: ${perTest}`);
}

export function teardown(): void {
  if (process.env.COVERAGE === '1') rtlCoverage();
  if (!existsSync(dir)) return;
  const parts = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CoverageData);
  const merged = mergeCoverage(parts);
  writeFileSync(path.join(reportsDir(), 'coverage.json'), `${JSON.stringify(merged, null, 2)}\n`);
  const text = coverageText(merged);
  writeFileSync(path.join(reportsDir(), 'coverage.txt'), text);
  console.log(`\nfunctional coverage (${path.relative(process.cwd(), path.join(reportsDir(), 'coverage.txt'))}):\n${text}`);
}
