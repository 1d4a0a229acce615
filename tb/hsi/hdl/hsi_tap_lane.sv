// One lane of tb/hsi/hsi_tap_tb.sv: blocks from an AXI-Stream port (tdata = payload, tdest = sync
// header; a cycle without a beat sends the IDLE block, as a transmitter always sends something)
// -> hsi_scrambler -> hsi_channel (Latency 2), with a tap on the scrambler's output (what a
// transmitter sends) and one on the channel's (what a receiver gets).
`default_nettype none

module hsi_tap_lane (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [63:0] s_axis_tdata_i,
  input  wire logic [1:0]  s_axis_tdest_i,
  input  wire logic        s_axis_tvalid_i,
  output      logic        s_axis_tready_o,
  input  wire logic [31:0] seed_i,
  input  wire logic [63:0] ber_i,
  input  wire logic        drop_i,
  input  wire logic        slip_i,
  input  wire logic        cut_i,
  output      logic        tx_valid_o,
  output      logic        tx_blk_o,
  output      logic        tx_lock_o,
  output      logic [1:0]  tx_hdr_o,
  output      logic [31:0] tx_lo_o,
  output      logic [31:0] tx_hi_o,
  output      logic        rx_valid_o,
  output      logic        rx_blk_o,
  output      logic        rx_lock_o,
  output      logic [1:0]  rx_hdr_o,
  output      logic [31:0] rx_lo_o,
  output      logic [31:0] rx_hi_o
);
  logic        tx_valid, line_valid;
  logic [65:0] tx_block, line;
  logic [15:0] idle_crc;
  logic [63:0] flips;
  logic [31:0] drops, slips;

  assign s_axis_tready_o = 1'b1;

  hsi_crc16_ctrl u_idle_crc (
    .data_i(48'(hsi_pkg::BlockTypeIdle)),
    .crc_o(idle_crc)
  );

  hsi_scrambler u_scrambler (
    .clk_i,
    .rst_ni,
    .valid_i(1'b1),
    .block_i(s_axis_tvalid_i ? {s_axis_tdata_i, s_axis_tdest_i}
                             : {idle_crc, 40'd0, hsi_pkg::BlockTypeIdle, hsi_pkg::SyncHeaderCtrl}),
    .valid_o(tx_valid),
    .block_o(tx_block)
  );

  hsi_tap u_tx_tap (
    .clk_i,
    .rst_ni,
    .valid_i(tx_valid),
    .lane_i(tx_block),
    .valid_o(tx_valid_o),
    .blk_o(tx_blk_o),
    .lock_o(tx_lock_o),
    .hdr_o(tx_hdr_o),
    .lo_o(tx_lo_o),
    .hi_o(tx_hi_o)
  );

  hsi_channel u_channel (
    .clk_i,
    .rst_ni,
    .lane_i(tx_block),
    .seed_i,
    .ber_i,
    .drop_rate_i(32'd0),
    .slip_rate_i(32'd0),
    .drop_i,
    .slip_i,
    .cut_i,
    .valid_o(line_valid),
    .lane_o(line),
    .flips_o(flips),
    .drops_o(drops),
    .slips_o(slips)
  );

  hsi_tap u_rx_tap (
    .clk_i,
    .rst_ni,
    .valid_i(line_valid),
    .lane_i(line),
    .valid_o(rx_valid_o),
    .blk_o(rx_blk_o),
    .lock_o(rx_lock_o),
    .hdr_o(rx_hdr_o),
    .lo_o(rx_lo_o),
    .hi_o(rx_hi_o)
  );

  // The scrambler always sends; the channel's counters are for other fixtures.
  logic unused;
  assign unused = ^{flips, drops, slips};
endmodule
