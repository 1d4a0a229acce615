/** Direction of a signal as the harness reports it; values are the wire encoding. */
export enum Dir {
  Internal = 0,
  In = 1,
  Out = 2,
  InOut = 3,
}

/** Signal flags as the harness reports them; values are the wire encoding. */
export enum SigFlag {
  Writable = 1,
  Forceable = 2,
  Memory = 4,
}

/** One entry of a top's signal table (from Verilator's `--xml-only` or `--json-only` description). */
export interface SignalInfo {
  /** Hierarchical name below the top, e.g. `u_core.state_q`. */
  readonly name: string;
  /** Bits of the value (of one element, for a memory). */
  readonly width: number;
  /** Elements of a memory; 0 for a plain signal. */
  readonly depth: number;
  readonly dir: Dir;
  /** True when a deposit is accepted (inputs, `public_flat_rw` internals). */
  readonly writable: boolean;
}

/** An internal public signal: where the harness finds it in Verilator's scope table. */
export interface InternalSignal extends SignalInfo {
  /** Verilator scope, e.g. `TOP.counter.u_core`. */
  readonly scope: string;
  /** Variable name inside the scope. */
  readonly varName: string;
}

/** The signals of a top: ports in declaration order, then the internal public ones. */
export interface SignalTable {
  readonly top: string;
  readonly ports: readonly SignalInfo[];
  readonly internals: readonly InternalSignal[];
}
