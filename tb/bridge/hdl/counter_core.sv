// Bridge fixture: an 8-bit counter with a public internal register (state_q, forceable), a public
// 16 x 8 memory, and a $fatal when the count reaches FatalAt (0 = never).
`default_nettype none

module counter_core #(
  parameter int unsigned FatalAt = 0  // count value that stops the simulation with $fatal
) (
  input  wire logic       clk_i,
  input  wire logic       rst_ni,
  input  wire logic       en_i,
  output      logic [7:0] count_o,
  output      logic [7:0] mem_o
);
  logic [7:0] state_q;
  logic [7:0] mem [16];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= 8'd0;
    else if (en_i) state_q <= state_q + 8'd1;
  end

  always_ff @(posedge clk_i) begin
    // No rst_ni term: in reset state_q is 0, never FatalAt, and a synchronous use of the
    // asynchronous reset would be lint (SYNCASYNCNET).
    if (FatalAt != 0 && state_q == FatalAt[7:0]) $fatal(1, "count reached %0d", state_q);
  end

  assign count_o = state_q;
  assign mem_o   = mem[state_q[3:0]];
endmodule
