// Bridge fixture with its own time: a clock made by a delay and a $finish at FinishAt ns, built
// with --timing so the harness must follow the model's own event queue.
`default_nettype none

module ticker #(
  parameter int unsigned FinishAt = 1000  // ns
) (
  output logic       clk_o,
  output logic [7:0] ticks_o
);
  initial clk_o = 1'b0;
  always #5 clk_o = ~clk_o;
  initial ticks_o = 8'd0;
  always @(posedge clk_o) ticks_o <= ticks_o + 8'd1;
  // +finish_at=<ns> overrides the parameter: the bridge passes plusargs at spawn.
  int unsigned finish_at;
  initial begin
    if (!$value$plusargs("finish_at=%d", finish_at)) finish_at = FinishAt;
    #(finish_at * 1ns);
    $finish;
  end
endmodule
