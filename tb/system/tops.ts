import { defineTop } from '../../bridge/src/index.js';
import { cellSources } from '../cell/tops.js';
import type { SystemTbDut } from './gen/system_tb.js';

/** The crossbar's RTL, after the link's (which cellSources has). */
const xbarSources = [
  'rtl/hsi/hsi_xbar_pkg.sv', 'rtl/hsi/hsi_xbar_reg_top.sv', 'rtl/hsi/hsi_xbar_slice.sv', 'rtl/hsi/hsi_xbar_arbiter.sv',
  'rtl/hsi/hsi_xbar_ingress.sv', 'rtl/hsi/hsi_xbar_egress.sv', 'rtl/hsi/hsi_xbar.sv',
];

const sources = [...cellSources, ...xbarSources, 'rtl/system/system_top.sv', 'tb/hdl/spi_nor_model.sv', 'tb/hdl/hsi_channel.sv', 'tb/system/hdl/system_tb.sv'];

/** The flash part of the tests (flash_tb's short busy times) or of the benches and make sim. */
export type SystemFlash = 'short' | 'bench';

const FLASH: Record<SystemFlash, Record<string, number>> = {
  short: { SizeBytes: 1 << 21, TppCycles: 600, TseCycles: 2000, TbeCycles: 5000, TceCycles: 12000 },
  bench: { SizeBytes: 1 << 21, TppCycles: 20000, TseCycles: 100000, TbeCycles: 400000, TceCycles: 2000000 },
};

/** How a system top is built beside its size and part. */
export interface SystemBuild {
  /** Trace the lanes' PCS, scramblers and fault channels (they barely compress). @defaultValue false */
  readonly lanes?: boolean;
}

/** The system of `cells` cells (2..16) on `flash`'s parts: one build per size, part and tracing. */
export function systemTb(cells: number, flash: SystemFlash = 'short', build: SystemBuild = {}) {
  return defineTop<SystemTbDut>({
    name: `system_tb_${cells}_${flash}${build.lanes ? '_lanes' : ''}`,
    module: 'system_tb',
    sources,
    config: ['tb/system/hdl/system_tb.vlt', 'tb/cell/hdl/fw_dma_rx_probe.vlt', ...(build.lanes ? [] : ['tb/system/hdl/system_tb_quiet.vlt'])],
    parameters: { Cells: cells, ...FLASH[flash] },
  });
}

/** The one `make types` describes (every size has the same ports); with the others tb/system runs, built before the tests. */
export const systemTb4 = systemTb(4);
export const systemTb2 = systemTb(2);
export const systemTb3 = systemTb(3);
