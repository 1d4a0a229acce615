// The mutation report of a block: the score (killed of the non-equivalent mutants), the counts,
// the speed figure, every mutant with its outcome, killing test and diff, and the waivers
// (rtl/<block>/mutants.json: equivalent mutants, each with its reason), stale ones named.
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Mutation } from './points.js';
import type { MutantRun, Outcome } from './runner.js';

/** One waiver: an equivalent mutant (no test can tell it from the design) and why. */
export interface Waiver {
  readonly mutant: string;
  readonly reason: string;
}

/** A waiver file that cannot be used. */
export class WaiverError extends Error {
  override name = 'WaiverError';
}

/** The waivers of `file` (a JSON array of `{ "mutant", "reason" }`); none when it does not exist. */
export function loadWaivers(file: string): Waiver[] {
  if (!existsSync(file)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WaiverError(`${file}: not JSON (${(e as Error).message}); expected [{ "mutant": "<name>", "reason": "<why it is equivalent>" }, …]`);
  }
  if (!Array.isArray(data)) throw new WaiverError(`${file}: expected an array of { "mutant", "reason" }`);
  return data.map((w: unknown, i) => {
    const o = w as Partial<Waiver>;
    if (typeof o?.mutant !== 'string' || typeof o.reason !== 'string' || !o.reason.trim()) {
      throw new WaiverError(`${file}: entry ${i} needs a "mutant" (its name as the report gives it) and a one-line "reason"`);
    }
    return { mutant: o.mutant, reason: o.reason };
  });
}

/** A mutant in the report. */
export interface MutantEntry extends MutantRun {
  readonly name: string;
  readonly kind: Mutation['kind'];
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly from: string;
  readonly to: string;
  readonly diff: string;
  /** The waiver's reason, for a waived (equivalent) mutant. */
  readonly waived?: string;
  /** Taken from an earlier run on the same content (and seed). */
  readonly cached?: boolean;
}

/** reports/mutation/<block>.json. */
export interface MutationReport {
  readonly block: string;
  readonly date: string;
  readonly verilator: string;
  readonly seed: number;
  readonly jobs: number;
  /** Mutation points of the block, and how many were run (all, or a seeded sample of `max`). */
  readonly points: number;
  readonly run: number;
  readonly max?: number;
  /** Mutants of the sample left for a later run (the run's time limit came first). */
  readonly notRun: readonly string[];
  /** killed (timeouts included) / (killed + survived), the waived and the not-elaborating apart. */
  readonly score: number | null;
  readonly target: number;
  readonly met: boolean;
  readonly counts: { readonly killed: number; readonly timeout: number; readonly survived: number; readonly waived: number; readonly notElaborating: number };
  readonly speed: {
    /** The whole block testbench, sum of its tests' times. */
    readonly testbenchTestSeconds: number;
    readonly testbenchTests: number;
    /** Mean over the mutants that elaborate. */
    readonly meanTestSecondsPerMutant: number;
    readonly meanTestsPerMutant: number;
    /** testbenchTestSeconds / meanTestSecondsPerMutant. */
    readonly factor: number | null;
  };
  readonly wallSeconds: number;
  readonly waivers: {
    readonly file: string;
    /** Waivers naming no mutation point of the design. */
    readonly stale: readonly string[];
    /** Waived mutants a test kills after all: the waiver is wrong. */
    readonly killed: readonly string[];
  };
  readonly mutants: readonly MutantEntry[];
}

