// Mutation points: small legal changes to a design, found in Verilator's description of it
// (design.ts) and applied as a textual edit at the exact place it names. A node is a point only
// when the source text at its location is what the node says it is (the operator, a literal of
// the node's value), so a mutant changes the design the way its name says, and nothing else.
import path from 'node:path';
import type { DesignNode, Design, Loc } from './design.js';

/** What a mutant changes. */
export type MutationKind = 'equality' | 'relational' | 'logical' | 'bitwise' | 'arithmetic' | 'constant' | 'condition' | 'drop' | 'reset';

/** One mutant: replace `from` (bytes `start`–`end` of `file`) by `to`. */
export interface Mutation {
  /** `uart_rx.sv:53:31 == → !=`: the file, the line and column of the edit, what changes. */
  readonly name: string;
  readonly kind: MutationKind;
  /** Relative to the repository root. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly start: number;
  readonly end: number;
  readonly from: string;
  readonly to: string;
}

/** A source file as bytes (Verilator's columns count bytes), with its line starts. */
export class Source {
  private readonly starts: number[] = [0];
  constructor(readonly file: string, readonly bytes: Buffer) {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) this.starts.push(i + 1);
  }

  /** Byte offset of a 1-based line and column. */
  offset(line: number, col: number): number {
    return (this.starts[line - 1] ?? this.bytes.length) + col - 1;
  }

  /** Line and column (1-based) of a byte offset. */
  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }

  text(start: number, end: number): string {
    return this.bytes.subarray(start, end).toString('utf8');
  }

  at(loc: Loc): { start: number; end: number; text: string } | undefined {
    if (loc.line !== loc.endLine) return undefined;
    const start = this.offset(loc.line, loc.col);
    const end = this.offset(loc.endLine, loc.endCol);
    return end > start ? { start, end, text: this.text(start, end) } : undefined;
  }

  char(offset: number): string {
    return offset >= 0 && offset < this.bytes.length ? String.fromCharCode(this.bytes[offset]!) : '';
  }

  /**
   * The offset of the first `want` at or after `from` outside comments and nesting, or -1.
   * With `want` a closer (`)`), `from` is just after its opener.
   */
  scan(from: number, want: string): number {
    let depth = 0;
    for (let i = from; i < this.bytes.length; i++) {
      const c = this.char(i);
      if (c === '/' && this.char(i + 1) === '/') {
        while (i < this.bytes.length && this.char(i) !== '\n') i++;
        continue;
      }
      if (c === '/' && this.char(i + 1) === '*') {
        i = this.bytes.indexOf('*/', i + 2);
        if (i < 0) return -1;
        i++;
        continue;
      }
      if (c === '"') {
        for (i++; i < this.bytes.length && this.char(i) !== '"'; i++) if (this.char(i) === '\\') i++;
        continue;
      }
      if (depth === 0 && c === want) return i;
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) return -1;
        depth--;
      }
    }
    return -1;
  }
}

/** Operator swaps, by the operator's text, and which nodes may carry each family. */
const SWAPS: Readonly<Record<string, { to: string; kind: MutationKind }>> = {
  '==': { to: '!=', kind: 'equality' }, '!=': { to: '==', kind: 'equality' },
  '===': { to: '!==', kind: 'equality' }, '!==': { to: '===', kind: 'equality' },
  '<': { to: '<=', kind: 'relational' }, '<=': { to: '<', kind: 'relational' },
  '>': { to: '>=', kind: 'relational' }, '>=': { to: '>', kind: 'relational' },
  '&&': { to: '||', kind: 'logical' }, '||': { to: '&&', kind: 'logical' },
  '&': { to: '|', kind: 'bitwise' }, '|': { to: '&', kind: 'bitwise' },
  '+': { to: '-', kind: 'arithmetic' }, '-': { to: '+', kind: 'arithmetic' },
};
const OP_TAGS: Readonly<Record<string, readonly MutationKind[]>> = {
  eq: ['equality'], neq: ['equality'], eqcase: ['equality'], neqcase: ['equality'],
  lt: ['relational'], lte: ['relational'], gt: ['relational'], gte: ['relational'],
  lts: ['relational'], ltes: ['relational'], gts: ['relational'], gtes: ['relational'],
  and: ['logical', 'bitwise'], or: ['logical', 'bitwise'], logand: ['logical'], logor: ['logical'],
  add: ['arithmetic'], sub: ['arithmetic'],
};
const OP_CHARS = '=!<>&|+-~^';

