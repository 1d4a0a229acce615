// Per-test RTL line coverage (`COVERAGE=1`): the simTest fixture records which coverage files
// (.dat, one per run of the model) each test's runs wrote; at the end of the vitest run the
// global teardown turns each test's files into the source lines it executed, in
// <reports>/rtl-coverage/per-test.json. A tool that needs "which tests execute this line" (the
// mutation runner, tools/mutate/) reads that file.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, reportsDir } from './paths.js';

/** What one test's runs of the model wrote: its .dat files (names in the dat folder). */
export interface TestCoverageRecord {
  /** The test file, relative to the repository root. */
  readonly file: string;
  /** The describe blocks' names and the test's, joined by spaces (what `vitest -t` matches). */
  readonly name: string;
  /** The top (its module) the test simulated. */
  readonly top: string;
  readonly dats: readonly string[];
}

/** Source file (relative to the repository root) → lines. */
export type LinesByFile = Record<string, number[]>;

/** <reports>/rtl-coverage/per-test.json. */
export interface PerTestCoverage {
  /** Every line that is a coverage point in some test's files, whether executed or not. */
  readonly points: LinesByFile;
  /** Per test: the lines its runs executed (count > 0). */
  readonly tests: readonly (Omit<TestCoverageRecord, 'dats'> & { readonly lines: LinesByFile })[];
}

const rtlDir = (): string => path.join(reportsDir(), 'rtl-coverage');
const recordsDir = (): string => path.join(rtlDir(), 'tests');

let recordCount = 0;
/** Writes one test's record (called by the simTest fixture under `COVERAGE=1`). */
export function saveTestCoverage(record: TestCoverageRecord): void {
  mkdirSync(recordsDir(), { recursive: true });
  writeFileSync(path.join(recordsDir(), `${process.pid}-${recordCount++}.json`), JSON.stringify(record));
}

/** An lcov tracefile's `DA:line,count` lines: file → line → count. */
export function parseLcov(info: string): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  let cur: Map<number, number> | undefined;
  for (const line of info.split('\n')) {
    if (line.startsWith('SF:')) {
      const file = line.slice(3).trim();
      cur = out.get(file) ?? new Map<number, number>();
      out.set(file, cur);
    } else if (line.startsWith('DA:') && cur) {
      const [l, n] = line.slice(3).split(',');
      const ln = Number(l);
      cur.set(ln, (cur.get(ln) ?? 0) + Number(n));
    } else if (line.startsWith('end_of_record')) {
      cur = undefined;
    }
  }
  return out;
}

/**
 * `file` relative to the repository root. A cached build names its sources where it was built
 * (another clone, a scratch copy): the path's longest tail that names a file here is taken.
 */
function rel(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const parts = file.split(path.sep).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const tail = parts.slice(i).join('/');
    if (existsSync(path.join(ROOT, tail))) return tail;
  }
  return file;
}

/** The lines of `dats` (full paths): every coverage point, and those executed. */
function linesOf(dats: readonly string[], tmp: string): { points: Map<string, Set<number>>; hit: LinesByFile } {
  const info = path.join(tmp, 'test.info');
  execFileSync('verilator_coverage', ['--write-info', info, ...dats]);
  const points = new Map<string, Set<number>>();
  const hit: LinesByFile = {};
  for (const [file, lines] of parseLcov(readFileSync(info, 'utf8'))) {
    const f = rel(file);
    const all = points.get(f) ?? new Set<number>();
    const executed: number[] = [];
    for (const [l, n] of lines) {
      all.add(l);
      if (n > 0) executed.push(l);
    }
    points.set(f, all);
    if (executed.length) hit[f] = executed.sort((a, b) => a - b);
  }
  return { points, hit };
}

/**
 * Turns the records of this run into <reports>/rtl-coverage/per-test.json (the global
 * teardown calls it under `COVERAGE=1`); returns its path, or undefined when no test recorded.
 */
export function writePerTestCoverage(): string | undefined {
  if (!existsSync(recordsDir())) return undefined;
  const records = readdirSync(recordsDir()).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(recordsDir(), f), 'utf8')) as TestCoverageRecord)
    .sort((a, b) => (a.file === b.file ? a.name.localeCompare(b.name) : a.file.localeCompare(b.file)));
  if (!records.length) return undefined;
  const datDir = path.join(rtlDir(), 'dat');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cellbench-pertest-'));
  try {
    const points = new Map<string, Set<number>>();
    const tests: PerTestCoverage['tests'][number][] = [];
    for (const r of records) {
      const dats = r.dats.map((d) => path.join(datDir, d)).filter((d) => existsSync(d));
      const { points: p, hit } = dats.length ? linesOf(dats, tmp) : { points: new Map<string, Set<number>>(), hit: {} };
      for (const [f, ls] of p) {
        const acc = points.get(f) ?? new Set<number>();
        for (const l of ls) acc.add(l);
        points.set(f, acc);
      }
      tests.push({ file: r.file, name: r.name, top: r.top, lines: hit });
    }
    const out: PerTestCoverage = {
      points: Object.fromEntries([...points].sort(([a], [b]) => a.localeCompare(b)).map(([f, ls]) => [f, [...ls].sort((a, b) => a - b)])),
      tests,
    };
    const file = path.join(rtlDir(), 'per-test.json');
    writeFileSync(file, `${JSON.stringify(out)}\n`);
    return file;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
