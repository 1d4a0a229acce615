// Fixture of tb/hsi/crc.test.ts: hsi_crc32_64 over the frames of an AXI-Stream port, tkeep's low
// bytes on the last beat. A frame with tdest 0 starts a new message, one with tdest 1 goes on
// with the last (so beats of any byte count follow each other); frame_done_o is high in the
// cycle the CRC of the message so far shows on crc32_o. And hsi_crc16_ctrl over each beat's
// low 48 bits.
`default_nettype none

module hsi_crc_tb (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [63:0] s_axis_tdata_i,
  input  wire logic [7:0]  s_axis_tkeep_i,
  input  wire logic        s_axis_tlast_i,
  input  wire logic        s_axis_tdest_i,
  input  wire logic        s_axis_tvalid_i,
  output      logic        s_axis_tready_o,
  output      logic [31:0] crc32_o,
  output      logic        frame_done_o,
  output      logic [15:0] crc16_o
);
  logic first_q;

  assign s_axis_tready_o = 1'b1;

  hsi_crc32_64 u_crc32 (
    .clk_i,
    .rst_ni,
    .init_i(s_axis_tvalid_i && first_q && !s_axis_tdest_i),
    .valid_i(s_axis_tvalid_i),
    .data_i(s_axis_tdata_i),
    .bytes_m1_i(3'($countones(s_axis_tkeep_i) - 1)),
    .crc_o(crc32_o)
  );

  hsi_crc16_ctrl u_crc16 (
    .data_i(s_axis_tdata_i[47:0]),
    .crc_o(crc16_o)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      first_q <= 1'b1;
      frame_done_o <= 1'b0;
    end else begin
      if (s_axis_tvalid_i) first_q <= s_axis_tlast_i;
      frame_done_o <= s_axis_tvalid_i && s_axis_tlast_i;
    end
  end
endmodule
