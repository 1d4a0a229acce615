// The link transmitter: one block per cycle. Between frames it picks, by priority, a NAK, an
// ACK, an FC, a replayed frame, a new frame (round robin over the vcs that have a frame and a
// credit) or an IDLE; a frame is its SOF, its data blocks from the replay buffer and an EOF with
// the CRC-32 over the SOF and the payload, with nothing between them. Go-back-N: sequence numbers
// in transmission order, a ring from seq to {vc, slot} so a replay finds every unacknowledged
// frame again, the replay timer and the count of replays without progress (the replay budget:
// at REPLAY_LIMIT the next trigger reports down_o instead). Credits per vc after PCIe: the
// peer's cumulative limit against the frames sent. The rules are in rtl/hsi/README.md.
// Clock/reset: clk_i, asynchronous active-low rst_ni; clear_i (a link restart) forgets every
// frame, seq and credit. send_i: the link trains or is up (otherwise nothing new starts); up_i:
// new frames may start. block_o: the next block (sync header [1:0]), registered.
`default_nettype none

module hsi_link_tx #(
  parameter int unsigned Slots = 4,            // replay-buffer frames per vc (hsi_tx_buffer)
  parameter int unsigned ReplayTimeout = 1024, // cycles without progress before a replay
  parameter int unsigned FcPeriod = 1024,      // cycles between FC refreshes of every vc when up
  parameter int unsigned TrainFcPeriod = 16,   // cycles between FCs of every vc while training
  parameter int unsigned FcBatch = 2           // credits freed since the last FC of a vc that send a new one
) (
  input  wire logic                                        clk_i,
  input  wire logic                                        rst_ni,
  input  wire logic                                        clear_i,
  input  wire logic                                        send_i,
  input  wire logic                                        up_i,
  // the replay buffers, one per vc
  input  wire logic [hsi_pkg::Vcs-1:0]                     ready_i,
  input  wire logic [hsi_pkg::Vcs-1:0][$clog2(Slots)-1:0]  next_slot_i,
  output      logic [hsi_pkg::Vcs-1:0]                     take_o,
  output      logic [hsi_pkg::Vcs-1:0]                     free_o,
  output      logic [hsi_pkg::Vcs-1:0]                     busy_o,
  output      logic [$clog2(Slots)-1:0]                    rd_slot_o,
  output      logic [6:0]                                  rd_beat_o,
  input  wire logic [hsi_pkg::Vcs-1:0][63:0]               rd_data_i,
  input  wire logic [hsi_pkg::Vcs-1:0][10:0]               rd_len_i,
  input  wire logic [hsi_pkg::Vcs-1:0][7:0]                rd_dst_i,
  input  wire logic [hsi_pkg::Vcs-1:0][7:0]                rd_src_i,
  // this end's receiver
  input  wire logic                                        ack_req_i,
  input  wire logic                                        nak_req_i,
  input  wire logic [hsi_pkg::SeqBits-1:0]                 ack_seq_i,
  input  wire logic [hsi_pkg::Vcs-1:0][hsi_pkg::CreditBits-1:0] granted_i,
  input  wire logic [hsi_pkg::Vcs-1:0]                     fc_seen_i,
  input  wire logic                                        peer_ack_i,
  input  wire logic                                        peer_nak_i,
  input  wire logic [hsi_pkg::SeqBits-1:0]                 peer_seq_i,
  input  wire logic                                        peer_fc_i,
  input  wire logic [0:0]                                  peer_fc_vc_i,
  input  wire logic [hsi_pkg::CreditBits-1:0]              peer_fc_credits_i,
  output      logic [65:0]                                 block_o,
  output      logic [hsi_pkg::Vcs-1:0][hsi_pkg::CreditBits-1:0] credits_o,  // available per vc
  output      logic                                        down_o,       // pulse: the replay budget is spent
  output      logic                                        frame_sent_o,
  output      logic                                        frame_replayed_o,
  output      logic                                        nak_sent_o,
  output      logic                                        timer_expiry_o
);
  import hsi_pkg::*;

  localparam int unsigned SlotBits = $clog2(Slots);
  localparam int unsigned RingBits = SlotBits + 1;  // every vc's frames outstanding at once
  localparam int unsigned TimerBits = $clog2(ReplayTimeout + 1);
  localparam int unsigned FcTimerBits = $clog2(FcPeriod + TrainFcPeriod + 1);
  localparam int unsigned ReplayBits = $clog2(ReplayLimit + 1);

  if (ReplayTimeout < 2 || FcPeriod < 2 || TrainFcPeriod < 2 || FcBatch < 1) begin : g_bad_params
    $error("hsi_link_tx %m: ReplayTimeout, FcPeriod and TrainFcPeriod must be at least 2, FcBatch at least 1");
  end

  typedef enum logic [1:0] {
    StBoundary,
    StData,
    StEof
  } state_e;

  typedef struct packed {
    logic                vc;
    logic [SlotBits-1:0] slot;
  } ring_entry_t;

  state_e              state_q, state_d;
  ring_entry_t         ring_q [2**RingBits];
  logic                ring_we;
  ring_entry_t         cur_q, cur_d, pick;
  logic [10:0]         len_q, len_d;
  logic [6:0]          beat_q, beat_d;
  logic [SeqBits-1:0]  nxt_q, nxt_d, una_q, una_d, snd_q, snd_d, free_q, free_d, snd_eff, seq;
  logic [SeqBits-1:0]  target;
  logic [Vcs-1:0][CreditBits-1:0] limit_q, limit_d, used_q, used_d, adv_q, adv_d;
  logic [Vcs-1:0]      fc_due_q, fc_due_d, fc_want, eligible;
  logic [FcTimerBits-1:0] fc_timer_q, fc_timer_d;
  logic [TimerBits-1:0] timer_q, timer_d;
  logic [ReplayBits-1:0] replays_q, replays_d;
  logic                ack_pend_q, ack_pend_d, nak_pend_q, nak_pend_d, rr_q, rr_d;
  logic                progress, trigger, replay, start, new_vc;
  logic [63:0]         pl;
  // A control block with its CRC-16 field still empty: the field is filled when the block goes out.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0]         ctrl;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [15:0]         crc16;
  logic [65:0]         block_d;
  logic                crc_init, crc_valid;
  logic [2:0]          crc_bytes_m1;
  logic [31:0]         crc;
  sof_block_t          sof_blk;
  eof_block_t          eof_blk;
  ack_block_t          ack_blk, nak_blk;
  fc_block_t           fc_blk;
  idle_block_t         idle_blk;
  logic                fc_vc;

  hsi_crc32_64 u_crc32 (
    .clk_i,
    .rst_ni,
    .init_i     (crc_init),
    .valid_i    (crc_valid),
    .data_i     (pl),
    .bytes_m1_i (crc_bytes_m1),
    .crc_o      (crc)
  );

  hsi_crc16_ctrl u_crc16 (
    .data_i (ctrl[47:0]),
    .crc_o  (crc16)
  );

  // An ACK of seq covers the frames up to seq: valid only for a frame sent (stale ones are dropped).
  function automatic logic in_window(input logic [SeqBits-1:0] x, input logic [SeqBits-1:0] lo,
                                  input logic [SeqBits-1:0] hi);
    in_window = (x - lo) <= (hi - lo);
  endfunction

  // Which frame is next (a replay while snd is behind nxt, else a new one) and the slot to read.
  always_comb begin
    for (int v = 0; v < Vcs; v++) begin
      credits_o[v] = limit_q[v] - used_q[v];
      eligible[v] = ready_i[v] && credits_o[v] != '0 && !credits_o[v][CreditBits-1];
    end
    snd_eff = in_window(snd_q, una_q, nxt_q) ? snd_q : una_q;
    new_vc = (eligible[0] && eligible[1]) ? !rr_q : eligible[1];
    pick = (snd_eff != nxt_q) ? ring_q[snd_eff[RingBits-1:0]] : '{vc: new_vc, slot: next_slot_i[new_vc]};
    seq = snd_eff;
    rd_slot_o = (state_q == StBoundary) ? pick.slot : cur_q.slot;
  end

  always_comb begin
    // Acknowledgements and the replay timer.
    target = peer_seq_i + 1'b1;
    una_d = una_q;
    progress = 1'b0;
    if (peer_ack_i && in_window(target, una_q, nxt_q)) begin
      una_d = target;
      progress = target != una_q;
    end
    timer_expiry_o = una_q != nxt_q && !progress && timer_q == TimerBits'(ReplayTimeout - 1);
    trigger = ((peer_ack_i && peer_nak_i && in_window(target, una_q, nxt_q)) || timer_expiry_o) && una_d != nxt_q;
    replays_d = progress ? '0 : replays_q;
    down_o = 1'b0;
    replay = 1'b0;
    if (trigger) begin
      if (replays_d == ReplayBits'(ReplayLimit)) down_o = 1'b1;
      else begin
        replay = 1'b1;
        replays_d = replays_d + 1'b1;
      end
    end
    timer_d = (una_d == nxt_q || progress || replay) ? '0 : timer_q + 1'b1;

    // Frees, one per cycle, behind the acknowledgements.
    free_o = '0;
    free_d = free_q;
    if (free_q != una_q) begin
      free_o[ring_q[free_q[RingBits-1:0]].vc] = 1'b1;
      free_d = free_q + 1'b1;
    end

    // Credits and FCs.
    limit_d = limit_q;
    if (peer_fc_i) limit_d[peer_fc_vc_i] = peer_fc_credits_i;
    for (int v = 0; v < Vcs; v++) begin
      fc_want[v] = fc_due_q[v] || (up_i && (granted_i[v] - adv_q[v]) >= CreditBits'(FcBatch));
    end
    fc_timer_d = fc_timer_q + 1'b1;
    fc_due_d = fc_due_q;
    if (fc_timer_q >= FcTimerBits'(up_i ? FcPeriod - 1 : TrainFcPeriod - 1)) begin
      fc_timer_d = '0;
      fc_due_d = '1;
    end


    // The blocks, from the generated formats; a control block's CRC-16 covers its bits [47:0].
    sof_blk = '0;
    sof_blk.btype = BlockTypeSof;
    sof_blk.dst = rd_dst_i[pick.vc];
    sof_blk.src = rd_src_i[pick.vc];
    sof_blk.vc = vc_e'({1'b0, pick.vc});
    sof_blk.seq = seq;
    sof_blk.len = rd_len_i[pick.vc];
    sof_blk.ftype = FrameTypeData;
    eof_blk = '0;
    eof_blk.btype = BlockTypeEof;
    eof_blk.count = hsi_frame_pkg::last_bytes(len_q[2:0]);
    eof_blk.crc = crc;
    ack_blk = '0;
    ack_blk.btype = BlockTypeAck;
    ack_blk.seq = ack_seq_i;
    nak_blk = ack_blk;
    nak_blk.btype = BlockTypeNak;
    idle_blk = '0;
    idle_blk.btype = BlockTypeIdle;
    fc_vc = !fc_want[0];
    fc_blk = '0;
    fc_blk.btype = BlockTypeFc;
    fc_blk.vc = vc_e'({1'b0, fc_vc});
    fc_blk.init = !(&fc_seen_i);
    fc_blk.credits = granted_i[fc_vc];

    ack_pend_d = ack_pend_q || ack_req_i;
    nak_pend_d = nak_pend_q || nak_req_i;
    state_d = state_q;
    cur_d = cur_q;
    len_d = len_q;
    beat_d = beat_q;
    nxt_d = nxt_q;
    snd_d = replay ? una_d : snd_q;
    used_d = used_q;
    adv_d = adv_q;
    rr_d = rr_q;
    take_o = '0;
    ring_we = 1'b0;
    start = 1'b0;
    frame_sent_o = 1'b0;
    frame_replayed_o = 1'b0;
    nak_sent_o = 1'b0;
    crc_init = 1'b0;
    crc_valid = 1'b0;
    crc_bytes_m1 = 3'd7;
    ctrl = '0;
    rd_beat_o = beat_q;

    unique case (state_q)
      StBoundary: begin
        if (!send_i) begin
          // Nothing starts while disabled or down (the lane carries zeros); requests wait.
          ctrl = idle_blk;
        end else if (nak_pend_q) begin
          ctrl = nak_blk;
          nak_pend_d = nak_req_i;
          ack_pend_d = ack_req_i;  // a NAK acknowledges as much as an ACK would
          nak_sent_o = 1'b1;
        end else if (ack_pend_q) begin
          ctrl = ack_blk;
          ack_pend_d = ack_req_i;
        end else if (fc_want != '0) begin
          ctrl = fc_blk;
          adv_d[fc_vc] = granted_i[fc_vc];
          fc_due_d[fc_vc] = 1'b0;
        end else if (up_i && (snd_eff != nxt_q || eligible != '0)) begin
          start = 1'b1;
          if (snd_eff == nxt_q) begin
            take_o[pick.vc] = 1'b1;
            ring_we = 1'b1;
            used_d[pick.vc] = used_q[pick.vc] + 1'b1;
            nxt_d = nxt_q + 1'b1;
            rr_d = pick.vc;
            frame_sent_o = 1'b1;
          end else begin
            frame_replayed_o = 1'b1;
          end
          if (!replay) snd_d = snd_eff + 1'b1;
          cur_d = pick;
          len_d = rd_len_i[pick.vc];
          beat_d = '0;
          state_d = StData;
          crc_init = 1'b1;
          crc_valid = 1'b1;
        end else begin
          ctrl = idle_blk;
        end
      end
      StData: begin
        crc_valid = 1'b1;
        crc_bytes_m1 = hsi_frame_pkg::beat_bytes_m1(len_q, {1'b0, beat_q});
        beat_d = beat_q + 7'd1;
        if ({1'b0, beat_q} == 8'((len_q - 11'd1) >> 3)) state_d = StEof;
      end
      StEof: state_d = StBoundary;
      default: state_d = StBoundary;
    endcase

    busy_o = '0;
    busy_o[cur_q.vc] = state_q != StBoundary;

    if (clear_i) begin
      state_d = StBoundary;
      nxt_d = '0;
      una_d = '0;
      snd_d = '0;
      free_d = '0;
      limit_d = '0;
      used_d = '0;
      adv_d = '0;
      fc_due_d = '0;
      fc_timer_d = '0;
      timer_d = '0;
      replays_d = '0;
      ack_pend_d = 1'b0;
      nak_pend_d = 1'b0;
      take_o = '0;
      free_o = '0;
      ring_we = 1'b0;
    end
  end

  // The block: after the choice, since a control block's CRC-16 depends on it.
  always_comb begin
    unique case (state_q)
      StData: begin
        block_d[1:0] = SyncHeaderData;
        pl = rd_data_i[cur_q.vc];
      end
      StEof: begin
        block_d[1:0] = SyncHeaderCtrl;
        pl = eof_blk;
      end
      default: begin
        block_d[1:0] = SyncHeaderCtrl;
        pl = start ? sof_blk : {crc16, ctrl[47:0]};
      end
    endcase
    block_d[65:2] = pl;
  end

  always_ff @(posedge clk_i) begin
    if (ring_we) ring_q[nxt_q[RingBits-1:0]] <= pick;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StBoundary;
      cur_q <= '0;
      len_q <= '0;
      beat_q <= '0;
      nxt_q <= '0;
      una_q <= '0;
      snd_q <= '0;
      free_q <= '0;
      limit_q <= '0;
      used_q <= '0;
      adv_q <= '0;
      fc_due_q <= '0;
      fc_timer_q <= '0;
      timer_q <= '0;
      replays_q <= '0;
      ack_pend_q <= 1'b0;
      nak_pend_q <= 1'b0;
      rr_q <= 1'b0;
      block_o <= '0;
    end else begin
      state_q <= state_d;
      cur_q <= cur_d;
      len_q <= len_d;
      beat_q <= beat_d;
      nxt_q <= nxt_d;
      una_q <= una_d;
      snd_q <= snd_d;
      free_q <= free_d;
      limit_q <= limit_d;
      used_q <= used_d;
      adv_q <= adv_d;
      fc_due_q <= fc_due_d;
      fc_timer_q <= fc_timer_d;
      timer_q <= timer_d;
      replays_q <= replays_d;
      ack_pend_q <= ack_pend_d;
      nak_pend_q <= nak_pend_d;
      rr_q <= rr_d;
      block_o <= block_d;
    end
  end
endmodule
