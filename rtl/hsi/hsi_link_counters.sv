// The link's event counters for its CSRs: one 32-bit counter per event pulse, wrapping, cleared
// only by reset (a link restart keeps the history the management processor reads).
// Clock/reset: clk_i, asynchronous active-low rst_ni.
`default_nettype none

module hsi_link_counters #(
  parameter int unsigned Events = 1  // event inputs, one counter each
) (
  input  wire logic                         clk_i,
  input  wire logic                         rst_ni,
  input  wire logic [Events-1:0]            event_i,
  output      logic [Events-1:0][31:0]      count_o
);
  logic [Events-1:0][31:0] count_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) count_q <= '0;
    else for (int i = 0; i < Events; i++) count_q[i] <= count_q[i] + 32'(event_i[i]);
  end

  assign count_o = count_q;
endmodule