/** Constants in these are indices, widths, messages or elaboration checks, not logic. */
const NO_CONSTANTS = new Set(['sel', 'arraysel', 'range', 'replicate', 'initial', 'display', 'sformatf', 'finish', 'stop', 'senitem', 'typetable']);

/** A Verilog literal as written: value, width when sized, its spelling. */
interface Literal {
  readonly value: bigint;
  readonly width?: number;
  readonly fill?: boolean;
  readonly size?: string;
  readonly signed: string;
  readonly base?: string;
  readonly digits: string;
}

function parseLiteral(text: string): Literal | undefined {
  if (/^'[01]$/.test(text)) return { value: BigInt(text[1]!), fill: true, signed: '', digits: text[1]! };
  if (/^\d+$/.test(text)) return { value: BigInt(text), signed: '', digits: text };
  const m = /^(\d+)?'([sS]?)([bBoOdDhH])([0-9a-fA-F_]+)$/.exec(text);
  if (!m) return undefined;
  const radix = { b: 2, o: 8, d: 10, h: 16 }[m[3]!.toLowerCase() as 'b' | 'o' | 'd' | 'h'];
  const digits = m[4]!.replaceAll('_', '');
  if (![...digits].every((c) => Number.parseInt(c, radix) < radix)) return undefined;
  let value = 0n;
  for (const c of digits) value = value * BigInt(radix) + BigInt(Number.parseInt(c, radix));
  return { value, ...(m[1] ? { width: Number(m[1]), size: m[1] } : {}), signed: m[2]!, base: m[3]!, digits };
}

/** The value of a constant node as Verilator prints it (`4'h7`, `32'sh10`), with its width. */
function nodeValue(name: string | undefined): { value: bigint; width: number } | undefined {
  const m = /^(\d+)'s?h([0-9a-fA-F]+)$/.exec(name ?? '');
  return m ? { value: BigInt(`0x${m[2]}`), width: Number(m[1]) } : undefined;
}

/** `lit` with a new value, spelt the same way (size, signedness, base and its case, padding). */
function respell(lit: Literal, value: bigint): string {
  if (!lit.base) return value.toString();
  const radix = { b: 2, o: 8, d: 10, h: 16 }[lit.base.toLowerCase() as 'b' | 'o' | 'd' | 'h'];
  let digits = value.toString(radix);
  if (lit.digits.length > 1 && lit.digits.startsWith('0')) digits = digits.padStart(lit.digits.length, '0');
  if (lit.digits !== lit.digits.toLowerCase()) digits = digits.toUpperCase();
  return `${lit.size ?? ''}'${lit.signed}${lit.base}${digits}`;
}

/** A constant's one mutant: 0 → 1, 1 → 0, the largest value one down, anything else one up. */
function constantMutant(lit: Literal, width: number): string | undefined {
  if (lit.fill) return lit.value ? "'0" : "'1";
  const max = (1n << BigInt(width)) - 1n;
  if (lit.value === 0n) return respell(lit, 1n);
  if (lit.value === 1n) return respell(lit, 0n);
  return respell(lit, lit.value < max ? lit.value + 1n : lit.value - 1n);
}

/** A reset value with every bit flipped. */
function flippedReset(lit: Literal, width: number): string {
  if (lit.fill) return lit.value ? "'0" : "'1";
  if (!lit.base) return lit.value === 0n ? "'1" : `~(${lit.digits})`;
  return respell(lit, ~lit.value & ((1n << BigInt(lit.width ?? width)) - 1n));
}

const oneLine = (s: string, max = 40): string => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/**
 * The offset of the `(` of the `if (…)` whose condition holds `cond` (a node of it, located at
 * its operator or name), or -1 when `cond` is not inside an `if`'s parentheses.
 */
function conditionOpen(src: Source, cond: DesignNode | undefined): number {
  if (!cond?.loc || cond.loc.file !== src.file) return -1;
  let depth = 0;
  for (let i = src.offset(cond.loc.line, cond.loc.col) - 1; i >= 0; i--) {
    const c = src.char(i);
    if (c === ';') return -1;
    if (c === ')') depth++;
    else if (c === '(' && depth-- === 0) {
      let j = i - 1;
      while (j >= 0 && /\s/.test(src.char(j))) j--;
      return src.text(j - 1, j + 1) === 'if' && !/[\w$]/.test(src.char(j - 2)) ? i : -1;
    }
  }
  return -1;
}

/** The variable a statement's left-hand side assigns (`x_d`, `x_d[3]`, `mem[i]`). */
function target(lhs: DesignNode | undefined): DesignNode | undefined {
  if (!lhs) return undefined;
  if (lhs.tag === 'varref') return lhs;
  if (lhs.tag === 'sel' || lhs.tag === 'arraysel') return target(lhs.children[0]);
  return undefined;
}

interface Context {
  /** `always_comb`, `always_ff`, … of the enclosing process. */
  readonly process?: string;
  /** The process is sensitive to more than its clock: an asynchronous reset. */
  readonly asyncReset: boolean;
  readonly noConstants: boolean;
}

/**
 * The mutation points of `design` in the files `files` (relative paths → their sources), in
 * file and position order.
 */
export function mutationPoints(design: Design, files: ReadonlyMap<string, Source>): Mutation[] {
  const out = new Map<string, Mutation>();
  const resetValues = new Set<DesignNode>();
  const add = (src: Source, kind: MutationKind, start: number, end: number, to: string, summary: string): void => {
    const key = `${src.file}:${start}:${end}:${to}`;
    if (out.has(key)) return;
    const { line, col } = src.position(start);
    out.set(key, { name: `${path.basename(src.file)}:${line}:${col} ${summary}`, kind, file: src.file, line, col, start, end, from: src.text(start, end), to });
  };
  const literalOf = (src: Source, n: DesignNode): { lit: Literal; start: number; end: number; text: string; width: number } | undefined => {
    if (n.tag !== 'const' || !n.loc) return undefined;
    const at = src.at(n.loc);
    const v = nodeValue(n.attrs.name);
    if (!at || !v) return undefined;
    if (/[\w'$]/.test(src.char(at.start - 1)) || /[\w'$]/.test(src.char(at.end))) return undefined;
    const lit = parseLiteral(at.text);
    if (!lit) return undefined;
    const mask = (1n << BigInt(v.width)) - 1n;
    const same = lit.fill ? (lit.value === 0n ? v.value === 0n : v.value === mask) : (lit.value & mask) === v.value;
    return same ? { lit, ...at, width: lit.width ?? v.width } : undefined;
  };

  const visit = (n: DesignNode, ctx: Context): void => {
    const src = n.loc && files.get(n.loc.file);
    let inner = ctx;
    if (n.tag === 'always' && src && n.loc) {
      const kw = src.at(n.loc)?.text ?? 'always';
      const sens = n.children.find((c) => c.tag === 'sentree')?.children.filter((c) => c.tag === 'senitem').length ?? 0;
      inner = { ...ctx, process: kw, asyncReset: sens > 1 };
    } else if (NO_CONSTANTS.has(n.tag)) {
      inner = { ...ctx, noConstants: true };
    }
    if (src && n.loc) {
      const at = src.at(n.loc);
      const families = OP_TAGS[n.tag];
      if (at && families) {
        const swap = SWAPS[at.text];
        if (swap && families.includes(swap.kind) && !OP_CHARS.includes(src.char(at.start - 1)) && !OP_CHARS.includes(src.char(at.end))) {
          add(src, swap.kind, at.start, at.end, swap.to, `${at.text} → ${swap.to}`);
        }
      }
      if (n.tag === 'if' || (n.tag === 'cond' && at?.text !== '?')) {
        // An `if`, or one Verilator folded into a `?:` (its location is then not a `?`): the
        // parenthesised condition of the `if` keyword at the node, or around its condition.
        const open = at?.text === 'if' ? src.scan(at.end, '(') : conditionOpen(src, n.children[0]);
        const close = open >= 0 ? src.scan(open + 1, ')') : -1;
        if (open >= 0 && close > open) {
          const cond = src.text(open + 1, close);
          add(src, 'condition', open + 1, close, `!(${cond})`, `if (${oneLine(cond)}) → if (!(…))`);
        }
      }
      if ((n.tag === 'assigndly' && ctx.process === 'always_ff') || (n.tag === 'assign' && ctx.process === 'always_comb')) {
        statement(src, n, ctx);
      }
      if (n.tag === 'const' && !ctx.noConstants && !resetValues.has(n)) {
        const c = literalOf(src, n);
        const to = c && constantMutant(c.lit, c.width);
        if (c && to && to !== c.text) add(src, 'constant', c.start, c.end, to, `${c.text} → ${to}`);
      }
    }
    for (const child of n.children) visit(child, inner);
  };

  /** A register's next value: dropped; a reset value: flipped. */
  const statement = (src: Source, n: DesignNode, ctx: Context): void => {
    const rhs = n.children[0];
    const lhs = target(n.children[n.children.length - 1]);
    const op = src.at(n.loc!);
    if (!rhs || !lhs?.loc || !op || (op.text !== '<=' && op.text !== '=')) return;
    const reset = rhs.tag === 'const' ? literalOf(src, rhs) : undefined;
    if (n.tag === 'assigndly' && ctx.asyncReset && reset) {
      resetValues.add(rhs);
      const to = flippedReset(reset.lit, reset.width);
      add(src, 'reset', reset.start, reset.end, to, `reset ${lhs.attrs.name} ${reset.text} → ${to}`);
      return;
    }
    // A literal assigned: its own mutant covers it. A reset to an enum name: dropping it would
    // leave the register at Verilator's initial zero, often the very value (no mutant at all).
    if (rhs.tag === 'const' && (literalOf(src, rhs) || (n.tag === 'assigndly' && ctx.asyncReset))) return;
    const name = lhs.attrs.name ?? '';
    if (n.tag === 'assign' && !name.endsWith('_d')) return;  // an output, not a register's next value
    const start = src.offset(lhs.loc.line, lhs.loc.col);
    const semi = src.scan(op.end, ';');
    if (semi < 0 || start >= op.start) return;
    add(src, 'drop', start, semi + 1, ';', `drop ${oneLine(src.text(start, op.start))} ${op.text} …`);
  };

  for (const m of design.modules) visit(m, { asyncReset: false, noConstants: false });
  return [...out.values()].sort((a, b) => (a.file === b.file ? a.start - b.start : a.file.localeCompare(b.file)));
}

/** `text` with `m` applied. */
export function applyMutation(text: Buffer, m: Mutation): Buffer {
  return Buffer.concat([text.subarray(0, m.start), Buffer.from(m.to, 'utf8'), text.subarray(m.end)]);
}

/** A unified diff of the lines `m` changes (paths as `a/…` and `b/…`). */
export function mutationDiff(src: Source, m: Mutation): string {
  const first = src.position(m.start).line;
  const last = src.position(Math.max(m.start, m.end - 1)).line;
  const lineStart = src.offset(first, 1);
  const lineEndOffset = src.offset(last + 1, 1);
  const lineEnd = lineEndOffset > lineStart ? lineEndOffset : src.bytes.length;
  const before = src.text(lineStart, lineEnd).replace(/\n$/, '').split('\n');
  const after = Buffer.concat([src.bytes.subarray(lineStart, m.start), Buffer.from(m.to), src.bytes.subarray(m.end, lineEnd)])
    .toString('utf8').replace(/\n$/, '').split('\n');
  return [
    `--- a/${m.file}`,
    `+++ b/${m.file}`,
    `@@ -${first},${before.length} +${first},${after.length} @@`,
    ...before.map((l) => `-${l}`),
    ...after.map((l) => `+${l}`),
  ].join('\n');
}
