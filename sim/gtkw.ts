/**
 * The GTKWave save file beside make sim's waveform: the management line, then a group per cell
 * (its reset and interrupt, its CSR accesses, its host-side vc 0 stream, the firmware DMA's and
 * the image checker's state, the flash pins), collapsed so a person opens the cell they debug.
 */
import { writeFileSync } from 'node:fs';

// GTKWave trace flags: hex, binary, an enum shown as decimal, a comment line, group begin/end.
const HEX = 22;
const BIN = 28;
const DEC = 24;
const COMMENT = 200;
const GROUP_BEGIN = 0x800000 | COMMENT;
const GROUP_END = 0x1000000 | COMMENT;
const COLLAPSED = 0x2000000;

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
    [BIN, `${p}wip_o`],
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
    out.push(flag(GROUP_BEGIN | (i === 0 ? 0 : COLLAPSED)), `-cell ${i}`);
    for (const [f, name] of cellSignals(i)) out.push(flag(f), name);
    out.push(flag(GROUP_END | (i === 0 ? 0 : COLLAPSED)), `-cell ${i}`);
  }
  if (!options.lanes) out.push(flag(COMMENT), '-(lanes not traced: make sim LANES=1 traces the PCS and channels)');
  const file = wave.replace(/\.fst$/, '') + '.gtkw';
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}
