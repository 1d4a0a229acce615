// A block's description (`<prefix>_desc.json`): its registers, enums, packed formats and
// constants, the one hand-written place of every code and field position of the block. The
// generator (tools/gen.ts) writes from it the SystemVerilog package and register block, the
// TypeScript of models/<block>/, and the README's tables.
import type { RegisterDesc, RegisterMap } from '../models/common/regmap.js';

/** A named number, e.g. a page size: `localparam` in SystemVerilog, `const` in TypeScript. */
export interface ConstDesc {
  /** UPPER_SNAKE_CASE (SystemVerilog: UpperCamelCase). */
  readonly name: string;
  /** A non-negative integer below 2^32. */
  readonly value: number;
  readonly doc?: string;
}

/** One code of an enum. */
export interface EnumValueDesc {
  /** UpperCamelCase; SystemVerilog prefixes the enum's name (`FlashOpRead`). */
  readonly name: string;
  readonly value: number;
  readonly doc?: string;
}

/** Codes of `width` bits: `typedef enum` in SystemVerilog, `enum` in TypeScript. */
export interface EnumDesc {
  /** UpperCamelCase: the TypeScript enum; SystemVerilog `<snake_case>_e`. */
  readonly name: string;
  readonly width: number;
  readonly doc?: string;
  readonly values: readonly EnumValueDesc[];
}

/** A field of a packed format: bits [lsb + width - 1 : lsb], at most 32 wide. */
export interface FormatFieldDesc {
  /** lower_snake_case (TypeScript: camelCase). */
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
  /** An enum of the description whose codes the field carries (widths must agree). */
  readonly enum?: string;
  readonly doc?: string;
}

/** A word of `width` bits with fields at fixed offsets (a stream beat, a frame header). */
export interface FormatDesc {
  /** UpperCamelCase: the TypeScript interface and codec; SystemVerilog `<snake_case>_t`. */
  readonly name: string;
  readonly width: number;
  readonly doc?: string;
  readonly fields: readonly FormatFieldDesc[];
}

/** The whole description of one block. */
export interface Description {
  /** lower_snake_case: models/<block>/ and the TypeScript names (`FLASH_OFFSET`). */
  readonly block: string;
  /** Prefix of the SystemVerilog package and register block (`<prefix>_pkg`). @defaultValue block */
  readonly prefix?: string;
  readonly doc?: string;
  readonly constants?: readonly ConstDesc[];
  readonly enums?: readonly EnumDesc[];
  readonly formats?: readonly FormatDesc[];
  /** The APB registers of the block's 256-byte window. @defaultValue none (no register block) */
  readonly registers?: readonly RegisterDesc[];
}

/** A description that cannot be generated: the message names the item and what is wrong. */
export class DescError extends Error {
  override name = 'DescError';
}

const UPPER = /^[A-Z][A-Z0-9_]*$/;
const CAMEL = /^[A-Z][A-Za-z0-9]*$/;
const SNAKE = /^[a-z][a-z0-9_]*$/;

/** The SystemVerilog prefix of the block's package and register block. */
export const prefixOf = (d: Description): string => d.prefix ?? d.block;

/** The register map the runtime models (block and registers only). */
export const registerMap = (d: Description): RegisterMap => ({ block: d.block, registers: d.registers ?? [] });

/** `FlashOp` → `flash_op`. */
export const snake = (camel: string): string => camel.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();
/** `PAGE_BYTES` → `PageBytes`. */
export const upperCamel = (upperSnake: string): string => upperSnake.toLowerCase().split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
/** `start_offset` → `startOffset`. */
export const lowerCamel = (lowerSnake: string): string => lowerSnake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Bits [lsb + width - 1 : lsb] as a bigint mask. */
const span = (lsb: number, width: number): bigint => ((1n << BigInt(width)) - 1n) << BigInt(lsb);

function checkBits(where: string, fields: readonly { name: string; lsb: number; width: number }[], total: number, maxField: number): void {
  let used = 0n;
  for (const f of fields) {
    if (!Number.isInteger(f.width) || f.width < 1 || f.width > maxField) throw new DescError(`${where}.${f.name}: width ${f.width} is not 1..${maxField}`);
    if (!Number.isInteger(f.lsb) || f.lsb < 0 || f.lsb + f.width > total) throw new DescError(`${where}.${f.name}: bits [${f.lsb + f.width - 1}:${f.lsb}] leave the ${total}-bit ${total === 32 ? 'register' : 'word'}`);
    const b = span(f.lsb, f.width);
    if (used & b) throw new DescError(`${where}.${f.name}: overlaps another field`);
    used |= b;
  }
}

function unique(where: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new DescError(`${where}: '${n}' is defined twice`);
    seen.add(n);
  }
}

