// Broken on purpose: a fixture of tb/bridge/build.test.ts, for how `make types` reports a top
// that Verilator cannot read (the missing semicolon below).
`default_nettype none

module broken_syntax (
  input  wire logic a_i,
  output      logic y_o
);
  assign y_o = a_i
endmodule
