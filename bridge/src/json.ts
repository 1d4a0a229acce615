import { type DType, type NetInstance, type Netlist, type NetVar, SignalTableError, literal } from './netlist.js';

/** A node of Verilator's JSON tree: `type`, `addr` (an id like `(E)`) and typed attributes. */
type Node = Record<string, unknown>;

const str = (n: Node, key: string): string | undefined => (typeof n[key] === 'string' ? (n[key] as string) : undefined);
const list = (n: Node, key: string): Node[] => (Array.isArray(n[key]) ? (n[key] as Node[]) : []);

/** The type a node refers to: `refDTypep` where linked, else its resolved `dtypep`. */
function sub(n: Node): string {
  const r = str(n, 'refDTypep');
  return r && r !== 'UNLINKED' ? r : (str(n, 'dtypep') ?? '');
}

function elements(n: Node): number | undefined {
  const r = list(n, 'rangep')[0];
  const l = r && list(r, 'leftp')[0];
  const h = r && list(r, 'rightp')[0];
  if (l?.type !== 'CONST' || h?.type !== 'CONST') return undefined;
  return Math.abs(literal(str(l, 'name') ?? '0') - literal(str(h, 'name') ?? '0')) + 1;
}

function dtype(n: Node): DType {
  switch (n.type) {
    case 'BASICDTYPE': {
      const name = str(n, 'keyword') ?? str(n, 'name') ?? '';
      const m = /^(-?\d+):(-?\d+)$/.exec(str(n, 'range') ?? '');
      return m ? { kind: 'basic', name, left: Number(m[1]), right: Number(m[2]) } : { kind: 'basic', name };
    }
    case 'REFDTYPE':
    case 'ENUMDTYPE':
      return { kind: 'ref', sub: sub(n) };
    case 'PACKARRAYDTYPE':
    case 'UNPACKARRAYDTYPE':
      return { kind: n.type === 'PACKARRAYDTYPE' ? 'packed' : 'unpacked', sub: sub(n), elements: elements(n) };
    case 'STRUCTDTYPE':
    case 'UNIONDTYPE':
      return { kind: n.type === 'STRUCTDTYPE' ? 'struct' : 'union', members: list(n, 'membersp').map((m) => str(m, 'dtypep') ?? '') };
    default:
      return { kind: 'other', name: String(n.type).toLowerCase() };
  }
}

/** Every data type in the tree, wherever it sits (the type table, or still under its user). */
function collectTypes(n: unknown, into: Map<string, DType>): void {
  if (Array.isArray(n)) {
    for (const c of n) collectTypes(c, into);
    return;
  }
  if (!n || typeof n !== 'object') return;
  const node = n as Node;
  const addr = str(node, 'addr');
  if (addr && typeof node.type === 'string' && node.type.endsWith('DTYPE') && node.type !== 'MEMBERDTYPE') into.set(addr, dtype(node));
  for (const v of Object.values(node)) if (typeof v === 'object') collectTypes(v, into);
}

const DIRS: Record<string, NetVar['dir']> = { INPUT: 'input', OUTPUT: 'output', INOUT: 'inout' };

function netVar(v: Node): NetVar {
  const dir = DIRS[str(v, 'direction') ?? ''];
  return {
    name: str(v, 'name') ?? '',
    dtype: str(v, 'dtypep') ?? '',
    ...(dir ? { dir } : {}),
    publicRd: v.isSigUserRdPublic === true,
    publicRw: v.isSigUserRWPublic === true,
  };
}

/** The instances of a module body, each with the generate blocks (`GENBLOCK`s) around it. */
function cells(stmts: readonly Node[], blocks: readonly string[]): { cell: Node; blocks: readonly string[] }[] {
  return stmts.flatMap((s) => (s.type === 'CELL' ? [{ cell: s, blocks }]
    : s.type === 'GENBLOCK' ? cells(list(s, 'itemsp'), [...blocks, str(s, 'name') ?? '']) : []));
}

/**
 * The netlist in Verilator's `--json-only` output (`<prefix>.tree.json`, the Verilators that no
 * longer write XML): the top is the level-1 module, the hierarchy its `CELL`s (`modp` names the
 * instantiated module by address).
 */
export function netlistFromJson(json: string): Netlist {
  const root = JSON.parse(json) as Node;
  const types = new Map<string, DType>();
  collectTypes(root, types);
  const modules = new Map(list(root, 'modulesp').map((m) => [str(m, 'addr') ?? '', m]));
  const top = list(root, 'modulesp').find((m) => m.type === 'MODULE' && m.level === 1);
  if (!top) throw new SignalTableError('no top module in the description');
  const instance = (mod: Node, name: string, hier: string): NetInstance => {
    const stmts = list(mod, 'stmtsp');
    return {
      name,
      hier,
      vars: stmts.filter((s) => s.type === 'VAR').map(netVar),
      children: cells(stmts, []).map(({ cell: c, blocks }) => {
        const m = modules.get(str(c, 'modp') ?? '');
        const name = [...blocks, str(c, 'name') ?? ''].join('.');
        if (!m) throw new SignalTableError(`instance ${hier}.${name}: its module is missing from the description`);
        return instance(m, name, `${hier}.${name}`);
      }),
    };
  };
  const name = str(top, 'name') ?? '';
  return { types, top: instance(top, name, name) };
}
