// The round-robin arbiter of one crossbar output and vc: of the inputs requesting it, the first
// after the one granted last wins, and keeps the grant until its frame's last beat is taken
// (frames are never interleaved in an output queue). A new grant needs start_i (the queue has a
// free buffer); it is given in the cycle of the request, so a frame's first beat costs no
// bubble.
// Clock/reset: clk_i, asynchronous active-low rst_ni.
`default_nettype none

module hsi_xbar_arbiter #(
  parameter int unsigned Requesters = 4  // inputs that compete, 2..16
) (
  input  wire logic                          clk_i,
  input  wire logic                          rst_ni,
  input  wire logic [Requesters-1:0]         req_i,
  input  wire logic                          start_i,  // a new frame may be granted
  input  wire logic                          beat_i,   // the granted input's beat is taken
  input  wire logic                          last_i,   // ... and it is the frame's last
  output      logic [Requesters-1:0]         grant_o,  // one-hot or none
  output      logic [$clog2(Requesters)-1:0] owner_o   // the granted input (with grant_o)
);
  localparam int unsigned IdxBits = $clog2(Requesters);

  if (Requesters < 2 || Requesters > 16) begin : g_bad_requesters
    $error("hsi_xbar_arbiter %m: Requesters must be 2..16, not %0d", Requesters);
  end

  logic               locked_q, locked_d, found, active;
  logic [IdxBits-1:0] owner_q, owner_d, last_q, last_d, pick;

  always_comb begin
    // The first requester after last_q, cyclically (last_q itself comes last).
    pick = last_q;
    found = 1'b0;
    for (int unsigned k = 1; k <= Requesters; k++) begin
      logic [IdxBits-1:0] idx;
      idx = IdxBits'((int'(last_q) + k) % Requesters);
      if (!found && req_i[idx]) begin
        pick = idx;
        found = 1'b1;
      end
    end
    active = locked_q || (start_i && found);
    owner_o = locked_q ? owner_q : pick;
    grant_o = active ? Requesters'(1) << owner_o : '0;
  end

  // Apart from the grant, which the granted beat depends on.
  always_comb begin
    locked_d = locked_q;
    owner_d = owner_q;
    last_d = last_q;
    if (active && beat_i) begin
      locked_d = !last_i;
      owner_d = owner_o;
      last_d = owner_o;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      locked_q <= 1'b0;
      owner_q <= '0;
      last_q <= IdxBits'(Requesters - 1);
    end else begin
      locked_q <= locked_d;
      owner_q <= owner_d;
      last_q <= last_d;
    end
  end
endmodule
