// One crossbar output and vc: the round-robin arbiter over the inputs with a frame for it, and
// the output queue, QueueFrames whole frames (an hsi_rx_buffer: written as the granted input's
// beats come, committed at its last, handed to the output port's link in order). A frame is
// granted only when the queue has a free buffer, and then moves at a beat per cycle, so an
// input is never held by a full output in mid-frame; an input waits only at a frame's start,
// for an output whose queue is full.
// Clock/reset: clk_i, asynchronous active-low rst_ni. The inputs are the port links' receive
// buffers of this vc (tvalid high from a frame's first beat to its last).
`default_nettype none

module hsi_xbar_egress #(
  parameter int unsigned Ports = 4,       // inputs (ports of the crossbar)
  parameter int unsigned QueueFrames = 4  // frames the output queue holds; a power of 2, at least 2
) (
  input  wire logic                       clk_i,
  input  wire logic                       rst_ni,
  input  wire logic [Ports-1:0]           req_i,            // per input: a frame for this output
  output      logic [Ports-1:0]           grant_o,          // per input: its beats come here
  input  wire logic [Ports-1:0][63:0]     s_axis_tdata_i,
  input  wire logic [Ports-1:0][7:0]      s_axis_tkeep_i,
  input  wire logic [Ports-1:0]           s_axis_tlast_i,
  input  wire logic [Ports-1:0][7:0]      s_axis_tdest_i,
  input  wire logic [Ports-1:0][7:0]      s_axis_tid_i,
  input  wire logic [Ports-1:0]           s_axis_tvalid_i,
  output      logic [63:0]                m_axis_tdata_o,
  output      logic [7:0]                 m_axis_tkeep_o,
  output      logic                       m_axis_tlast_o,
  output      logic [7:0]                 m_axis_tdest_o,
  output      logic [7:0]                 m_axis_tid_o,
  output      logic                       m_axis_tvalid_o,
  input  wire logic                       m_axis_tready_i,
  output      logic [$clog2(QueueFrames):0] occupancy_o   // frames in the queue
);
  localparam int unsigned CreditBits = hsi_pkg::CreditBits;

  logic                     space, beat, last;
  logic [$clog2(Ports)-1:0] owner;
  logic [6:0]               beat_q, beat_d;
  logic [10:0]              len;
  logic [CreditBits-1:0]    commits_q, granted;

  hsi_xbar_arbiter #(
    .Requesters (Ports)
  ) u_arbiter (
    .clk_i,
    .rst_ni,
    .req_i,
    .start_i (space),
    .beat_i  (beat),
    .last_i  (last),
    .grant_o,
    .owner_o (owner)
  );

  always_comb begin
    beat = |grant_o && s_axis_tvalid_i[owner];
    last = s_axis_tlast_i[owner];
    // The link's receive buffer sends 8 bytes a beat but in the last (1..8, contiguous).
    len = 11'({beat_q, 3'b000}) + 11'($countones(s_axis_tkeep_i[owner]));
    beat_d = beat ? (last ? '0 : beat_q + 7'd1) : beat_q;
  end

  hsi_rx_buffer #(
    .Slots (QueueFrames)
  ) u_queue (
    .clk_i,
    .rst_ni,
    .clear_i         (1'b0),
    .space_o         (space),
    .wr_i            (beat),
    .wr_beat_i       (beat_q),
    .wr_data_i       (s_axis_tdata_i[owner]),
    .commit_i        (beat && last),
    .commit_len_i    (len),
    .commit_src_i    (s_axis_tid_i[owner]),
    .commit_dst_i    (s_axis_tdest_i[owner]),
    .m_axis_tdata_o,
    .m_axis_tkeep_o,
    .m_axis_tlast_o,
    .m_axis_tdest_o,
    .m_axis_tid_o,
    .m_axis_tvalid_o,
    .m_axis_tready_i,
    .granted_o       (granted)
  );

  // The queue grants QueueFrames + the frames it handed out: what it holds is the rest.
  assign occupancy_o = ($clog2(QueueFrames) + 1)'(commits_q + CreditBits'(QueueFrames) - granted);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      beat_q <= '0;
      commits_q <= '0;
    end else begin
      beat_q <= beat_d;
      commits_q <= commits_q + CreditBits'(beat && last);
    end
  end
endmodule
