// The register-map generator: one JSON description per block gives the SystemVerilog package and
// APB register block of the RTL and the TypeScript map of the models, so names match by
// construction (STYLE.md: register maps are data).
import type { FieldDesc, RegisterDesc, RegisterMap } from '../../../models/common/regmap.js';

/** A description that cannot be generated: the message names the register and field. */
export class RegMapError extends Error {
  override name = 'RegMapError';
}

const ID = /^[A-Z][A-Z0-9_]*$/;

/** Checks offsets (word-aligned, inside the 256-byte window, unique) and fields (inside 32 bits, disjoint). */
export function validate(map: RegisterMap): void {
  if (!/^[a-z][a-z0-9_]*$/.test(map.block)) throw new RegMapError(`block name '${map.block}' must be lower_snake_case`);
  const offsets = new Set<number>();
  for (const r of map.registers) {
    const where = `${map.block}.${r.name}`;
    if (!ID.test(r.name)) throw new RegMapError(`${where}: register names are UPPER_SNAKE_CASE`);
    if (r.offset % 4 || r.offset < 0 || r.offset > 0xfc) throw new RegMapError(`${where}: offset 0x${r.offset.toString(16)} is not a word in 0x00..0xFC`);
    if (offsets.has(r.offset)) throw new RegMapError(`${where}: offset 0x${r.offset.toString(16)} is used twice`);
    offsets.add(r.offset);
    let used = 0n;
    for (const f of r.fields) {
      if (!ID.test(f.name)) throw new RegMapError(`${where}.${f.name}: field names are UPPER_SNAKE_CASE`);
      if (f.width < 1 || f.lsb < 0 || f.lsb + f.width > 32) throw new RegMapError(`${where}.${f.name}: bits [${f.lsb + f.width - 1}:${f.lsb}] leave the 32-bit register`);
      if (!['rw', 'ro', 'wo', 'w1c'].includes(f.access)) throw new RegMapError(`${where}.${f.name}: access '${f.access}' is not rw, ro, wo or w1c`);
      const bits = ((1n << BigInt(f.width)) - 1n) << BigInt(f.lsb);
      if (used & bits) throw new RegMapError(`${where}.${f.name}: overlaps another field`);
      used |= bits;
      if ((f.reset ?? 0) >= 2 ** f.width) throw new RegMapError(`${where}.${f.name}: reset ${f.reset} does not fit ${f.width} bits`);
    }
  }
}

const lc = (s: string): string => s.toLowerCase();
const port = (r: RegisterDesc, f: FieldDesc): string => `${lc(r.name)}_${lc(f.name)}`;
const range = (w: number): string => (w === 1 ? '' : `[${w - 1}:0] `);
const hex = (v: number, w = 8): string => `${w}'h${v.toString(16)}`;
const bits = (f: FieldDesc): string => `[${f.lsb + f.width - 1}:${f.lsb}]`;
const off = (r: RegisterDesc): string => `8'h${r.offset.toString(16).padStart(2, '0')}`;
/** A `wo` field of a write-strobe register is not stored: it is the write data, valid with `_we_o`. */
const passThrough = (r: RegisterDesc, f: FieldDesc): boolean => f.access === 'wo' && !!r.writeStrobe;
const pairs = (map: RegisterMap, keep: (r: RegisterDesc, f: FieldDesc) => boolean): [RegisterDesc, FieldDesc][] =>
  map.registers.flatMap((r) => r.fields.filter((f) => keep(r, f)).map((f) => [r, f] as [RegisterDesc, FieldDesc]));
const stored = (map: RegisterMap): [RegisterDesc, FieldDesc][] => pairs(map, (r, f) => f.access !== 'ro' && !passThrough(r, f));

/**
 * `<block>_reg_top.sv`: the APB register block. rw/wo fields drive `_o`, ro fields read `_i`,
 * w1c fields are set by `_set_i` and cleared by writing 1; strobe registers add `_we_o`/`_re_o`.
 */
