// Bridge fixture for the serial transactors: a line through one flop (a synchronizer stage).
`default_nettype none

module line_loop (
  input  wire logic clk_i,
  input  wire logic line_i,
  output      logic line_o
);
  always_ff @(posedge clk_i) line_o <= line_i;
endmodule