/** Scores `mutants` against `waivers` (the whole point list tells a stale waiver from one not sampled). */
export function summarize(args: {
  block: string; verilator: string; seed: number; jobs: number; max?: number; target: number; wallSeconds: number;
  allPoints: readonly string[]; mutants: readonly MutantEntry[]; notRun: readonly string[]; waivers: readonly Waiver[]; waiverFile: string;
  testbenchTestSeconds: number; testbenchTests: number;
}): MutationReport {
  const names = new Set(args.allPoints);
  const waiverOf = new Map(args.waivers.map((w) => [w.mutant, w.reason]));
  const mutants = args.mutants.map((m) => {
    const reason = waiverOf.get(m.name);
    return reason !== undefined ? { ...m, waived: reason } : m;
  });
  const count = (o: Outcome, waived?: boolean): number => mutants.filter((m) => m.outcome === o && (waived === undefined || (m.waived !== undefined) === waived)).length;
  const killed = count('killed');
  const timeout = count('timeout');
  const survived = count('survived', false);
  const waived = count('survived', true);
  const elaborating = mutants.filter((m) => m.outcome !== 'not-elaborating');
  const mean = (f: (m: MutantEntry) => number): number => (elaborating.length ? elaborating.reduce((a, m) => a + f(m), 0) / elaborating.length : 0);
  const meanSeconds = mean((m) => m.testSeconds);
  const denominator = killed + timeout + survived;
  const score = denominator ? (killed + timeout) / denominator : null;
  return {
    block: args.block,
    date: new Date().toISOString(),
    verilator: args.verilator,
    seed: args.seed,
    jobs: args.jobs,
    points: args.allPoints.length,
    run: mutants.length,
    ...(args.max !== undefined ? { max: args.max } : {}),
    notRun: args.notRun,
    score,
    target: args.target,
    met: score !== null && score >= args.target,
    counts: { killed, timeout, survived, waived, notElaborating: count('not-elaborating') },
    speed: {
      testbenchTestSeconds: args.testbenchTestSeconds,
      testbenchTests: args.testbenchTests,
      meanTestSecondsPerMutant: meanSeconds,
      meanTestsPerMutant: mean((m) => m.ran),
      factor: meanSeconds > 0 ? args.testbenchTestSeconds / meanSeconds : null,
    },
    wallSeconds: args.wallSeconds,
    waivers: {
      file: args.waiverFile,
      stale: args.waivers.filter((w) => !names.has(w.mutant)).map((w) => w.mutant),
      killed: mutants.filter((m) => m.waived !== undefined && (m.outcome === 'killed' || m.outcome === 'timeout')).map((m) => m.name),
    },
    mutants,
  };
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const cell = (s: string): string => s.replaceAll('|', '\\|').replace(/\s+/g, ' ');

/** The readable report. */
export function markdown(r: MutationReport): string {
  const c = r.counts;
  const out = [
    `# Mutation report: ${r.block}`,
    '',
    `Score **${pct(r.score)}** (target ${pct(r.target)}: ${r.met ? 'met' : 'NOT met'}): ${c.killed + c.timeout} killed` +
      ` (${c.timeout} of them by a timeout) of ${c.killed + c.timeout + c.survived} non-equivalent mutants; ${c.survived} survived,` +
      ` ${c.waived} equivalent (waived), ${c.notElaborating} not elaborating (excluded).`,
    '',
    ...(r.notRun.length ? [`**Incomplete:** ${r.notRun.length} mutant(s) of the sample not run yet (the run's time limit); run again to go on.`, ''] : []),
    `${r.run} of the block's ${r.points} mutation points${r.max !== undefined && r.run + r.notRun.length < r.points ? ` (a sample of ${r.max}, SEED=${r.seed})` : ''};` +
      ` tests with SEED=${r.seed}; ${r.jobs} job(s); ${(r.wallSeconds / 60).toFixed(1)} min; ${r.verilator}; ${r.date}.`,
    '',
    `Speed: the whole testbench is ${r.speed.testbenchTests} tests, ${r.speed.testbenchTestSeconds.toFixed(1)} test-seconds;` +
      ` a mutant ran ${r.speed.meanTestsPerMutant.toFixed(1)} tests, ${r.speed.meanTestSecondsPerMutant.toFixed(2)} test-seconds on average` +
      ` (${r.speed.factor === null ? 'n/a' : `${r.speed.factor.toFixed(1)}x fewer`}).`,
    '',
  ];
  if (r.waivers.stale.length || r.waivers.killed.length) {
    out.push(`## Waivers to fix (${r.waivers.file})`, '');
    for (const s of r.waivers.stale) out.push(`- stale: \`${s}\` is no mutation point of the design any more`);
    for (const s of r.waivers.killed) out.push(`- wrong: \`${s}\` is killed, so it is not equivalent`);
    out.push('');
  }
  const section = (title: string, list: readonly MutantEntry[], why: (m: MutantEntry) => string): void => {
    if (!list.length) return;
    out.push(`## ${title} (${list.length})`, '');
    for (const m of list) {
      out.push(`### \`${m.name}\``, '', why(m), '', '```diff', m.diff, '```', '');
    }
  };
  const ms = r.mutants;
  section('Survived', ms.filter((m) => m.outcome === 'survived' && m.waived === undefined),
    (m) => (m.covered ? `Survived ${m.ran} test(s) (${m.testSeconds.toFixed(1)} test-s).` : 'No test executes this line.'));
  section('Equivalent (waived)', ms.filter((m) => m.outcome === 'survived' && m.waived !== undefined), (m) => `Waived: ${m.waived}`);
  section('Timed out (counted killed)', ms.filter((m) => m.outcome === 'timeout'), (m) => `By \`${m.killedBy}\`: ${m.message ?? ''}`);
  section('Not elaborating (excluded)', ms.filter((m) => m.outcome === 'not-elaborating'), (m) => `\`\`\`\n${m.message ?? ''}\n\`\`\``);
  const killed = ms.filter((m) => m.outcome === 'killed');
  if (killed.length) {
    out.push(`## Killed (${killed.length})`, '', '| mutant | killed by | tests run | test-s |', '|---|---|---|---|');
    for (const m of killed) out.push(`| \`${cell(m.name)}\` | ${cell(m.killedBy ?? '')} | ${m.ran} of ${m.selected} | ${m.testSeconds.toFixed(2)} |`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** Writes `<out>.json` and `<out>.md`. */
export async function writeReport(out: string, r: MutationReport): Promise<void> {
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(`${out}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await fs.writeFile(`${out}.md`, markdown(r));
}
