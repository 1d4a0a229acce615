import { defineTop } from '../../bridge/src/index.js';
import type { HsiChannelTbDut } from './gen/hsi_channel_tb.js';
import type { HsiCrcTbDut } from './gen/hsi_crc_tb.js';
import type { HsiLockTbDut } from './gen/hsi_lock_tb.js';
import type { HsiPcsTbDut } from './gen/hsi_pcs_tb.js';
import type { HsiScramblerTbDut } from './gen/hsi_scrambler_tb.js';

const pkg = 'rtl/hsi/hsi_pkg.sv';

/** hsi_scrambler and hsi_descrambler, each behind an AXI-Stream port, or looped (loop_i). */
export const hsiScramblerTb = defineTop<HsiScramblerTbDut>({
  name: 'hsi_scrambler_tb',
  sources: [pkg, 'rtl/hsi/hsi_scrambler.sv', 'rtl/hsi/hsi_descrambler.sv', 'tb/hsi/hdl/hsi_scrambler_tb.sv'],
  config: ['tb/hsi/hdl/hsi_scrambler_tb.vlt'],
});

/** hsi_block_lock on raw blocks from an AXI-Stream port. */
export const hsiLockTb = defineTop<HsiLockTbDut>({
  name: 'hsi_lock_tb',
  sources: [pkg, 'rtl/hsi/hsi_block_lock.sv', 'tb/hsi/hdl/hsi_lock_tb.sv'],
});

/** hsi_crc32_64 over AXI-Stream frames and hsi_crc16_ctrl over each beat. */
export const hsiCrcTb = defineTop<HsiCrcTbDut>({
  name: 'hsi_crc_tb',
  sources: [pkg, 'rtl/hsi/hsi_crc32_64.sv', 'rtl/hsi/hsi_crc16_ctrl.sv', 'tb/hsi/hdl/hsi_crc_tb.sv'],
});

/** tb/hdl/hsi_channel.sv on a counting pattern (Latency 3). */
export const hsiChannelTb = defineTop<HsiChannelTbDut>({
  name: 'hsi_channel_tb',
  sources: ['tb/hdl/hsi_channel.sv', 'tb/hsi/hdl/hsi_channel_tb.sv'],
});

/** scrambler -> channel (Latency 4) -> block lock -> descrambler. */
export const hsiPcsTb = defineTop<HsiPcsTbDut>({
  name: 'hsi_pcs_tb',
  sources: [pkg, 'rtl/hsi/hsi_scrambler.sv', 'rtl/hsi/hsi_descrambler.sv', 'rtl/hsi/hsi_block_lock.sv', 'tb/hdl/hsi_channel.sv', 'tb/hsi/hdl/hsi_pcs_tb.sv'],
});
