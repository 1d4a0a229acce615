// The mutation runner's self-test block (tb/mutate/mutate.test.ts): a comparator, `a <= b` or
// `a == b` by sel_i. Its three mutation points are the inverted condition, `<=` → `<` and
// `==` → `!=`; only a test with a == b under sel_i = 1 tells `<=` from `<`.
// Combinational: no clock, no reset.
`default_nettype none

module mut_fixture (
  input  wire logic       sel_i,  // 1: y_o = a_i <= b_i; 0: y_o = a_i == b_i
  input  wire logic [3:0] a_i,
  input  wire logic [3:0] b_i,
  output      logic       y_o
);
  always_comb begin
    if (sel_i)
      y_o = a_i <= b_i;
    else
      y_o = a_i == b_i;
  end
endmodule
