// Where the frames one port's link received on one vc go: each frame is routed by its dst
// (m_axis tdest) to that output's arbiter, or dropped whole when the dst is no port of the
// crossbar or that port's link is not up. The choice is made at the frame's first beat and
// holds for the frame: a frame half forwarded is finished even if its output goes down (the
// output's link drops what it cannot send), and one half dropped is dropped to its end.
// Clock/reset: clk_i, asynchronous active-low rst_ni. The beats come from the port link's
// receive buffer, which holds tvalid high from a frame's first beat to its last.
`default_nettype none

module hsi_xbar_ingress #(
  parameter int unsigned Ports = 4  // ports of the crossbar
) (
  input  wire logic             clk_i,
  input  wire logic             rst_ni,
  input  wire logic             s_axis_tvalid_i,
  input  wire logic             s_axis_tlast_i,
  input  wire logic [7:0]       s_axis_tdest_i,
  output      logic             s_axis_tready_o,
  input  wire logic [Ports-1:0] up_i,       // per output: its link is up
  output      logic [Ports-1:0] req_o,      // per output: a frame (or its rest) waits for it
  input  wire logic             grant_i,    // the requested output takes this input's beats
  output      logic             routed_o,   // pulse: a frame's first beat went to its output
  output      logic             bad_dst_o,  // pulse: a frame for no port was dropped
  output      logic             down_o      // pulse: a frame for a port not up was dropped
);
  logic in_frame_q, in_frame_d, drop_q, drop_d;
  logic bad, down, drop, beat, first;

  always_comb begin
    bad = 32'(s_axis_tdest_i) >= Ports;
    down = !bad && !up_i[s_axis_tdest_i[$clog2(Ports)-1:0]];
    drop = in_frame_q ? drop_q : (bad || down);
    req_o = (s_axis_tvalid_i && !drop) ? Ports'(1) << s_axis_tdest_i[$clog2(Ports)-1:0] : '0;
  end

  // Apart from the request, which the grant depends on.
  always_comb begin
    s_axis_tready_o = drop || grant_i;
    beat = s_axis_tvalid_i && s_axis_tready_o;
    first = beat && !in_frame_q;
    routed_o = first && !drop;
    bad_dst_o = first && bad;
    down_o = first && down;
    in_frame_d = beat ? !s_axis_tlast_i : in_frame_q;
    drop_d = first ? drop : drop_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_frame_q <= 1'b0;
      drop_q <= 1'b0;
    end else begin
      in_frame_q <= in_frame_d;
      drop_q <= drop_d;
    end
  end
endmodule
