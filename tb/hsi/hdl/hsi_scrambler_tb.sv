// Fixture of tb/hsi/scrambler.test.ts: hsi_scrambler fed by an AXI-Stream port (tdata = the
// payload, tdest = the sync header), and hsi_descrambler fed by a second one, or by the
// scrambler's output while loop_i is high.
`default_nettype none

module hsi_scrambler_tb (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [63:0] s_axis_tx_tdata_i,
  input  wire logic [1:0]  s_axis_tx_tdest_i,
  input  wire logic        s_axis_tx_tvalid_i,
  output      logic        s_axis_tx_tready_o,
  input  wire logic [63:0] s_axis_rx_tdata_i,
  input  wire logic [1:0]  s_axis_rx_tdest_i,
  input  wire logic        s_axis_rx_tvalid_i,
  output      logic        s_axis_rx_tready_o,
  input  wire logic        loop_i,
  output      logic        tx_valid_o,
  output      logic [65:0] tx_block_o,
  output      logic        rx_valid_o,
  output      logic [65:0] rx_block_o
);
  assign s_axis_tx_tready_o = 1'b1;
  assign s_axis_rx_tready_o = 1'b1;

  hsi_scrambler u_scrambler (
    .clk_i,
    .rst_ni,
    .valid_i(s_axis_tx_tvalid_i),
    .block_i({s_axis_tx_tdata_i, s_axis_tx_tdest_i}),
    .valid_o(tx_valid_o),
    .block_o(tx_block_o)
  );

  hsi_descrambler u_descrambler (
    .clk_i,
    .rst_ni,
    .valid_i(loop_i ? tx_valid_o : s_axis_rx_tvalid_i),
    .block_i(loop_i ? tx_block_o : {s_axis_rx_tdata_i, s_axis_rx_tdest_i}),
    .valid_o(rx_valid_o),
    .block_o(rx_block_o)
  );
endmodule