export function svRegTop(map: RegisterMap, source = `${map.block}_regs.json`): string {
  const st = stored(map);
  const ports = map.registers.flatMap((r) => [
    ...r.fields.flatMap((f) => {
      if (f.access === 'ro') return [`  input  wire logic ${range(f.width)}${port(r, f)}_i`];
      const out = `  output      logic ${range(f.width)}${port(r, f)}_o`;
      return f.access === 'w1c' ? [`  input  wire logic ${range(f.width)}${port(r, f)}_set_i`, out] : [out];
    }),
    ...(r.writeStrobe ? [`  output      logic ${lc(r.name)}_we_o`] : []),
    ...(r.readStrobe ? [`  output      logic ${lc(r.name)}_re_o`] : []),
  ]);
  const regs = st.map(([r, f]) => `  logic ${range(f.width)}${port(r, f)}_q, ${port(r, f)}_d;`);
  const outs = [
    ...st.map(([r, f]) => `  assign ${port(r, f)}_o = ${port(r, f)}_q;`),
    ...pairs(map, passThrough).map(([r, f]) => `  assign ${port(r, f)}_o = apb_pwdata_i${bits(f)};`),
    ...map.registers.filter((r) => r.writeStrobe).map((r) => `  assign ${lc(r.name)}_we_o = write && apb_paddr_i[7:0] == ${off(r)};`),
    ...map.registers.filter((r) => r.readStrobe).map((r) => `  assign ${lc(r.name)}_re_o = read && apb_paddr_i[7:0] == ${off(r)};`),
  ];
  // w1c: the hardware's set wins over a clear in the same cycle, so no event is lost.
  const defaults = st.map(([r, f]) => (f.access === 'w1c'
    ? `    ${port(r, f)}_d = ${port(r, f)}_q | ${port(r, f)}_set_i;`
    : `    ${port(r, f)}_d = ${port(r, f)}_q;`));
  const writes = map.registers.filter((r) => r.fields.some((f) => f.access !== 'ro' && !passThrough(r, f))).map((r) => [
    `        ${off(r)}: begin`,
    ...r.fields.filter((f) => f.access !== 'ro' && !passThrough(r, f)).map((f) => (f.access === 'w1c'
      ? `          ${port(r, f)}_d = (${port(r, f)}_q & ~apb_pwdata_i${bits(f)}) | ${port(r, f)}_set_i;`
      : `          ${port(r, f)}_d = apb_pwdata_i${bits(f)};`)),
    '        end',
  ].join('\n'));
  const reads = map.registers.map((r) => [
    `      ${off(r)}: begin`,
    ...r.fields.filter((f) => f.access !== 'wo').map((f) => `        rdata${bits(f)} = ${port(r, f)}_${f.access === 'ro' ? 'i' : 'q'};`),
    '      end',
  ].join('\n'));
  const resets = st.map(([r, f]) => `      ${port(r, f)}_q <= ${hex(f.reset ?? 0, f.width)};`);
  const updates = st.map(([r, f]) => `      ${port(r, f)}_q <= ${port(r, f)}_d;`);
  const used = new Array(32).fill(false) as boolean[];
  for (const [, f] of pairs(map, (_r, f) => f.access !== 'ro')) for (let b = f.lsb; b < f.lsb + f.width; b++) used[b] = true;
  const unusedBits = used.flatMap((u, b) => (u ? [] : [`apb_pwdata_i[${b}]`]));
  return `// Generated by bridge/src/regmap from ${source}: do not edit.
// APB register block of ${map.block}: ${map.registers.length} register(s) in a 256-byte window.
// Clock/reset: clk_i, asynchronous active-low rst_ni. APB3 slave, no wait states; an offset
// with no register answers pslverr. rw/wo fields drive <reg>_<field>_o, ro fields read _i,
// w1c fields are set by _set_i and cleared by writing 1, strobes pulse in the access cycle.
\`default_nettype none

module ${map.block}_reg_top (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        apb_psel_i,
  input  wire logic        apb_penable_i,
  input  wire logic        apb_pwrite_i,
  input  wire logic [11:0] apb_paddr_i,
  input  wire logic [31:0] apb_pwdata_i,
  output      logic [31:0] apb_prdata_o,
  output      logic        apb_pready_o,
  output      logic        apb_pslverr_o,
${ports.join(',\n')}
);
${regs.join('\n')}
  logic [31:0] rdata;
  logic        hit;
  // The cell's decoder selects the block; the window's upper address bits are not ours.
  logic        unused_paddr;
  assign unused_paddr = ^apb_paddr_i[11:8];
${unusedBits.length ? `  logic        unused_pwdata;\n  assign unused_pwdata = ^{${unusedBits.join(', ')}};\n` : ''}
  wire access = apb_psel_i && apb_penable_i;
  wire write  = access && apb_pwrite_i;
  wire read   = access && !apb_pwrite_i;

${outs.join('\n')}
  assign apb_pready_o  = 1'b1;
  assign apb_pslverr_o = access && !hit;
  assign apb_prdata_o  = read ? rdata : 32'h0;

  always_comb begin
    rdata = 32'h0;
    hit   = 1'b1;
    unique case (apb_paddr_i[7:0])
${reads.join('\n')}
      default: hit = 1'b0;
    endcase
  end

  always_comb begin
${defaults.join('\n')}
    if (write) begin
      unique case (apb_paddr_i[7:0])
${writes.join('\n')}
        default: ;
      endcase
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
${resets.join('\n')}
    end else begin
${updates.join('\n')}
    end
  end
endmodule
`;
}

/** `models/<block>/regs.ts`: the same map for TypeScript, typed by the runtime. */
export function tsRegs(map: RegisterMap, runtimeImport: string, source = `${map.block}_regs.json`): string {
  return `// Generated by bridge/src/regmap from ${source}: do not edit.
import type { RegisterMap } from '${runtimeImport}';

/** Register map of block \`${map.block}\`. */
export const ${map.block}Regs = ${JSON.stringify(map, null, 2)} as const satisfies RegisterMap;

/** Byte offsets by register name. */
export const ${map.block.toUpperCase()}_OFFSET = {
${map.registers.map((r) => `  ${r.name}: 0x${r.offset.toString(16).padStart(2, '0')},`).join('\n')}
} as const;
`;
}
