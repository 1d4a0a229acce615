// Fixture of tb/hsi/pcs.test.ts: one direction of the PCS, scrambler -> channel -> block lock
// -> descrambler. Blocks come from an AXI-Stream port (tdata = payload, tdest = sync header), one
// per cycle; a cycle without one sends a control block of zeros, as a transmitter always sends
// something.
`default_nettype none

module hsi_pcs_tb #(
  parameter int unsigned Latency = 4  // the channel's
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [63:0] s_axis_tdata_i,
  input  wire logic [1:0]  s_axis_tdest_i,
  input  wire logic        s_axis_tvalid_i,
  output      logic        s_axis_tready_o,
  input  wire logic [31:0] seed_i,
  input  wire logic [63:0] ber_i,
  input  wire logic [31:0] drop_rate_i,
  input  wire logic [31:0] slip_rate_i,
  input  wire logic        drop_i,
  input  wire logic        slip_i,
  input  wire logic        cut_i,
  output      logic        lock_o,
  output      logic        rx_valid_o,
  output      logic [65:0] rx_block_o
);
  logic        tx_valid, line_valid, lock_valid;
  logic [65:0] tx_block, line, lock_block;
  logic [63:0] flips;
  logic [31:0] drops, slips;

  assign s_axis_tready_o = 1'b1;

  hsi_scrambler u_scrambler (
    .clk_i,
    .rst_ni,
    .valid_i(1'b1),
    .block_i(s_axis_tvalid_i ? {s_axis_tdata_i, s_axis_tdest_i} : {64'd0, hsi_pkg::SyncHeaderCtrl}),
    .valid_o(tx_valid),
    .block_o(tx_block)
  );

  hsi_channel #(.Latency(Latency)) u_channel (
    .clk_i,
    .rst_ni,
    .lane_i(tx_block),
    .seed_i,
    .ber_i,
    .drop_rate_i,
    .slip_rate_i,
    .drop_i,
    .slip_i,
    .cut_i,
    .valid_o(line_valid),
    .lane_o(line),
    .flips_o(flips),
    .drops_o(drops),
    .slips_o(slips)
  );

  hsi_block_lock u_lock (
    .clk_i,
    .rst_ni,
    .valid_i(line_valid),
    .raw_i(line),
    .valid_o(lock_valid),
    .block_o(lock_block),
    .lock_o
  );

  hsi_descrambler u_descrambler (
    .clk_i,
    .rst_ni,
    .valid_i(lock_valid),
    .block_i(lock_block),
    .valid_o(rx_valid_o),
    .block_o(rx_block_o)
  );

  // The scrambler always sends; the channel's counters are for other fixtures.
  logic unused;
  assign unused = ^{tx_valid, flips, drops, slips};
endmodule
