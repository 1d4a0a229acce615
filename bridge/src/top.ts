import type { TimeUnit } from './units.js';

/**
 * How to build one simulation top. Paths are relative to the repository root; the type parameter
 * is the generated interface of the top's signals (`gen/<name>.d.ts`, written by `make types`).
 */
export interface TopSpec<D = unknown> {
  /** Unique name: the build cache key and the generated type's file name. */
  readonly name: string;
  /** Top module. @defaultValue the name */
  readonly module?: string;
  /** SystemVerilog sources, in compile order. */
  readonly sources: readonly string[];
  /** Verilator configuration files (`.vlt`): `public_flat_rw` and `forceable` signals. */
  readonly config?: readonly string[];
  /** Include directories (every file in them is part of the cache key). */
  readonly includeDirs?: readonly string[];
  /** `+define+` macros. */
  readonly defines?: Readonly<Record<string, string | number>>;
  /** Top-level parameter overrides (`-G`). */
  readonly parameters?: Readonly<Record<string, string | number>>;
  /** Time unit and precision. @defaultValue `'1ns/1ps'` */
  readonly timescale?: string;
  /** Build with `--timing` (delays and events inside the HDL). @defaultValue false */
  readonly timing?: boolean;
  /** Further Verilator flags. */
  readonly flags?: readonly string[];
  /**
   * The simulated-time limit of every test on this top, unless its `simTest` sets one: a wait
   * that never comes true then fails at a definite time, naming what it waited on.
   */
  readonly simTimeout?: readonly [number, TimeUnit];
  /**
   * Build only when `verilator -Wall` finds nothing to warn about: a warning fails the build
   * with Verilator's report (file:line), once per content (the result is cached with the build).
   * Waive a warning, with a comment giving the reason, in the top's `.vlt` (`lint_off -rule
   * WIDTH -file <glob> -lines 12`); `false` builds without linting. @defaultValue true
   */
  readonly lint?: boolean;
  /** Phantom field carrying the DUT type; never set. */
  readonly dutType?: D;
}

/** Declares a top; `D` is its generated signal interface. */
export function defineTop<D>(spec: Omit<TopSpec<D>, 'dutType'>): TopSpec<D> {
  return spec;
}
