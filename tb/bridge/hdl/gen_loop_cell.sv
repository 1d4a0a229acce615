// One instance of tb/bridge/hdl/gen_loop.sv: a counter stepping by Step and a memory whose first
// word is its output.
`default_nettype none

module gen_loop_cell #(
  parameter logic [7:0] Step = 8'd1  // what the counter adds each cycle
) (
  input  wire logic       clk_i,
  output      logic [7:0] head_o
);
  logic [7:0] mem_q [4];
  logic [7:0] count_q;

  always_ff @(posedge clk_i) count_q <= count_q + Step;
  assign head_o = mem_q[0] ^ 8'(count_q == 8'hff);
endmodule