function checkEnumRef(where: string, name: string | undefined, width: number, enums: ReadonlyMap<string, EnumDesc>): void {
  if (name === undefined) return;
  const e = enums.get(name);
  if (!e) throw new DescError(`${where}: enum '${name}' is not in the description (enums: ${[...enums.keys()].join(', ') || 'none'})`);
  if (e.width !== width) throw new DescError(`${where}: ${width} bit(s) wide, but enum ${name} has ${e.width}`);
}

/**
 * Checks names (each kind in its case), register offsets (word-aligned, inside the 256-byte
 * window, unique), fields (inside their register or word, disjoint), enum codes (fit their
 * width, unique) and the enums fields refer to.
 */
export function validate(d: Description): void {
  if (!SNAKE.test(d.block)) throw new DescError(`block name '${d.block}' must be lower_snake_case`);
  if (!SNAKE.test(prefixOf(d))) throw new DescError(`${d.block}: prefix '${prefixOf(d)}' must be lower_snake_case`);
  const b = d.block;
  unique(`${b}: enums, formats`, [...(d.enums ?? []), ...(d.formats ?? [])].map((x) => x.name));
  unique(`${b}: constants`, (d.constants ?? []).map((c) => c.name));
  for (const c of d.constants ?? []) {
    if (!UPPER.test(c.name)) throw new DescError(`${b}.${c.name}: constant names are UPPER_SNAKE_CASE`);
    if (!Number.isInteger(c.value) || c.value < 0 || c.value > 0xffffffff) throw new DescError(`${b}.${c.name}: ${c.value} is not an integer in 0..2^32-1`);
  }
  const enums = new Map<string, EnumDesc>();
  for (const e of d.enums ?? []) {
    const where = `${b}.${e.name}`;
    if (!CAMEL.test(e.name)) throw new DescError(`${where}: enum names are UpperCamelCase`);
    if (!Number.isInteger(e.width) || e.width < 1 || e.width > 32) throw new DescError(`${where}: width ${e.width} is not 1..32`);
    if (!e.values.length) throw new DescError(`${where}: an enum needs a value`);
    unique(where, e.values.map((v) => v.name));
    unique(`${where} codes`, e.values.map((v) => String(v.value)));
    for (const v of e.values) {
      if (!CAMEL.test(v.name)) throw new DescError(`${where}.${v.name}: enum value names are UpperCamelCase`);
      if (!Number.isInteger(v.value) || v.value < 0 || v.value >= 2 ** e.width) throw new DescError(`${where}.${v.name}: ${v.value} does not fit ${e.width} bit(s)`);
    }
    enums.set(e.name, e);
  }
  for (const f of d.formats ?? []) {
    const where = `${b}.${f.name}`;
    if (!CAMEL.test(f.name)) throw new DescError(`${where}: format names are UpperCamelCase`);
    if (!Number.isInteger(f.width) || f.width < 1) throw new DescError(`${where}: width ${f.width} is not a positive integer`);
    unique(where, f.fields.map((x) => x.name));
    for (const x of f.fields) if (!SNAKE.test(x.name)) throw new DescError(`${where}.${x.name}: format field names are lower_snake_case`);
    checkBits(where, f.fields, f.width, 32);
    for (const x of f.fields) checkEnumRef(`${where}.${x.name}`, x.enum, x.width, enums);
  }
  const offsets = new Set<number>();
  unique(`${b}: registers`, (d.registers ?? []).map((r) => r.name));
  for (const r of d.registers ?? []) {
    const where = `${b}.${r.name}`;
    if (!UPPER.test(r.name)) throw new DescError(`${where}: register names are UPPER_SNAKE_CASE`);
    if (r.offset % 4 || r.offset < 0 || r.offset > 0xfc) throw new DescError(`${where}: offset 0x${r.offset.toString(16)} is not a word in 0x00..0xFC`);
    if (offsets.has(r.offset)) throw new DescError(`${where}: offset 0x${r.offset.toString(16)} is used twice`);
    offsets.add(r.offset);
    unique(where, r.fields.map((f) => f.name));
    for (const f of r.fields) {
      if (!UPPER.test(f.name)) throw new DescError(`${where}.${f.name}: field names are UPPER_SNAKE_CASE`);
      if (!['rw', 'ro', 'wo', 'w1c'].includes(f.access)) throw new DescError(`${where}.${f.name}: access '${f.access}' is not rw, ro, wo or w1c`);
    }
    checkBits(where, r.fields, 32, 32);
    for (const f of r.fields) {
      if ((f.reset ?? 0) >= 2 ** f.width) throw new DescError(`${where}.${f.name}: reset ${f.reset} does not fit ${f.width} bits`);
      checkEnumRef(`${where}.${f.name}`, f.enum, f.width, enums);
    }
  }
}
