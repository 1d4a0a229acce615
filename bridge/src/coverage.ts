import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportsDir } from './paths.js';

/** Hits per bin of one coverpoint or cross. */
export type BinHits = Record<string, number>;

/** A coverage group as saved and merged: point name → bin name → hits. */
export interface CoverageData {
  readonly group: string;
  readonly points: Record<string, BinHits>;
}

/** Thrown by {@link CoverGroup.assertAllHit}, naming every bin never hit. */
export class CoverageError extends Error {
  override name = 'CoverageError';
}

/** A coverpoint: named bins, each a predicate on the sampled value. */
export class Coverpoint<T> {
  readonly hits: BinHits;
  constructor(
    readonly name: string,
    private readonly bins: Readonly<Record<string, (v: T) => boolean>>,
  ) {
    this.hits = Object.fromEntries(Object.keys(bins).map((b) => [b, 0]));
  }

  /** The bins `v` falls in (and counts them). */
  sample(v: T): string[] {
    const hit = Object.entries(this.bins).filter(([, f]) => f(v)).map(([b]) => b);
    for (const b of hit) this.hits[b]! += 1;
    return hit;
  }

  binNames(): string[] {
    return Object.keys(this.bins);
  }
}

/** The cross of two coverpoints: one bin per pair of their bins. */
export class Cross<A, B> {
  readonly hits: BinHits;
  constructor(
    readonly name: string,
    private readonly a: Coverpoint<A>,
    private readonly b: Coverpoint<B>,
  ) {
    this.hits = {};
    for (const x of a.binNames()) for (const y of b.binNames()) this.hits[`${x} x ${y}`] = 0;
  }

  /** Samples both points and the pair. */
  sample(va: A, vb: B): void {
    for (const x of this.a.sample(va)) for (const y of this.b.sample(vb)) this.hits[`${x} x ${y}`]! += 1;
  }
}

/**
 * Functional coverage of one concern, declared next to the tests that hit it. `save()` writes
 * this run's hits under reports/coverage/; the merged report (reports/coverage.json and
 * coverage.txt) is written when the vitest run ends (bridge/src/vitest-global.ts).
 */
export class CoverGroup {
  /** Every group of this process, so the test fixture can report what each test hit. */
  static readonly all: CoverGroup[] = [];
  private readonly items: (Coverpoint<never> | Cross<never, never>)[] = [];
  constructor(readonly name: string) {
    CoverGroup.all.push(this);
  }

  point<T>(name: string, bins: Readonly<Record<string, (v: T) => boolean>>): Coverpoint<T> {
    const p = new Coverpoint<T>(name, bins);
    this.items.push(p as unknown as Coverpoint<never>);
    return p;
  }

  cross<A, B>(name: string, a: Coverpoint<A>, b: Coverpoint<B>): Cross<A, B> {
    const c = new Cross(name, a, b);
    this.items.push(c as unknown as Cross<never, never>);
    return c;
  }

  data(): CoverageData {
    return { group: this.name, points: Object.fromEntries(this.items.map((i) => [i.name, { ...i.hits }])) };
  }

  /** Bins with no hit, as `point: bin`. */
  unhit(): string[] {
    return this.items.flatMap((i) => Object.entries(i.hits).filter(([, n]) => n === 0).map(([b]) => `${i.name}: ${b}`));
  }

  /** Fails listing every declared bin that was never hit. */
  assertAllHit(): void {
    const u = this.unhit();
    if (u.length) throw new CoverageError(`coverage group ${this.name}: ${u.length} bin(s) never hit:\n  ${u.join('\n  ')}`);
  }

  /** Writes this process's hits for the merged report. */
  save(): void {
    const dir = path.join(reportsDir(), 'coverage');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${this.name}.${process.pid}.json`), JSON.stringify(this.data()));
  }
}

/** Sums saved groups by name, point and bin. */
export function mergeCoverage(parts: readonly CoverageData[]): CoverageData[] {
  const out = new Map<string, Record<string, BinHits>>();
  for (const p of parts) {
    const g = out.get(p.group) ?? {};
    for (const [point, bins] of Object.entries(p.points)) {
      const acc = (g[point] ??= {});
      for (const [b, n] of Object.entries(bins)) acc[b] = (acc[b] ?? 0) + n;
    }
    out.set(p.group, g);
  }
  return [...out].map(([group, points]) => ({ group, points }));
}

/** A readable summary: per group and point, bins hit of bins declared, and the unhit ones. */
export function coverageText(groups: readonly CoverageData[]): string {
  const lines: string[] = [];
  for (const g of groups) {
    for (const [point, bins] of Object.entries(g.points)) {
      const names = Object.keys(bins);
      const hit = names.filter((b) => bins[b]! > 0);
      const miss = names.filter((b) => bins[b] === 0);
      lines.push(`${g.group}.${point}: ${hit.length}/${names.length} bins${miss.length ? ` (unhit: ${miss.join(', ')})` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Hits of every group of this process, flattened to `group.point.bin` → count. */
export function coverageSnapshot(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of CoverGroup.all) {
    for (const [point, bins] of Object.entries(g.data().points)) {
      for (const [b, n] of Object.entries(bins)) out[`${g.name}.${point}.${b}`] = n;
    }
  }
  return out;
}

/** The bins hit between two snapshots, with their counts. */
export function coverageDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(after)) if (n > (before[k] ?? 0)) out[k] = n - (before[k] ?? 0);
  return out;
}
