// Bridge fixture top: counter_core plus a 128-bit register and a combinational adder, so one top
// exercises edges, wide values, internal signals, memories and forcing.
`default_nettype none

module counter #(
  parameter int unsigned FatalAt = 0  // passed to counter_core
) (
  input  wire logic         clk_i,
  input  wire logic         rst_ni,
  input  wire logic         en_i,
  input  wire logic [7:0]   a_i,
  input  wire logic [7:0]   b_i,
  input  wire logic [127:0] wide_i,
  input  wire logic [39:0]  mid_i,
  output      logic [7:0]   count_o,
  output      logic [7:0]   mem_o,
  output      logic [8:0]   sum_o,
  output      logic [127:0] wide_o,
  output      logic [39:0]  mid_o
);
  logic [127:0] wide_q;

  counter_core #(.FatalAt(FatalAt)) u_core (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .en_i   (en_i),
    .count_o(count_o),
    .mem_o  (mem_o)
  );

  always_ff @(posedge clk_i) wide_q <= wide_i;

  assign sum_o  = {1'b0, a_i} + {1'b0, b_i};
  assign wide_o = wide_q;
  assign mid_o  = ~mid_i;
endmodule
