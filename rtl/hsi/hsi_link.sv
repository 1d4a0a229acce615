// One HSI link endpoint: the user side (an AXI-Stream pair per vc), the link layer (framing,
// go-back-N replay, credits, link state) and the PCS (scrambler, block lock, descrambler) on one
// full-duplex lane, with its CSRs on APB. The protocol: rtl/hsi/README.md.
// Clock/reset: clk_i, asynchronous active-low rst_ni. Lane: tx_lane_o one 66-bit block per cycle
// (sync header [1:0], bit 0 first; all zeros while disabled or down), rx_lane_i with rx_valid_i
// (a cycle without a block after a dropped one). s_axis_vc*: frames of 1..1024 bytes to cell
// tdest from cell tid (a cell ties tid to its own id; a crossbar port passes on the frame's
// src); m_axis_vc*: frames received intact, tdest = their dst, tid = their src. irq_o:
// STATUS.DOWN or STATUS.TX_BAD_FRAME.
`default_nettype none

module hsi_link #(
  parameter int unsigned TxSlots = 8,          // replay-buffer frames per vc
  parameter int unsigned RxBuffers = 8,        // receive buffers per vc: the credits granted
  parameter int unsigned ReplayTimeout = 1024, // cycles without progress before a replay
  parameter int unsigned LockTimeout = (hsi_pkg::ReplayLimit - 1) * ReplayTimeout,  // lost lock that takes the link down
  parameter int unsigned FcPeriod = 1024,      // cycles between FC refreshes when up
  parameter int unsigned TrainFcPeriod = 16,   // cycles between FCs while training
  parameter int unsigned FcBatch = 2,          // freed credits that send an FC at once
  parameter bit          FollowPeer = 1'b0     // Down restarts itself when the peer trains (a crossbar port, which has no MP)
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        apb_psel_i,
  input  wire logic        apb_penable_i,
  input  wire logic        apb_pwrite_i,
  input  wire logic [11:0] apb_paddr_i,
  input  wire logic [31:0] apb_pwdata_i,
  output      logic [31:0] apb_prdata_o,
  output      logic        apb_pready_o,
  output      logic        apb_pslverr_o,
  output      logic [65:0] tx_lane_o,
  input  wire logic [65:0] rx_lane_i,
  input  wire logic        rx_valid_i,
  input  wire logic [63:0] s_axis_vc0_tdata_i,
  input  wire logic [7:0]  s_axis_vc0_tkeep_i,
  input  wire logic        s_axis_vc0_tlast_i,
  input  wire logic [7:0]  s_axis_vc0_tdest_i,
  input  wire logic [7:0]  s_axis_vc0_tid_i,
  input  wire logic        s_axis_vc0_tvalid_i,
  output      logic        s_axis_vc0_tready_o,
  input  wire logic [63:0] s_axis_vc1_tdata_i,
  input  wire logic [7:0]  s_axis_vc1_tkeep_i,
  input  wire logic        s_axis_vc1_tlast_i,
  input  wire logic [7:0]  s_axis_vc1_tdest_i,
  input  wire logic [7:0]  s_axis_vc1_tid_i,
  input  wire logic        s_axis_vc1_tvalid_i,
  output      logic        s_axis_vc1_tready_o,
  output      logic [63:0] m_axis_vc0_tdata_o,
  output      logic [7:0]  m_axis_vc0_tkeep_o,
  output      logic        m_axis_vc0_tlast_o,
  output      logic [7:0]  m_axis_vc0_tdest_o,
  output      logic [7:0]  m_axis_vc0_tid_o,
  output      logic        m_axis_vc0_tvalid_o,
  input  wire logic        m_axis_vc0_tready_i,
  output      logic [63:0] m_axis_vc1_tdata_o,
  output      logic [7:0]  m_axis_vc1_tkeep_o,
  output      logic        m_axis_vc1_tlast_o,
  output      logic [7:0]  m_axis_vc1_tdest_o,
  output      logic [7:0]  m_axis_vc1_tid_o,
  output      logic        m_axis_vc1_tvalid_o,
  input  wire logic        m_axis_vc1_tready_i,
  output      logic        link_up_o,
  output      logic        link_down_o,
  output      logic        irq_o
);
  import hsi_pkg::*;

  localparam int unsigned SlotBits = $clog2(TxSlots);

  if (Vcs != 2) begin : g_bad_vcs
    $error("hsi_link %m: the user side has two vcs, the package says %0d", Vcs);
  end

  // The user side as arrays by vc.
  logic [Vcs-1:0][63:0] s_tdata, m_tdata;
  logic [Vcs-1:0][7:0]  s_tkeep, s_tdest, s_tid, m_tkeep, m_tdest, m_tid;
  logic [Vcs-1:0]       s_tlast, s_tvalid, s_tready, m_tlast, m_tvalid, m_tready;
  assign s_tdata = {s_axis_vc1_tdata_i, s_axis_vc0_tdata_i};
  assign s_tkeep = {s_axis_vc1_tkeep_i, s_axis_vc0_tkeep_i};
  assign s_tdest = {s_axis_vc1_tdest_i, s_axis_vc0_tdest_i};
  assign s_tid = {s_axis_vc1_tid_i, s_axis_vc0_tid_i};
  assign s_tlast = {s_axis_vc1_tlast_i, s_axis_vc0_tlast_i};
  assign s_tvalid = {s_axis_vc1_tvalid_i, s_axis_vc0_tvalid_i};
  assign {s_axis_vc1_tready_o, s_axis_vc0_tready_o} = s_tready;
  assign {m_axis_vc1_tdata_o, m_axis_vc0_tdata_o} = m_tdata;
  assign {m_axis_vc1_tkeep_o, m_axis_vc0_tkeep_o} = m_tkeep;
  assign {m_axis_vc1_tdest_o, m_axis_vc0_tdest_o} = m_tdest;
  assign {m_axis_vc1_tid_o, m_axis_vc0_tid_o} = m_tid;
  assign {m_axis_vc1_tlast_o, m_axis_vc0_tlast_o} = m_tlast;
  assign {m_axis_vc1_tvalid_o, m_axis_vc0_tvalid_o} = m_tvalid;
  assign m_tready = {m_axis_vc1_tready_i, m_axis_vc0_tready_i};

  link_state_e state;
  logic        clear, send, up, enable, restart, restart_we, down_status;
  logic        lock, rx_valid, tx_valid;
  logic [65:0] rx_block, rx_aligned, tx_block, tx_scrambled;
  logic        rx_aligned_valid;

  // Transmitter and replay buffers.
  logic [Vcs-1:0]                ready, take, free, busy;
  logic [Vcs-1:0][SlotBits-1:0]  next_slot;
  logic [SlotBits-1:0]           rd_slot;
  logic [6:0]                    rd_beat;
  logic [Vcs-1:0][63:0]          rd_data;
  logic [Vcs-1:0][10:0]          rd_len;
  logic [Vcs-1:0][7:0]           rd_dst, rd_src;
  logic [Vcs-1:0]                bad_frame;
  logic [Vcs-1:0][CreditBits-1:0] credits, granted;
  logic                          replay_down, frame_sent, frame_replayed, nak_sent, timer_expiry;

  // Receiver and receive buffers.
  logic [Vcs-1:0]      space, wr, commit;
  logic [6:0]          wr_beat;
  logic [63:0]         wr_data;
  logic [10:0]         commit_len;
  logic [7:0]          commit_src, commit_dst;
  logic                ack_req, nak_req, peer_ack, peer_nak, peer_fc, peer_ready, peer_init;
  logic [SeqBits-1:0]  ack_seq, peer_seq;
  logic [0:0]          peer_fc_vc;
  logic [CreditBits-1:0] peer_fc_credits;
  logic [Vcs-1:0]      fc_seen;
  logic                frame_ok, crc_error, frame_error, went_down, lock_loss;

  assign send = state inside {LinkStateTrain, LinkStateUp};
  assign up = state == LinkStateUp;
  logic        restart_we_bit, bad_frame_status;
  assign restart = restart_we && restart_we_bit;

  for (genvar v = 0; v < Vcs; v++) begin : g_vc
    hsi_tx_buffer #(
      .Slots (TxSlots)
    ) u_tx_buffer (
      .clk_i,
      .rst_ni,
      .clear_i         (clear),
      .discard_i       (!send),
      .s_axis_tdata_i  (s_tdata[v]),
      .s_axis_tkeep_i  (s_tkeep[v]),
      .s_axis_tlast_i  (s_tlast[v]),
      .s_axis_tdest_i  (s_tdest[v]),
      .s_axis_tid_i    (s_tid[v]),
      .s_axis_tvalid_i (s_tvalid[v]),
      .s_axis_tready_o (s_tready[v]),
      .ready_o         (ready[v]),
      .next_slot_o     (next_slot[v]),
      .take_i          (take[v]),
      .free_i          (free[v]),
      .busy_i          (busy[v]),
      .busy_slot_i     (rd_slot),
      .rd_slot_i       (rd_slot),
      .rd_beat_i       (rd_beat),
      .rd_data_o       (rd_data[v]),
      .rd_len_o        (rd_len[v]),
      .rd_dst_o        (rd_dst[v]),
      .rd_src_o        (rd_src[v]),
      .bad_frame_o     (bad_frame[v])
    );

    hsi_rx_buffer #(
      .Slots (RxBuffers)
    ) u_rx_buffer (
      .clk_i,
      .rst_ni,
      .clear_i         (clear),
      .space_o         (space[v]),
      .wr_i            (wr[v]),
      .wr_beat_i       (wr_beat),
      .wr_data_i       (wr_data),
      .commit_i        (commit[v]),
      .commit_len_i    (commit_len),
      .commit_src_i    (commit_src),
      .commit_dst_i    (commit_dst),
      .m_axis_tdata_o  (m_tdata[v]),
      .m_axis_tkeep_o  (m_tkeep[v]),
      .m_axis_tlast_o  (m_tlast[v]),
      .m_axis_tdest_o  (m_tdest[v]),
      .m_axis_tid_o    (m_tid[v]),
      .m_axis_tvalid_o (m_tvalid[v]),
      .m_axis_tready_i (m_tready[v]),
      .granted_o       (granted[v])
    );
  end

  hsi_link_tx #(
    .Slots         (TxSlots),
    .ReplayTimeout (ReplayTimeout),
    .FcPeriod      (FcPeriod),
    .TrainFcPeriod (TrainFcPeriod),
    .FcBatch       (FcBatch)
  ) u_tx (
    .clk_i,
    .rst_ni,
    .clear_i           (clear),
    .send_i            (send),
    .up_i              (up),
    .ready_i           (ready),
    .next_slot_i       (next_slot),
    .take_o            (take),
    .free_o            (free),
    .busy_o            (busy),
    .rd_slot_o         (rd_slot),
    .rd_beat_o         (rd_beat),
    .rd_data_i         (rd_data),
    .rd_len_i          (rd_len),
    .rd_dst_i          (rd_dst),
    .rd_src_i          (rd_src),
    .ack_req_i         (ack_req),
    .nak_req_i         (nak_req),
    .ack_seq_i         (ack_seq),
    .granted_i         (granted),
    .fc_seen_i         (fc_seen),
    .peer_ack_i        (peer_ack),
    .peer_nak_i        (peer_nak),
    .peer_seq_i        (peer_seq),
    .peer_fc_i         (peer_fc),
    .peer_fc_vc_i      (peer_fc_vc),
    .peer_fc_credits_i (peer_fc_credits),
    .block_o           (tx_block),
    .credits_o         (credits),
    .down_o            (replay_down),
    .frame_sent_o      (frame_sent),
    .frame_replayed_o  (frame_replayed),
    .nak_sent_o        (nak_sent),
    .timer_expiry_o    (timer_expiry)
  );

  hsi_scrambler u_scrambler (
    .clk_i,
    .rst_ni,
    .valid_i (1'b1),
    .block_i (tx_block),
    .valid_o (tx_valid),
    .block_o (tx_scrambled)
  );

  // Disabled or down, the lane carries invalid headers only, so the peer loses lock too.
  assign tx_lane_o = (tx_valid && send) ? tx_scrambled : '0;

  hsi_block_lock u_lock (
    .clk_i,
    .rst_ni,
    .valid_i (rx_valid_i),
    .raw_i   (rx_lane_i),
    .valid_o (rx_aligned_valid),
    .block_o (rx_aligned),
    .lock_o  (lock)
  );

  hsi_descrambler u_descrambler (
    .clk_i,
    .rst_ni,
    .valid_i (rx_aligned_valid),
    .block_i (rx_aligned),
    .valid_o (rx_valid),
    .block_o (rx_block)
  );

  // The lock that goes with a descrambled block (the descrambler adds a cycle).
  logic lock_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) lock_q <= 1'b0;
    else if (rx_aligned_valid) lock_q <= lock;
  end

  hsi_link_rx u_rx (
    .clk_i,
    .rst_ni,
    .clear_i           (clear),
    .active_i          (send),
    .valid_i           (rx_valid),
    .block_i           (rx_block),
    .lock_i            (lock_q),
    .space_i           (space),
    .wr_o              (wr),
    .wr_beat_o         (wr_beat),
    .wr_data_o         (wr_data),
    .commit_o          (commit),
    .commit_len_o      (commit_len),
    .commit_src_o      (commit_src),
    .commit_dst_o      (commit_dst),
    .ack_req_o         (ack_req),
    .nak_req_o         (nak_req),
    .ack_seq_o         (ack_seq),
    .peer_ack_o        (peer_ack),
    .peer_nak_o        (peer_nak),
    .peer_seq_o        (peer_seq),
    .peer_fc_o         (peer_fc),
    .peer_fc_vc_o      (peer_fc_vc),
    .peer_fc_credits_o (peer_fc_credits),
    .fc_seen_o         (fc_seen),
    .peer_ready_o      (peer_ready),
    .peer_init_o       (peer_init),
    .frame_ok_o        (frame_ok),
    .crc_error_o       (crc_error),
    .frame_error_o     (frame_error)
  );

  hsi_link_state #(
    .LockTimeout (LockTimeout),
    .FollowPeer  (FollowPeer)
  ) u_state (
    .clk_i,
    .rst_ni,
    .enable_i       (enable),
    .restart_i      (restart),
    .lock_i         (lock_q),
    .fc_seen_i      (fc_seen),
    .peer_ready_i   (peer_ready),
    .replay_down_i  (replay_down),
    .peer_init_i    (peer_init),
    .state_o        (state),
    .clear_o        (clear),
    .down_o         (went_down),
    .lock_loss_o    (lock_loss)
  );

  localparam int unsigned Events = 9;
  logic [Events-1:0][31:0] count;
  hsi_link_counters #(
    .Events (Events)
  ) u_counters (
    .clk_i,
    .rst_ni,
    .event_i ({lock_loss, timer_expiry, peer_ack && peer_nak, nak_sent, frame_error, crc_error,
               frame_replayed, frame_ok, frame_sent}),
    .count_o (count)
  );

  hsi_reg_top u_regs (
    .clk_i,
    .rst_ni,
    .apb_psel_i,
    .apb_penable_i,
    .apb_pwrite_i,
    .apb_paddr_i,
    .apb_pwdata_i,
    .apb_prdata_o,
    .apb_pready_o,
    .apb_pslverr_o,
    .ctrl_enable_o           (enable),
    .ctrl_restart_o          (restart_we_bit),
    .ctrl_we_o               (restart_we),
    .status_state_i          (state),
    .status_lock_i           (lock_q),
    .status_down_set_i       (went_down),
    .status_down_o           (down_status),
    .status_tx_bad_frame_set_i (|bad_frame),
    .status_tx_bad_frame_o   (bad_frame_status),
    .credits_vc0_i           (credits[0]),
    .credits_vc1_i           (credits[1]),
    .frames_sent_count_i     (count[0]),
    .frames_received_count_i (count[1]),
    .frames_replayed_count_i (count[2]),
    .crc_errors_count_i      (count[3]),
    .frame_errors_count_i    (count[4]),
    .naks_sent_count_i       (count[5]),
    .naks_received_count_i   (count[6]),
    .timer_expiries_count_i  (count[7]),
    .lock_losses_count_i     (count[8])
  );

  assign link_up_o = up;
  assign link_down_o = state == LinkStateDown;
  assign irq_o = down_status || bad_frame_status;
endmodule
