// Bridge fixture top: instances inside generate blocks (a loop, and an if inside it), each with a
// memory and a register of its own, so the signal table must keep the blocks in their names.
`default_nettype none

module gen_loop (
  input  wire logic       clk_i,
  output      logic [7:0] first_o,
  output      logic [7:0] last_o
);
  logic [1:0][7:0] head;

  for (genvar i = 0; i < 2; i++) begin : g_cell
    gen_loop_cell #(.Step(8'(i + 1))) u_cell (.clk_i, .head_o(head[i]));
    if (i == 1) begin : g_extra
      gen_loop_cell #(.Step(8'd7)) u_cell (.clk_i, .head_o());
    end
  end

  assign first_o = head[0];
  assign last_o  = head[1];
endmodule
