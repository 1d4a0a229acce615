// Bridge fixture for the build's lint (tb/bridge/build.test.ts): a truncating assignment, which
// `verilator -Wall` warns about.
`default_nettype none

module truncating (
  input  wire logic [7:0] a_i,
  output      logic [3:0] y_o
);
  assign y_o = a_i ^ (a_i >> 4);
endmodule
