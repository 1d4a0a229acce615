import { defineTop } from '../../bridge/src/index.js';
import type { CellPairTbDut } from './gen/cell_pair_tb.js';

/** The cell's RTL and what it instantiates, packages first. */
export const cellSources = [
  'rtl/flash/spi_flash_pkg.sv', 'rtl/uart/uart_pkg.sv', 'rtl/hsi/hsi_pkg.sv', 'rtl/hsi/hsi_frame_pkg.sv',
  'rtl/cell/cell_pkg.sv', 'rtl/cell/fw_dma_pkg.sv', 'rtl/cell/image_check_pkg.sv', 'rtl/cell/cell_ctrl_pkg.sv',
  'rtl/common/sync_fifo.sv',
  'rtl/uart/uart_reg_top.sv', 'rtl/uart/uart_tx.sv', 'rtl/uart/uart_rx.sv', 'rtl/uart/uart.sv',
  'rtl/flash/spi_flash_reg_top.sv', 'rtl/flash/spi_flash_phy.sv', 'rtl/flash/spi_flash_crc32.sv', 'rtl/flash/spi_flash_protect.sv',
  'rtl/flash/spi_flash_engine.sv', 'rtl/flash/spi_flash_ctrl.sv',
  'rtl/hsi/hsi_reg_top.sv', 'rtl/hsi/hsi_scrambler.sv', 'rtl/hsi/hsi_descrambler.sv', 'rtl/hsi/hsi_block_lock.sv',
  'rtl/hsi/hsi_crc32_64.sv', 'rtl/hsi/hsi_crc16_ctrl.sv', 'rtl/hsi/hsi_tx_buffer.sv', 'rtl/hsi/hsi_rx_buffer.sv',
  'rtl/hsi/hsi_link_tx.sv', 'rtl/hsi/hsi_link_rx.sv', 'rtl/hsi/hsi_link_state.sv', 'rtl/hsi/hsi_link_counters.sv', 'rtl/hsi/hsi_link.sv',
  'rtl/cell/fw_dma_reg_top.sv', 'rtl/cell/fw_dma_tx.sv', 'rtl/cell/fw_dma_rx.sv', 'rtl/cell/fw_dma.sv',
  'rtl/cell/image_check_reg_top.sv', 'rtl/cell/image_check.sv', 'rtl/cell/cell_ctrl_reg_top.sv', 'rtl/cell/cell_ctrl.sv',
  'rtl/cell/cell_flash_arb.sv', 'rtl/cell/cell_top.sv',
];

const sources = [...cellSources, 'tb/hdl/spi_nor_model.sv', 'tb/hdl/hsi_channel.sv', 'tb/cell/hdl/cell_pair_tb.sv'];

/** Two cells on a direct lane pair, flash_tb's short busy times (tPP 600, tSE 2000, tBE 5000 cycles), 2 MiB parts, a 1 MiB image region. */
export const cellPairTb = defineTop<CellPairTbDut>({
  name: 'cell_pair_tb',
  sources,
  config: ['tb/hdl/spi_nor_model.vlt', 'tb/cell/hdl/fw_dma_rx_probe.vlt'],
});

/** The benchmark's pair: the flash bench's part (1 MiB, tPP 20 000, tSE 100 000, tBE 400 000 cycles). */
export const cellPairBench = defineTop<CellPairTbDut>({
  name: 'cell_pair_tb_bench',
  module: 'cell_pair_tb',
  sources,
  config: ['tb/hdl/spi_nor_model.vlt', 'tb/cell/hdl/fw_dma_rx_probe.vlt'],
  parameters: { SizeBytes: 1 << 20, TppCycles: 20000, TseCycles: 100000, TbeCycles: 400000, TceCycles: 2000000 },
});
