import { XMLParser } from 'fast-xml-parser';
import { Dir, type InternalSignal, type SignalInfo, type SignalTable } from './signals.js';

type Node = Record<string, unknown>;

const ARRAYS = new Set(['cell', 'module', 'var', 'memberdtype', 'range', 'const']);

/** Thrown when Verilator's description holds something the bridge cannot represent. */
export class SignalTableError extends Error {
  override name = 'SignalTableError';
}

function attr(n: Node, key: string): string | undefined {
  const v = n[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function children(n: Node, key: string): Node[] {
  const v = n[key];
  return Array.isArray(v) ? (v as Node[]) : [];
}

/** Parses a Verilog literal as Verilator prints it (`32'sh1f`, `8'h0`, `5`). */
function literal(text: string): number {
  const m = /'s?([hdbo])([0-9a-fA-F_]+)$/.exec(text);
  if (!m) return Number.parseInt(text, 10);
  const radix = { h: 16, d: 10, b: 2, o: 8 }[m[1] as 'h' | 'd' | 'b' | 'o'];
  return Number.parseInt(m[2]!.replaceAll('_', ''), radix);
}

const BASIC_WIDTH: Record<string, number> = {
  logic: 1, bit: 1, reg: 1, wire: 1, integer: 32, int: 32, byte: 8, shortint: 16, longint: 64, time: 64,
};

class Types {
  private readonly byId = new Map<string, { kind: string; node: Node }>();

  constructor(typetable: Node) {
    for (const [kind, v] of Object.entries(typetable)) {
      for (const node of Array.isArray(v) ? (v as Node[]) : typeof v === 'object' && v ? [v as Node] : []) {
        const id = attr(node, 'id');
        if (id) this.byId.set(id, { kind, node });
      }
    }
  }

  private get(id: string): { kind: string; node: Node } {
    const t = this.byId.get(id);
    if (!t) throw new SignalTableError(`dtype ${id} is missing from Verilator's type table`);
    return t;
  }

  private static elements(node: Node): number {
    const r = children(node, 'range')[0];
    const c = r ? children(r, 'const') : [];
    if (c.length !== 2) throw new SignalTableError('array range without two constant bounds');
    return Math.abs(literal(attr(c[0]!, 'name') ?? '0') - literal(attr(c[1]!, 'name') ?? '0')) + 1;
  }

  /** Packed width in bits; throws for what has none (real, string, unpacked). */
  width(id: string): number {
    const { kind, node } = this.get(id);
    switch (kind) {
      case 'basicdtype': {
        const l = attr(node, 'left');
        const r = attr(node, 'right');
        if (l !== undefined && r !== undefined) return Math.abs(Number(l) - Number(r)) + 1;
        const w = BASIC_WIDTH[attr(node, 'name') ?? ''];
        if (w === undefined) throw new SignalTableError(`type '${attr(node, 'name')}' has no packed width`);
        return w;
      }
      case 'refdtype':
      case 'enumdtype':
        return this.width(attr(node, 'sub_dtype_id') ?? '');
      case 'packarraydtype':
        return Types.elements(node) * this.width(attr(node, 'sub_dtype_id') ?? '');
      case 'structdtype':
      case 'uniondtype': {
        const ws = children(node, 'memberdtype').map((m) => this.width(attr(m, 'sub_dtype_id') ?? ''));
        return kind === 'structdtype' ? ws.reduce((a, b) => a + b, 0) : Math.max(...ws);
      }
      default:
        throw new SignalTableError(`${kind} has no packed width`);
    }
  }

  /** Width and depth: depth 0 for a packed type, the element count for a 1-D unpacked array. */
  shape(id: string): { width: number; depth: number } {
    const { kind, node } = this.get(id);
    if (kind === 'refdtype') return this.shape(attr(node, 'sub_dtype_id') ?? '');
    if (kind !== 'unpackarraydtype') return { width: this.width(id), depth: 0 };
    return { width: this.width(attr(node, 'sub_dtype_id') ?? ''), depth: Types.elements(node) };
  }
}

const DIRS: Record<string, Dir> = { input: Dir.In, output: Dir.Out, inout: Dir.InOut };

/**
 * Builds the signal table from Verilator's `--xml-only` output: the top's ports, then every
 * `public_flat_rd`/`public_flat_rw` variable of every instance (named by its hierarchy).
 * `skipped` collects public signals whose type the bridge cannot carry, with the reason.
 */
export function signalTableFromXml(xml: string, skipped: string[] = []): SignalTable {
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ARRAYS.has(name),
  }).parse(xml) as Node;
  const root = doc['verilator_xml'] as Node;
  const netlist = root['netlist'] as Node;
  const types = new Types(netlist['typetable'] as Node);
  const modules = new Map(children(netlist, 'module').map((m) => [attr(m, 'name') ?? '', m]));
  const top = children(netlist, 'module').find((m) => attr(m, 'topModule') === '1');
  if (!top) throw new SignalTableError('no top module in the description');
  const topName = attr(top, 'name') ?? '';

  const ports: SignalInfo[] = [];
  for (const v of children(top, 'var')) {
    const dir = DIRS[attr(v, 'dir') ?? ''];
    if (dir === undefined) continue;
    const name = attr(v, 'name') ?? '';
    const { width, depth } = types.shape(attr(v, 'dtype_id') ?? '');
    if (depth) throw new SignalTableError(`port ${name} is an unpacked array: pack it for the top`);
    ports.push({ name, width, depth: 0, dir, writable: dir !== Dir.Out });
  }

  const internals: InternalSignal[] = [];
  const visit = (cell: Node, prefix: string): void => {
    const mod = modules.get(attr(cell, 'submodname') ?? '');
    const hier = attr(cell, 'hier') ?? '';
    for (const v of mod ? children(mod, 'var') : []) {
      const rw = attr(v, 'public_flat_rw') === 'true';
      if (!rw && attr(v, 'public_flat_rd') !== 'true') continue;
      const varName = attr(v, 'name') ?? '';
      const name = prefix + varName;
      if (prefix === '' && attr(v, 'dir')) continue;  // a top port, already listed
      try {
        const { width, depth } = types.shape(attr(v, 'dtype_id') ?? '');
        internals.push({ name, width, depth, dir: Dir.Internal, writable: rw, scope: `TOP.${hier}`, varName });
      } catch (e) {
        if (!(e instanceof SignalTableError)) throw e;
        skipped.push(`${name}: ${e.message}`);
      }
    }
    for (const c of children(cell, 'cell')) visit(c, `${prefix}${attr(c, 'name') ?? ''}.`);
  };
  const topCell = children(root['cells'] as Node, 'cell')[0];
  if (topCell) visit(topCell, '');
  return { top: topName, ports, internals };
}
