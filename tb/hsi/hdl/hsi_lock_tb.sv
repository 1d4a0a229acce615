// Fixture of tb/hsi/block_lock.test.ts: hsi_block_lock fed raw lane blocks by an AXI-Stream
// port (tdata = raw bits 65:2, tdest = raw bits 1:0; a cycle without tvalid is no block).
`default_nettype none

module hsi_lock_tb (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [63:0] s_axis_tdata_i,
  input  wire logic [1:0]  s_axis_tdest_i,
  input  wire logic        s_axis_tvalid_i,
  output      logic        s_axis_tready_o,
  output      logic        valid_o,
  output      logic [65:0] block_o,
  output      logic        lock_o
);
  assign s_axis_tready_o = 1'b1;

  hsi_block_lock u_lock (
    .clk_i,
    .rst_ni,
    .valid_i(s_axis_tvalid_i),
    .raw_i({s_axis_tdata_i, s_axis_tdest_i}),
    .valid_o,
    .block_o,
    .lock_o
  );
endmodule
