import { defineTop } from '../../bridge/src/index.js';
import type { FlashTbDut } from './gen/flash_tb.js';

const sources = [
  'rtl/flash/spi_flash_pkg.sv',
  'rtl/common/sync_fifo.sv',
  'rtl/flash/spi_flash_reg_top.sv',
  'rtl/flash/spi_flash_phy.sv',
  'rtl/flash/spi_flash_crc32.sv',
  'rtl/flash/spi_flash_protect.sv',
  'rtl/flash/spi_flash_engine.sv',
  'rtl/flash/spi_flash_ctrl.sv',
  'tb/hdl/spi_nor_model.sv',
  'tb/flash/hdl/flash_tb.sv',
];

/** Short busy times (flash_tb defaults: tPP 600, tSE 2000, tBE 5000, tCE 12000 cycles), a 256 KiB part. */
export const flashTb = defineTop<FlashTbDut>({
  name: 'flash_tb',
  sources,
  config: ['tb/hdl/spi_nor_model.vlt'],
});

/** The benchmark's part: 1 MiB, tPP 20 000 and tSE 100 000 cycles (200 µs and 1 ms at 100 MHz). */
export const flashBench = defineTop<FlashTbDut>({
  name: 'flash_tb_bench',
  module: 'flash_tb',
  sources,
  config: ['tb/hdl/spi_nor_model.vlt'],
  parameters: { SizeBytes: 1 << 20, TppCycles: 20000, TseCycles: 100000, TbeCycles: 400000, TceCycles: 2000000 },
});
