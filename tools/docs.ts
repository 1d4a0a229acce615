// The README tables a description gives: registers, enums, formats and constants, written
// between `<!-- generated:<section> -->` and `<!-- /generated:<section> -->` in the block's
// README so the prose around them stays hand-written.
import type { RegisterDesc } from '../models/common/regmap.js';
import { DescError, lowerCamel, prefixOf, type Description } from './desc.js';
import { svFormat } from './sv.js';

/** The sections a description fills, by marker name. */
export type Section = 'registers' | 'enums' | 'formats' | 'constants';

const hex = (v: number, digits = 2): string => `0x${v.toString(16).toUpperCase().padStart(digits, '0')}`;
const cell = (s: string | undefined): string => (s ?? '').replaceAll('|', '\\|');
const range = (lsb: number, width: number): string => (width === 1 ? `[${lsb}]` : `[${lsb + width - 1}:${lsb}]`);

function registerTable(regs: readonly RegisterDesc[]): string {
  const rows = regs.flatMap((r) => r.fields.map((f, i) => {
    const strobes = [r.writeStrobe ? 'write strobe' : '', r.readStrobe ? 'read strobe' : ''].filter(Boolean).join(', ');
    const name = i ? '' : `${r.name}${strobes ? ` (${strobes})` : ''}`;
    const reset = f.access === 'ro' || f.access === 'wo' ? '—' : hex(f.reset ?? 0, 1);
    const meaning = [i ? '' : r.doc, f.doc, f.enum ? `codes: \`${f.enum}\`` : ''].filter(Boolean).join('; ');
    return `| ${i ? '' : hex(r.offset)} | ${name} | ${f.name} ${range(f.lsb, f.width)} | ${f.access} | ${reset} | ${cell(meaning)} |`;
  }));
  return ['| offset | register | field | access | reset | meaning |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** Each section's markdown, for the sections the description has. */
export function sections(d: Description): Partial<Record<Section, string>> {
  const out: Partial<Record<Section, string>> = {};
  if (d.registers?.length) out.registers = registerTable(d.registers);
  if (d.enums?.length) {
    out.enums = d.enums.map((e) => [
      `**\`${e.name}\`** (${e.width} bit${e.width > 1 ? 's' : ''}${e.doc ? `): ${e.doc}` : ')'}`,
      '',
      '| code | name | meaning |',
      '|---|---|---|',
      ...e.values.map((v) => `| ${hex(v.value, Math.ceil(e.width / 4))} | ${v.name} | ${cell(v.doc)} |`),
    ].join('\n')).join('\n\n');
  }
  if (d.formats?.length) {
    out.formats = d.formats.map((f) => [
      `**\`${f.name}\`** (${f.width} bits, SystemVerilog \`${prefixOf(d)}_pkg::${svFormat(f.name)}\`${f.doc ? `): ${f.doc}` : ')'}`,
      '',
      '| bits | field | meaning |',
      '|---|---|---|',
      ...[...f.fields].sort((a, b) => a.lsb - b.lsb).map((x) => `| ${range(x.lsb, x.width)} | ${lowerCamel(x.name)} | ${cell([x.doc, x.enum ? `codes: \`${x.enum}\`` : ''].filter(Boolean).join('; '))} |`),
    ].join('\n')).join('\n\n');
  }
  if (d.constants?.length) {
    out.constants = ['| name | value | meaning |', '|---|---|---|', ...d.constants.map((c) => `| ${c.name} | ${c.value} | ${cell(c.doc)} |`)].join('\n');
  }
  return out;
}

// A README shared by several descriptions (rtl/cell/) names each one's sections by prefix.
const begin = (s: string): string => `<!-- generated:${s} -->`;
const end = (s: string): string => `<!-- /generated:${s} -->`;

/**
 * `readme` with every section of the description between its markers. A section the
 * description has but the README has no markers for throws, naming the marker to add.
 */
export function spliceReadme(readme: string, d: Description, readmeName: string, source: string): string {
  let text = readme;
  for (const [s, table] of Object.entries(sections(d)) as [Section, string][]) {
    const own = `${prefixOf(d)}:${s}`;
    const m = text.includes(begin(own)) ? own : s;
    const a = text.indexOf(begin(m));
    const b = text.indexOf(end(m));
    if (a < 0 || b < a) throw new DescError(`${readmeName} has no '${begin(s)}' … '${end(s)}' pair (or '${begin(own)}' … '${end(own)}' where several descriptions share the README) for the ${s} of ${source}: add the two lines where the table goes`);
    text = `${text.slice(0, a + begin(m).length)}\n<!-- tools/gen.ts writes this table from ${source}: edit the description, not the table -->\n${table}\n${text.slice(b)}`;
  }
  return text;
}
