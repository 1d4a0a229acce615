import { Dir, type InternalSignal, type SignalInfo, type SignalTable } from './signals.js';

/** Thrown when Verilator's description holds something the bridge cannot represent. */
export class SignalTableError extends Error {
  override name = 'SignalTableError';
}

/** A data type of Verilator's type table, as much of it as the signal table needs. */
export type DType =
  | { readonly kind: 'basic'; readonly name: string; readonly left?: number; readonly right?: number }
  /** A typedef reference or an enum: the width of its base type. */
  | { readonly kind: 'ref'; readonly sub: string }
  /** `elements` is undefined where the range has no constant bounds. */
  | { readonly kind: 'packed' | 'unpacked'; readonly sub: string; readonly elements: number | undefined }
  | { readonly kind: 'struct' | 'union'; readonly members: readonly string[] }
  | { readonly kind: 'other'; readonly name: string };

/** A variable of a module: a port when it has a direction. */
export interface NetVar {
  readonly name: string;
  readonly dtype: string;
  readonly dir?: 'input' | 'output' | 'inout';
  readonly publicRd: boolean;
  readonly publicRw: boolean;
}

/** One instance of the elaborated design; the root is the top module itself. */
export interface NetInstance {
  /**
   * The name under its parent, with the generate blocks between them: `u_core`, or
   * `g_cell[2].u_nor` for an instance in a generate loop (what a test writes: `dut['g_cell[2]'].u_nor`).
   */
  readonly name: string;
  /** Hierarchical name from the top module, generate blocks included (Verilator's scope name): `top.g_cell[2].u_nor`. */
  readonly hier: string;
  readonly vars: readonly NetVar[];
  readonly children: readonly NetInstance[];
}

/**
 * What Verilator says about a design, whichever format said it (`--xml-only` up to 5.0xx,
 * `--json-only` after): the type table and the instance tree of the top.
 */
export interface Netlist {
  readonly types: ReadonlyMap<string, DType>;
  readonly top: NetInstance;
}

/** Parses a Verilog literal as Verilator prints it (`32'sh1f`, `8'h0`, `5`). */
export function literal(text: string): number {
  const m = /'s?([hdbo])([0-9a-fA-F_]+)$/.exec(text);
  if (!m) return Number.parseInt(text, 10);
  const radix = { h: 16, d: 10, b: 2, o: 8 }[m[1] as 'h' | 'd' | 'b' | 'o'];
  return Number.parseInt(m[2]!.replaceAll('_', ''), radix);
}

const BASIC_WIDTH: Record<string, number> = {
  logic: 1, bit: 1, reg: 1, wire: 1, integer: 32, int: 32, byte: 8, shortint: 16, longint: 64, time: 64,
};

class Types {
  constructor(private readonly byId: ReadonlyMap<string, DType>) {}

  private static elements(t: { elements: number | undefined }): number {
    if (t.elements === undefined) throw new SignalTableError('array range without two constant bounds');
    return t.elements;
  }

  private get(id: string): DType {
    const t = this.byId.get(id);
    if (!t) throw new SignalTableError(`dtype ${id} is missing from Verilator's type table`);
    return t;
  }

  /** Packed width in bits; throws for what has none (real, string, unpacked). */
  width(id: string): number {
    const t = this.get(id);
    switch (t.kind) {
      case 'basic': {
        if (t.left !== undefined && t.right !== undefined) return Math.abs(t.left - t.right) + 1;
        const w = BASIC_WIDTH[t.name];
        if (w === undefined) throw new SignalTableError(`type '${t.name}' has no packed width`);
        return w;
      }
      case 'ref':
        return this.width(t.sub);
      case 'packed':
        return Types.elements(t) * this.width(t.sub);
      case 'struct':
      case 'union': {
        const ws = t.members.map((m) => this.width(m));
        return t.kind === 'struct' ? ws.reduce((a, b) => a + b, 0) : Math.max(...ws);
      }
      case 'unpacked':
        throw new SignalTableError('an unpacked array has no packed width');
      case 'other':
        throw new SignalTableError(`${t.name} has no packed width`);
    }
  }

  /** Width and depth: depth 0 for a packed type, the element count for a 1-D unpacked array. */
  shape(id: string): { width: number; depth: number } {
    const t = this.get(id);
    if (t.kind === 'ref') return this.shape(t.sub);
    if (t.kind !== 'unpacked') return { width: this.width(id), depth: 0 };
    return { width: this.width(t.sub), depth: Types.elements(t) };
  }
}

const DIRS: Record<string, Dir> = { input: Dir.In, output: Dir.Out, inout: Dir.InOut };

/**
 * The signal table of a design: the top's ports, then every `public_flat_rd`/`public_flat_rw`
 * variable of every instance (named by its hierarchy). `skipped` collects public signals whose
 * type the bridge cannot carry, with the reason.
 */
export function signalTableFrom(netlist: Netlist, skipped: string[] = []): SignalTable {
  const types = new Types(netlist.types);
  const ports: SignalInfo[] = [];
  for (const v of netlist.top.vars) {
    if (v.dir === undefined) continue;
    const { width, depth } = types.shape(v.dtype);
    if (depth) throw new SignalTableError(`port ${v.name} is an unpacked array: pack it for the top`);
    const dir = DIRS[v.dir]!;
    ports.push({ name: v.name, width, depth: 0, dir, writable: dir !== Dir.Out });
  }

  const internals: InternalSignal[] = [];
  const visit = (inst: NetInstance, prefix: string): void => {
    for (const v of inst.vars) {
      if (!v.publicRw && !v.publicRd) continue;
      if (prefix === '' && v.dir) continue;  // a top port, already listed
      const name = prefix + v.name;
      try {
        const { width, depth } = types.shape(v.dtype);
        internals.push({ name, width, depth, dir: Dir.Internal, writable: v.publicRw, scope: `TOP.${inst.hier}`, varName: v.name });
      } catch (e) {
        if (!(e instanceof SignalTableError)) throw e;
        skipped.push(`${name}: ${e.message}`);
      }
    }
    for (const c of inst.children) visit(c, `${prefix}${c.name}.`);
  };
  visit(netlist.top, '');
  return { top: netlist.top.name, ports, internals };
}
