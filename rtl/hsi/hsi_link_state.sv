// The link's state: Disabled (CTRL.ENABLE 0), Train (lock and the InitFC exchange), Up, and the
// sticky Down, entered from Up when the replay budget is spent (replay_down_i), when block lock
// stays lost for LockTimeout cycles, or when the peer restarted (an FC with init 1 while up).
// Down stays until restart_i (CTRL.RESTART) or ENABLE going 0; with FollowPeer (a crossbar port:
// no management processor restarts it) also until the peer trains again (an FC with init 1
// while down), so a cell that was reset or restarted its link finds the crossbar following it.
// clear_o empties the link's buffers, seq numbers and credits while disabled and in the cycle of
// a restart.
// Clock/reset: clk_i, asynchronous active-low rst_ni. The rules: rtl/hsi/README.md.
`default_nettype none

module hsi_link_state #(
  parameter int unsigned LockTimeout = 3072, // cycles of lost lock while up that take the link down
  parameter bit          FollowPeer = 1'b0   // Down restarts when the peer trains
) (
  input  wire logic                  clk_i,
  input  wire logic                  rst_ni,
  input  wire logic                  enable_i,
  input  wire logic                  restart_i,
  input  wire logic                  lock_i,
  input  wire logic [hsi_pkg::Vcs-1:0] fc_seen_i,
  input  wire logic                  peer_ready_i,
  input  wire logic                  replay_down_i,
  input  wire logic                  peer_init_i,
  output hsi_pkg::link_state_e       state_o,
  output      logic                  clear_o,
  output      logic                  down_o,       // pulse: the link went down
  output      logic                  lock_loss_o   // pulse: block lock was lost
);
  import hsi_pkg::*;

  localparam int unsigned TimerBits = $clog2(LockTimeout + 1);

  if (LockTimeout < 1) begin : g_bad_params
    $error("hsi_link_state %m: LockTimeout must be at least 1");
  end

  link_state_e          state_q, state_d;
  logic [TimerBits-1:0] lost_q, lost_d;
  logic                 lock_q;

  always_comb begin
    state_d = state_q;
    lost_d = lock_i ? '0 : lost_q + 1'b1;
    clear_o = 1'b0;
    down_o = 1'b0;
    unique case (state_q)
      LinkStateDisabled: begin
        clear_o = 1'b1;
        if (enable_i) state_d = LinkStateTrain;
      end
      LinkStateTrain: begin
        if (lock_i && &fc_seen_i && peer_ready_i) state_d = LinkStateUp;
      end
      LinkStateUp: begin
        if (replay_down_i || peer_init_i || lost_q == TimerBits'(LockTimeout - 1) && !lock_i) begin
          state_d = LinkStateDown;
          down_o = 1'b1;
        end
      end
      LinkStateDown: ;  // sticky (FollowPeer's way out is with restart_i below)
      default: state_d = LinkStateDisabled;
    endcase
    if ((restart_i || FollowPeer && state_q == LinkStateDown && peer_init_i) && enable_i) begin
      state_d = LinkStateTrain;
      clear_o = 1'b1;
      down_o = 1'b0;
    end
    if (!enable_i) state_d = LinkStateDisabled;
    if (state_d != LinkStateUp) lost_d = '0;
    state_o = state_q;
    lock_loss_o = lock_q && !lock_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= LinkStateDisabled;
      lost_q <= '0;
      lock_q <= 1'b0;
    end else begin
      state_q <= state_d;
      lost_q <= lost_d;
      lock_q <= lock_i;
    end
  end
endmodule
