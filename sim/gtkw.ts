/**
 * The GTKWave save file beside make sim's waveform: the management line, then a group per cell
 * (its reset and interrupt, its CSR accesses, its host-side vc 0 stream, the firmware DMA's and
 * the image checker's state, the flash pins), collapsed so a person opens the cell they debug.
 */
import { writeFileSync } from 'node:fs';

// GTKWave's trace flags (its TraceEntFlagBits), written in hex after '@': a value right-justified in
// hex, binary or decimal; a comment is a blank trace; a group is a blank trace between a begin
// and an end flag, closed (collapsed) or open.
const TR_HEX = 1 << 1;
const TR_DEC = 1 << 2;
const TR_BIN = 1 << 3;
const TR_RJUSTIFY = 1 << 5;
const TR_BLANK = 1 << 9;
const TR_COLLAPSED = 1 << 12;
const TR_CLOSED = 1 << 22;
const TR_GRP_BEGIN = 1 << 23;
const TR_GRP_END = 1 << 24;
const HEX = TR_HEX | TR_RJUSTIFY;
const BIN = TR_BIN | TR_RJUSTIFY;
const DEC = TR_DEC | TR_RJUSTIFY;
const COMMENT = TR_BLANK;
const groupBegin = (closed: boolean): number => TR_GRP_BEGIN | TR_BLANK | (closed ? TR_CLOSED : 0);
const groupEnd = (closed: boolean): number => TR_GRP_END | TR_BLANK | (closed ? TR_CLOSED | TR_COLLAPSED : 0);

const flag = (f: number): string => `@${f.toString(16)}`;

/** One cell's signals as GTKWave names them (Verilator's FST: TOP.<top>.<path>[msb:lsb]). */
function cellSignals(i: number): [number, string][] {
  const p = `TOP.system_tb.c${i}_`;
  const cell = `TOP.system_tb.u_system.g_cell[${i}].u_cell.`;
  return [
    [BIN, `${p}rst_ni`], [BIN, `${p}irq_o`],
    [BIN, `${p}apb_psel_i`], [BIN, `${p}apb_penable_i`], [BIN, `${p}apb_pwrite_i`], [HEX, `${p}apb_paddr_i[11:0]`], [HEX, `${p}apb_pwdata_i[31:0]`], [HEX, `${p}apb_prdata_o[31:0]`], [BIN, `${p}apb_pready_o`],
    [BIN, `${p}s_axis_vc0_tvalid_i`], [BIN, `${p}s_axis_vc0_tready_o`], [BIN, `${p}s_axis_vc0_tlast_i`], [HEX, `${p}s_axis_vc0_tdest_i[7:0]`],
    [BIN, `${p}m_axis_vc0_tvalid_o`], [BIN, `${p}m_axis_vc0_tready_i`], [BIN, `${p}m_axis_vc0_tlast_o`], [HEX, `${p}m_axis_vc0_tid_o[7:0]`],
    [DEC, `${cell}u_dma.u_tx.st_q[2:0]`], [HEX, `${cell}u_dma.u_tx.progress_q[24:0]`], [HEX, `${cell}u_dma.u_tx.dest_q[4:0]`],
    [BIN, `${cell}u_dma.u_rx.armed_q`], [DEC, `${cell}u_dma.u_rx.st_q[1:0]`], [HEX, `${cell}u_dma.u_rx.next_q[24:0]`], [HEX, `${cell}u_dma.u_rx.written_q[24:0]`],
    [DEC, `${cell}u_check.st_q[2:0]`], [DEC, `${cell}u_check.result_q[2:0]`],
    [BIN, `${cell}u_ctrl.up_q`], [BIN, `${cell}u_ctrl.down_q`],
    [BIN, `${p}wip_o`], [BIN, `${p}spi_cs_no`], [BIN, `${p}spi_sclk_o`], [BIN, `${p}spi_mosi_o`], [BIN, `${p}spi_miso_o`],
  ];
}

/** Writes `<wave without .fst>.gtkw` for a system of `cells` cells; returns its path. */
export function writeGtkw(wave: string, cells: number, options: { readonly lanes: boolean }): string {
  const out = [
    `[dumpfile] "${wave}"`,
    `[savefile] "${wave.replace(/\.fst$/, '.gtkw')}"`,
    '[timestart] 0',
    '[sst_width] 240',
    '[signals_width] 320',
    flag(COMMENT), '-management line (wired-AND)',
    flag(BIN), 'TOP.system_tb.line_o', 'TOP.system_tb.line_i', 'TOP.system_tb.clk_i',
  ];
  for (let i = 0; i < cells; i++) {
    out.push(flag(groupBegin(i > 0)), `-cell ${i}`);
    for (const [f, name] of cellSignals(i)) out.push(flag(f), name);
    out.push(flag(groupEnd(i > 0)), `-cell ${i}`);
  }
  if (!options.lanes) out.push(flag(COMMENT), '-(lanes not traced: make sim LANES=1 traces the PCS and channels)');
  const file = wave.replace(/\.fst$/, '') + '.gtkw';
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}
