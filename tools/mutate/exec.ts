// Running the repository's own tools inside a scratch copy: vitest on chosen tests (its JSON
// report read back), and the build of chosen tops. Every child runs in its own process group,
// so a run past its time limit is stopped with everything it started (harnesses included).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../../bridge/src/paths.js';

/** One test as vitest's JSON report gives it. */
export interface TestResult {
  /** Test file, relative to the repository root. */
  readonly file: string;
  /** The describe blocks' names and the test's, joined by spaces. */
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled';
  readonly seconds: number;
  /** The first line of the first failure message. */
  readonly failure?: string;
}

/** A vitest run: its tests, whether it ran past its limit, and the end of its output. */
export interface VitestRun {
  readonly tests: readonly TestResult[];
  readonly timedOut: boolean;
  readonly code: number | null;
  readonly output: string;
  readonly wallSeconds: number;
}

/** The environment of a run inside a slot: this one without what would change the inner run. */
export function innerEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
    !/^(VITEST|TEST$|NODE_ENV$|SEED$|WAVES$|CI$|COVERAGE$|SIM_|CELLBENCH_(REPORTS|LINT|FIXTURES|GENERATE|SHRINK)$)/.test(k)));
  return { ...env, NO_COLOR: '1', ...extra };
}

/** The process groups of the children still running, stopped with this process (Ctrl-C). */
const running = new Set<number>();

/** Stops every child still running (each with everything it started). */
export function stopAll(): void {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** Runs `args` with node in `cwd`; resolves with its output and whether it was stopped at `timeoutMs`. */
function node(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; out: string; timedOut: boolean; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child.pid!);
    let out = '';
    const keep = (s: Buffer): void => {
      out = (out + s.toString('utf8')).slice(-64_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('close', (code) => {
      running.delete(child.pid!);
      clearTimeout(timer);
      resolve({ code, out, timedOut, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

interface JsonReport {
  testResults: { name: string; assertionResults: { fullName: string; status: TestResult['status']; duration?: number | null; failureMessages?: string[] }[] }[];
}

/** `name` escaped for a regular expression. */
const escape = (name: string): string => name.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** Options of {@link runVitest}. */
export interface VitestOptions {
  /** Test files, relative to the slot's root. */
  readonly files: readonly string[];
  /** Only these tests (full names); all of the files' tests when absent. */
  readonly names?: readonly string[];
  /** Stop at the first failing test. */
  readonly bail?: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** The whole run's limit: past it, it is stopped (and counts as timed out). */
  readonly timeoutMs: number;
  /** Where the run writes its reports (`CELLBENCH_REPORTS`) and its JSON report. */
  readonly reports: string;
}

/** Runs vitest in the scratch copy at `root`, one file at a time, and reads its JSON report. */
export async function runVitest(root: string, o: VitestOptions): Promise<VitestRun> {
  const json = path.join(o.reports, 'vitest.json');
  rmSync(json, { force: true });
  const args = [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...o.files, '--no-file-parallelism',
    // Each test's own wall-clock limit as long as the run's: under load (or coverage) a test may
    // take several times its usual time, and a mutant that hangs is stopped by the run's limit.
    '--reporter=json', `--outputFile.json=${json}`, `--testTimeout=${o.timeoutMs}`, ...(o.bail ? ['--bail=1'] : []),
    ...(o.names ? ['-t', `^(?:${o.names.map(escape).join('|')})$`] : [])];
  const r = await node(root, args, { ...o.env, CELLBENCH_REPORTS: o.reports }, o.timeoutMs);
  const report = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as JsonReport) : { testResults: [] };
  const tests = report.testResults.flatMap((f) => f.assertionResults.map((a): TestResult => {
    const failure = a.failureMessages?.[0]?.split('\n')[0];
    return {
      file: path.relative(root, f.name),
      name: a.fullName,
      status: a.status,
      seconds: (a.duration ?? 0) / 1000,
      ...(failure ? { failure } : {}),
    };
  }));
  return { tests, timedOut: r.timedOut, code: r.code, output: r.out, wallSeconds: r.seconds };
}

/** Tops building in a scratch copy, one after the other, each awaited on its own. */
export interface BuildRun {
  /** Resolves when `top` is built: with undefined, or with why it does not build. */
  done(top: string): Promise<string | undefined>;
  /** Stops what is still building and removes its half-built folders from the cache. */
  stop(): Promise<void>;
}

/** Starts building (or with `lintOnly` elaborating) `tops` in the scratch copy at `root`. */
export function startBuild(root: string, tops: readonly string[], env: NodeJS.ProcessEnv, lintOnly = false): BuildRun {
  const args = [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join('tools', 'mutate', 'build-tops.ts'), ...(lintOnly ? ['--lint-only'] : []), ...tops];
  const child = spawn(process.execPath, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child.pid!);
  const results = new Map<string, string | undefined>();
  const waiting = new Map<string, ((why: string | undefined) => void)[]>();
  let pid: number | undefined;
  let out = '';
  let pending = '';
  let ended = false;
  const settle = (top: string, why: string | undefined): void => {
    results.set(top, why);
    for (const w of waiting.get(top) ?? []) w(why);
    waiting.delete(top);
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out = (out + chunk).slice(-16_000);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const r = JSON.parse(line) as { pid?: number; top?: string; ok?: boolean; message?: string };
      if (r.pid !== undefined) pid = r.pid;
      if (r.top !== undefined) settle(r.top, r.ok ? undefined : (r.message ?? 'failed'));
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    out = (out + chunk).slice(-16_000);
  });
  const closed = new Promise<void>((resolve) => {
    child.on('close', () => {
      running.delete(child.pid!);
      ended = true;
      for (const top of [...waiting.keys()]) settle(top, `the build stopped before top '${top}' was done:\n${out.slice(-3000)}`);
      resolve();
    });
  });
  return {
    done: (top) => {
      if (results.has(top)) return Promise.resolve(results.get(top));
      if (ended) return Promise.resolve(`top '${top}' was not built:\n${out.slice(-3000)}`);
      return new Promise((resolve) => waiting.set(top, [...(waiting.get(top) ?? []), resolve]));
    },
    stop: async () => {
      if (!ended) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
        await closed;
        if (pid !== undefined) {
          const cache = cacheDir();
          for (const e of readdirSync(cache)) if (e.endsWith(`.tmp-${pid}`)) rmSync(path.join(cache, e), { recursive: true, force: true });
        }
      }
    },
  };
}
