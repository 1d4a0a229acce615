// Protocol-checker taps bound into tb/hsi/hdl/hsi_link_tb.sv (the link helper's two-endpoint
// fixture) without editing it: one tb/hdl/hsi_tap.sv on each endpoint's transmitted lane (what
// the checker judges) and one behind each channel (what the receivers get: lock losses, lost
// blocks). The taps' outputs are read as internal signals (hsi_link_taps.vlt).
`default_nettype none

module hsi_link_taps (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [65:0] a_tx_lane_i,
  input  wire logic [65:0] b_tx_lane_i,
  input  wire logic        ab_valid_i,
  input  wire logic [65:0] ab_lane_i,
  input  wire logic        ba_valid_i,
  input  wire logic [65:0] ba_lane_i
);
  // tx_a: A's lane as sent; rx_b: that lane as B receives it (and likewise for B's lane).
  logic        tx_a_valid_o, tx_a_blk_o, tx_a_lock_o, tx_b_valid_o, tx_b_blk_o, tx_b_lock_o;
  logic        rx_a_valid_o, rx_a_blk_o, rx_a_lock_o, rx_b_valid_o, rx_b_blk_o, rx_b_lock_o;
  logic [1:0]  tx_a_hdr_o, tx_b_hdr_o, rx_a_hdr_o, rx_b_hdr_o;
  logic [31:0] tx_a_lo_o, tx_a_hi_o, tx_b_lo_o, tx_b_hi_o, rx_a_lo_o, rx_a_hi_o, rx_b_lo_o, rx_b_hi_o;

  hsi_tap u_tx_a (.clk_i, .rst_ni, .valid_i(1'b1), .lane_i(a_tx_lane_i), .valid_o(tx_a_valid_o), .blk_o(tx_a_blk_o),
                  .lock_o(tx_a_lock_o), .hdr_o(tx_a_hdr_o), .lo_o(tx_a_lo_o), .hi_o(tx_a_hi_o));
  hsi_tap u_tx_b (.clk_i, .rst_ni, .valid_i(1'b1), .lane_i(b_tx_lane_i), .valid_o(tx_b_valid_o), .blk_o(tx_b_blk_o),
                  .lock_o(tx_b_lock_o), .hdr_o(tx_b_hdr_o), .lo_o(tx_b_lo_o), .hi_o(tx_b_hi_o));
  hsi_tap u_rx_a (.clk_i, .rst_ni, .valid_i(ab_valid_i), .lane_i(ab_lane_i), .valid_o(rx_a_valid_o), .blk_o(rx_a_blk_o),
                  .lock_o(rx_a_lock_o), .hdr_o(rx_a_hdr_o), .lo_o(rx_a_lo_o), .hi_o(rx_a_hi_o));
  hsi_tap u_rx_b (.clk_i, .rst_ni, .valid_i(ba_valid_i), .lane_i(ba_lane_i), .valid_o(rx_b_valid_o), .blk_o(rx_b_blk_o),
                  .lock_o(rx_b_lock_o), .hdr_o(rx_b_hdr_o), .lo_o(rx_b_lo_o), .hi_o(rx_b_hi_o));
endmodule

bind hsi_link_tb hsi_link_taps u_taps (
  .clk_i,
  .rst_ni,
  .a_tx_lane_i(a_tx_lane),
  .b_tx_lane_i(b_tx_lane),
  .ab_valid_i(ab_valid),
  .ab_lane_i(ab_lane),
  .ba_valid_i(ba_valid),
  .ba_lane_i(ba_lane)
);
