// Verilator's own description of a design (`--xml-only` on 5.006, `--json-only` on the releases
// that dropped XML), as one ordered tree of nodes with their source locations: what the
// mutation points are found in (points.ts).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { hasJsonOnly, verilatorArgs } from '../../bridge/src/build.js';
import { ROOT, verilatorBin } from '../../bridge/src/paths.js';
import type { TopSpec } from '../../bridge/src/top.js';

const run = promisify(execFile);

/** Where a node sits in its source: 1-based lines and columns, the end column exclusive. */
export interface Loc {
  /** Relative to the repository root. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** One node of the description: its tag (`eq`, `assigndly`, `const`…), attributes, children in order. */
export interface DesignNode {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly loc?: Loc;
  readonly children: readonly DesignNode[];
}

/** The modules and packages of a design. */
export interface Design {
  readonly modules: readonly DesignNode[];
}

/** A description Verilator could not give: the design does not elaborate. */
export class DescribeError extends Error {
  override name = 'DescribeError';
}

type Ordered = Record<string, unknown>;

function convert(item: Ordered, files: ReadonlyMap<string, string>): DesignNode | undefined {
  const tag = Object.keys(item).find((k) => k !== ':@');
  if (!tag || tag === '#text') return undefined;
  const attrs = (item[':@'] as Record<string, string> | undefined) ?? {};
  const kids = (item[tag] as Ordered[] | undefined) ?? [];
  const m = /^(\w+),(\d+),(\d+),(\d+),(\d+)$/.exec(attrs.loc ?? '');
  const file = m && files.get(m[1]!);
  const loc = m && file ? { file, line: Number(m[2]), col: Number(m[3]), endLine: Number(m[4]), endCol: Number(m[5]) } : undefined;
  return {
    tag,
    attrs,
    ...(loc ? { loc } : {}),
    children: kids.map((k) => convert(k, files)).filter((k): k is DesignNode => k !== undefined),
  };
}

/** `file` as the repository names it (Verilator prints the paths it was given). */
const repoPath = (file: string): string => (path.isAbsolute(file) ? path.relative(ROOT, file) : file);

/** Parses Verilator's `--xml-only` output into the modules and packages of the netlist. */
export function designFromXml(xml: string): Design {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, parseAttributeValue: false }).parse(xml) as Ordered[];
  const root = doc.find((d) => 'verilator_xml' in d)?.verilator_xml as Ordered[] | undefined;
  if (!root) throw new DescribeError('not a Verilator XML description (no <verilator_xml>)');
  const files = new Map<string, string>();
  for (const sec of root) {
    if (!('files' in sec)) continue;
    for (const f of sec.files as Ordered[]) {
      const a = f[':@'] as Record<string, string> | undefined;
      if (a?.id && a.filename) files.set(a.id, repoPath(a.filename));
    }
  }
  const netlist = root.find((s) => 'netlist' in s)?.netlist as Ordered[] | undefined;
  if (!netlist) throw new DescribeError('the description has no <netlist>');
  const modules = netlist.filter((n) => 'module' in n || 'package' in n).map((n) => convert(n, files)).filter((n): n is DesignNode => n !== undefined);
  return { modules };
}

/**
 * Parses Verilator's `--json-only` output (`<prefix>.tree.json` and its `.tree.meta.json`, which
 * names the files) into the modules of the netlist: a node's children are its list-valued
 * fields in their order (`rhsp` before `lhsp`, `condp` first), as XML orders them.
 */
export function designFromJson(tree: string, meta: string): Design {
  const files = new Map(Object.entries((JSON.parse(meta) as { files?: Record<string, { filename?: string }> }).files ?? {})
    .flatMap(([id, f]) => (f.filename ? [[id, repoPath(f.filename)] as const] : [])));
  const node = (n: Record<string, unknown>): DesignNode => {
    const attrs: Record<string, string> = {};
    const children: DesignNode[] = [];
    for (const [k, v] of Object.entries(n)) {
      if (typeof v === 'string' && k !== 'type') attrs[k] = v;
      else if (Array.isArray(v)) for (const c of v) if (c && typeof c === 'object' && typeof (c as { type?: unknown }).type === 'string') children.push(node(c as Record<string, unknown>));
    }
    const m = /^(\w+),(\d+):(\d+),(\d+):(\d+)$/.exec(attrs.loc ?? '');
    const file = m && files.get(m[1]!);
    const loc = m && file ? { file, line: Number(m[2]), col: Number(m[3]), endLine: Number(m[4]), endCol: Number(m[5]) } : undefined;
    return { tag: String(n.type).toLowerCase(), attrs, ...(loc ? { loc } : {}), children };
  };
  const root = JSON.parse(tree) as { modulesp?: Record<string, unknown>[] };
  if (!Array.isArray(root.modulesp)) throw new DescribeError('not a Verilator JSON description (no modulesp)');
  return { modules: root.modulesp.map(node) };
}

/** Verilator's description of `spec` (its sources as they are in the repository). */
export async function describeDesign(spec: TopSpec): Promise<Design> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cellbench-mutate-xml-'));
  const json = await hasJsonOnly();
  const option = json ? '--json-only' : '--xml-only';
  try {
    try {
      await run(verilatorBin(), [option, '--Mdir', tmp, '--prefix', 'Vtop', ...verilatorArgs(spec)], { maxBuffer: 64 << 20, cwd: ROOT });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      const log = `${err.stdout ?? ''}${err.stderr ?? ''}`.replaceAll(ROOT, '') || err.message;
      throw new DescribeError(`verilator ${option} for top '${spec.name}' failed:\n${log.split('\n').slice(-30).join('\n')}`);
    }
    if (!json) return designFromXml(await fs.readFile(path.join(tmp, 'Vtop.xml'), 'utf8'));
    return designFromJson(await fs.readFile(path.join(tmp, 'Vtop.tree.json'), 'utf8'), await fs.readFile(path.join(tmp, 'Vtop.tree.meta.json'), 'utf8'));
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
