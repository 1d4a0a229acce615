import { XMLParser } from 'fast-xml-parser';
import { type DType, type NetInstance, type Netlist, type NetVar, SignalTableError, literal } from './netlist.js';

type Node = Record<string, unknown>;

const ARRAYS = new Set(['cell', 'module', 'var', 'memberdtype', 'range', 'const']);

function attr(n: Node, key: string): string | undefined {
  const v = n[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function children(n: Node, key: string): Node[] {
  const v = n[key];
  return Array.isArray(v) ? (v as Node[]) : [];
}

function elements(node: Node): number | undefined {
  const r = children(node, 'range')[0];
  const c = r ? children(r, 'const') : [];
  return c.length === 2 ? Math.abs(literal(attr(c[0]!, 'name') ?? '0') - literal(attr(c[1]!, 'name') ?? '0')) + 1 : undefined;
}

function dtype(kind: string, node: Node): DType {
  const sub = attr(node, 'sub_dtype_id') ?? '';
  switch (kind) {
    case 'basicdtype': {
      const l = attr(node, 'left');
      const r = attr(node, 'right');
      const name = attr(node, 'name') ?? '';
      return l !== undefined && r !== undefined ? { kind: 'basic', name, left: Number(l), right: Number(r) } : { kind: 'basic', name };
    }
    case 'refdtype':
    case 'enumdtype':
      return { kind: 'ref', sub };
    case 'packarraydtype':
    case 'unpackarraydtype':
      return { kind: kind === 'packarraydtype' ? 'packed' : 'unpacked', sub, elements: elements(node) };
    case 'structdtype':
    case 'uniondtype':
      return { kind: kind === 'structdtype' ? 'struct' : 'union', members: children(node, 'memberdtype').map((m) => attr(m, 'sub_dtype_id') ?? '') };
    default:
      return { kind: 'other', name: kind };
  }
}

const DIRS = new Set(['input', 'output', 'inout']);

function netVar(v: Node): NetVar {
  const dir = attr(v, 'dir');
  return {
    name: attr(v, 'name') ?? '',
    dtype: attr(v, 'dtype_id') ?? '',
    ...(dir && DIRS.has(dir) ? { dir: dir as NetVar['dir'] } : {}),
    publicRd: attr(v, 'public_flat_rd') === 'true',
    publicRw: attr(v, 'public_flat_rw') === 'true',
  };
}

/**
 * The netlist in Verilator's `--xml-only` output (Verilator up to 5.0xx; later ones write JSON):
 * its type table, and its `<cells>` tree with each instance's module.
 */
export function netlistFromXml(xml: string): Netlist {
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ARRAYS.has(name),
  }).parse(xml) as Node;
  const root = doc['verilator_xml'] as Node;
  const netlist = root['netlist'] as Node;
  const types = new Map<string, DType>();
  for (const [kind, v] of Object.entries(netlist['typetable'] as Node)) {
    for (const node of Array.isArray(v) ? (v as Node[]) : typeof v === 'object' && v ? [v as Node] : []) {
      const id = attr(node, 'id');
      if (id) types.set(id, dtype(kind, node));
    }
  }
  const modules = new Map(children(netlist, 'module').map((m) => [attr(m, 'name') ?? '', m]));
  const instance = (cell: Node): NetInstance => {
    const mod = modules.get(attr(cell, 'submodname') ?? '');
    return {
      name: attr(cell, 'name') ?? '',
      hier: attr(cell, 'hier') ?? '',
      vars: (mod ? children(mod, 'var') : []).map(netVar),
      children: children(cell, 'cell').map(instance),
    };
  };
  const topCell = children(root['cells'] as Node, 'cell')[0];
  if (!topCell) throw new SignalTableError('no top module in the description');
  return { types, top: instance(topCell) };
}
