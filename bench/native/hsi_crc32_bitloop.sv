// Benchmark baseline only: hsi_crc32_64's interface and result computed the obvious way, a loop
// over the beat's data bits at run time, to measure what the elaboration-time XOR matrices of
// rtl/hsi/hsi_crc32_64.sv buy in simulation speed (bench/hsi_crc.ts). Not for use.
`default_nettype none

module hsi_crc32_bitloop (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        init_i,
  input  wire logic        valid_i,
  input  wire logic [63:0] data_i,
  input  wire logic [2:0]  bytes_m1_i,
  output      logic [31:0] crc_o
);
  logic [31:0] crc_q, crc_d;

  always_comb begin
    crc_d = init_i ? 32'hffffffff : crc_q;
    if (valid_i) begin
      for (int b = 0; b < 64; b++) begin
        if (b < 8 * (int'(bytes_m1_i) + 1)) crc_d = (crc_d >> 1) ^ ((crc_d[0] ^ data_i[b]) ? 32'hedb88320 : 32'd0);
      end
    end
  end

  assign crc_o = ~crc_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) crc_q <= 32'hffffffff;
    else crc_q <= crc_d;
  end
endmodule
