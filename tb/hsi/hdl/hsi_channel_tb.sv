// Fixture of tb/hsi/channel.test.ts: hsi_channel on a lane that carries a counting pattern
// (block n = {~n, n, 2'b10}, n = cnt_o, so the test knows every block sent), with err_o high
// where the block received differs from the one sent Latency cycles earlier.
`default_nettype none

module hsi_channel_tb #(
  parameter int unsigned Latency = 3  // hsi_channel's
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [31:0] seed_i,
  input  wire logic [63:0] ber_i,
  input  wire logic [31:0] drop_rate_i,
  input  wire logic [31:0] slip_rate_i,
  input  wire logic        drop_i,
  input  wire logic        slip_i,
  input  wire logic        cut_i,
  output      logic [31:0] cnt_o,
  output      logic        valid_o,
  output      logic [65:0] lane_o,
  output      logic        err_o,
  output      logic [63:0] flips_o,
  output      logic [31:0] drops_o,
  output      logic [31:0] slips_o
);
  function automatic logic [65:0] pattern(logic [31:0] n);
    return {~n, n, 2'b10};
  endfunction

  hsi_channel #(.Latency(Latency)) u_channel (
    .clk_i,
    .rst_ni,
    .lane_i(pattern(cnt_o)),
    .seed_i,
    .ber_i,
    .drop_rate_i,
    .slip_rate_i,
    .drop_i,
    .slip_i,
    .cut_i,
    .valid_o,
    .lane_o,
    .flips_o,
    .drops_o,
    .slips_o
  );

  assign err_o = lane_o != pattern(cnt_o - Latency);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cnt_o <= '0;
    else cnt_o <= cnt_o + 32'd1;
  end
endmodule
