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

/** A module body's instances in document order, each with the generate blocks around it. */
function blockInstances(body: Node, blocks: readonly string[]): { name: string; loc?: string; blocks: readonly string[] }[] {
  const all = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v && typeof v === 'object' ? [v as Node] : []);
  return [
    ...all(body['instance']).map((i) => ({ name: attr(i, 'name') ?? '', loc: attr(i, 'loc'), blocks })),
    ...all(body['begin']).flatMap((b) => blockInstances(b, [...blocks, attr(b, 'name') ?? ''])),
  ];
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
  const instance = (cell: Node, name: string, hier: string): NetInstance => {
    const mod = modules.get(attr(cell, 'submodname') ?? '');
    // `<cells>` drops the generate blocks from names and hierarchies (two `u_nor` of a loop are both
    // `top.u_nor`); the module's body has them: each `<instance>` under its `<begin>`s.
    const scoped = mod ? blockInstances(mod, []) : [];
    return {
      name,
      hier,
      vars: (mod ? children(mod, 'var') : []).map(netVar),
      children: children(cell, 'cell').map((c) => {
        const cname = attr(c, 'name') ?? '';
        const k = scoped.findIndex((s) => s.name === cname && s.loc === attr(c, 'loc'));
        const blocks = k < 0 ? [] : scoped.splice(k, 1)[0]!.blocks;
        return instance(c, [...blocks, cname].join('.'), [hier, ...blocks, cname].join('.'));
      }),
    };
  };
  const topCell = children(root['cells'] as Node, 'cell')[0];
  if (!topCell) throw new SignalTableError('no top module in the description');
  return { types, top: instance(topCell, attr(topCell, 'name') ?? '', attr(topCell, 'hier') ?? '') };
}
