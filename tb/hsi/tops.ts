import { defineTop } from '../../bridge/src/index.js';
import type { HsiChannelTbDut } from './gen/hsi_channel_tb.js';
import type { HsiCrcTbDut } from './gen/hsi_crc_tb.js';
import type { HsiLinkTbDut } from './gen/hsi_link_tb.js';
import type { HsiLockTbDut } from './gen/hsi_lock_tb.js';
import type { HsiPcsTbDut } from './gen/hsi_pcs_tb.js';
import type { HsiScramblerTbDut } from './gen/hsi_scrambler_tb.js';
import type { HsiTapTbDut } from './gen/hsi_tap_tb.js';
import type { HsiXbarTbDut } from './gen/hsi_xbar_tb.js';

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

/** Two lanes (scrambler -> channel), each with a tap (tb/hdl/hsi_tap.sv) on both sides: the checker's fixture. */
export const hsiTapTb = defineTop<HsiTapTbDut>({
  name: 'hsi_tap_tb',
  sources: [pkg, 'rtl/hsi/hsi_scrambler.sv', 'rtl/hsi/hsi_descrambler.sv', 'rtl/hsi/hsi_block_lock.sv', 'rtl/hsi/hsi_crc16_ctrl.sv', 'tb/hdl/hsi_channel.sv', 'tb/hdl/hsi_tap.sv', 'tb/hsi/hdl/hsi_tap_lane.sv', 'tb/hsi/hdl/hsi_tap_tb.sv'],
});

/** hsi_link and its sub-modules. */
const linkSources = [pkg, 'rtl/hsi/hsi_frame_pkg.sv', 'rtl/hsi/hsi_reg_top.sv', 'rtl/hsi/hsi_scrambler.sv', 'rtl/hsi/hsi_descrambler.sv', 'rtl/hsi/hsi_block_lock.sv',
  'rtl/hsi/hsi_crc32_64.sv', 'rtl/hsi/hsi_crc16_ctrl.sv', 'rtl/hsi/hsi_tx_buffer.sv', 'rtl/hsi/hsi_rx_buffer.sv',
  'rtl/hsi/hsi_link_tx.sv', 'rtl/hsi/hsi_link_rx.sv', 'rtl/hsi/hsi_link_state.sv', 'rtl/hsi/hsi_link_counters.sv',
  'rtl/hsi/hsi_link.sv'];

/** Two hsi_link endpoints (a: cell 1, b: cell 2) joined by two hsi_channel lanes (Latency 4). */
export const hsiLinkTb = defineTop<HsiLinkTbDut>({
  name: 'hsi_link_tb',
  sources: [...linkSources, 'tb/hdl/hsi_channel.sv', 'tb/hsi/hdl/hsi_link_tb.sv'],
});

/** hsi_link_tb with the protocol checker's taps bound in (tb/hsi/hdl/hsi_link_taps.sv). */
export const hsiLinkTapTb = defineTop<HsiLinkTbDut>({
  ...hsiLinkTb,
  name: 'hsi_link_tap_tb',
  module: 'hsi_link_tb',
  sources: [...hsiLinkTb.sources, 'tb/hdl/hsi_tap.sv', 'tb/hsi/hdl/hsi_link_taps.sv'],
  config: ['tb/hsi/hdl/hsi_link_taps.vlt'],
});

/** hsi_link_tap_tb whose b end follows its peer (FollowPeer, as a crossbar port); one described interface with it. */
export const hsiLinkFollowTb = defineTop<HsiLinkTbDut>({
  ...hsiLinkTapTb,
  name: 'hsi_link_follow_tb',
  parameters: { FollowB: 1 },
});

/** Four cells' hsi_link endpoints (c0..c3), each on two hsi_channel lanes to its port of hsi_xbar (Ports 4). */
export const hsiXbarTb = defineTop<HsiXbarTbDut>({
  name: 'hsi_xbar_tb',
  sources: [...linkSources, 'rtl/hsi/hsi_xbar_pkg.sv', 'rtl/hsi/hsi_xbar_reg_top.sv', 'rtl/hsi/hsi_xbar_arbiter.sv', 'rtl/hsi/hsi_xbar_slice.sv',
    'rtl/hsi/hsi_xbar_ingress.sv', 'rtl/hsi/hsi_xbar_egress.sv', 'rtl/hsi/hsi_xbar.sv', 'tb/hdl/hsi_channel.sv', 'tb/hsi/hdl/hsi_xbar_tb.sv'],
  config: ['tb/hsi/hdl/hsi_xbar_tb.vlt'],
  parameters: { Ports: 4 },
});

/** hsi_xbar_tb with eight cells (c0..c7, Ports 8). */
export const hsiXbar8Tb = defineTop<HsiXbarTbDut>({
  ...hsiXbarTb,
  name: 'hsi_xbar8_tb',
  module: 'hsi_xbar_tb',
  parameters: { Ports: 8 },
});
