// Commands run at the repository root as a person would type them, for tests that run the
// project's own tools (an inner vitest run, a CLI) and read what they print.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../../bridge/src/paths.js';

const run = promisify(execFile);

/** This environment without what would change an inner run (vitest's own, SEED, WAVES, CI, SIM_…), plus `extra`. */
export function innerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
    !/^(VITEST|TEST$|NODE_ENV$|SEED$|WAVES$|CI$|COVERAGE$|SIM_)/.test(k)));
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs `cmd` in a shell at the repository root; resolves with its output whatever its exit code. */
export async function shell(cmd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('sh', ['-c', cmd], { cwd: ROOT, env, maxBuffer: 16 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}
