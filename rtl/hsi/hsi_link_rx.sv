// The link receiver: takes the descrambled, aligned blocks of the lane, checks control blocks by
// their CRC-16 and frames by their CRC-32 and shape, writes a frame into its vc's receive buffer
// as it arrives and commits it only when its EOF checks and its seq is the one expected (store
// and forward). It asks the transmitter for ACKs (a good in-order frame or a good duplicate) and
// NAKs (one per error until the next good in-order frame), and passes on the peer's ACK, NAK and
// FC blocks. The rules are in rtl/hsi/README.md ("The link layer").
// Clock/reset: clk_i, asynchronous active-low rst_ni; clear_i (a link restart) forgets the frame
// under way, the expected seq and the FCs seen. Blocks count only with valid_i, lock_i and
// active_i (the link trains or is up); a lost lock aborts the frame under way.
`default_nettype none

module hsi_link_rx (
  input  wire logic                           clk_i,
  input  wire logic                           rst_ni,
  input  wire logic                           clear_i,
  input  wire logic                           active_i,
  input  wire logic                           valid_i,
  input  wire logic [65:0]                    block_i,
  input  wire logic                           lock_i,
  // the receive buffers
  input  wire logic [hsi_pkg::Vcs-1:0]        space_i,
  output      logic [hsi_pkg::Vcs-1:0]        wr_o,
  output      logic [6:0]                     wr_beat_o,
  output      logic [63:0]                    wr_data_o,
  output      logic [hsi_pkg::Vcs-1:0]        commit_o,
  output      logic [10:0]                    commit_len_o,
  output      logic [7:0]                     commit_src_o,
  output      logic [7:0]                     commit_dst_o,
  // requests to this end's transmitter
  output      logic                           ack_req_o,   // pulse: an ACK is due
  output      logic                           nak_req_o,   // pulse: a NAK is due
  output      logic [hsi_pkg::SeqBits-1:0]    ack_seq_o,   // the newest frame received in order
  // the peer's control blocks
  output      logic                           peer_ack_o,  // pulse: an ACK or NAK arrived
  output      logic                           peer_nak_o,  // with peer_ack_o: it was a NAK
  output      logic [hsi_pkg::SeqBits-1:0]    peer_seq_o,
  output      logic                           peer_fc_o,   // pulse: an FC arrived
  output      logic [0:0]                     peer_fc_vc_o,
  output      logic [hsi_pkg::CreditBits-1:0] peer_fc_credits_o,
  output      logic [hsi_pkg::Vcs-1:0]        fc_seen_o,   // an FC of each vc arrived since the clear
  output      logic                           peer_ready_o, // an FC with init 0 arrived: the peer has ours
  output      logic                           peer_init_o,    // pulse: an FC with init 1 (the peer trains)
  // events for the counters
  output      logic                           frame_ok_o,
  output      logic                           crc_error_o,
  output      logic                           frame_error_o
);
  import hsi_pkg::*;

  logic [63:0]         pl;
  sof_block_t          sof, hdr_q, hdr_d;
  // Views of one payload as each format: each uses the fields of its own.
  /* verilator lint_off UNUSEDSIGNAL */
  eof_block_t          eof;
  ack_block_t          ack;
  fc_block_t           fc;
  /* verilator lint_on UNUSEDSIGNAL */
  logic                is_data, is_ctrl, take;
  logic                in_frame_q, in_frame_d, bad_q, bad_d, wr_ok_q, wr_ok_d, stray_q, stray_d;
  logic                nak_sent_q, nak_sent_d, ready_q, ready_d;
  logic [Vcs-1:0]      seen_q, seen_d;
  logic [7:0]          beats_q, beats_d, want_beats;
  logic [SeqBits-1:0]  expected_q, expected_d, seq_dist;
  logic [3:0]          last_bytes;
  logic                crc_init, crc_valid;
  logic [63:0]         crc_data;
  logic [2:0]          crc_bytes_m1;
  logic [31:0]         crc;
  logic [15:0]         crc16;
  logic                ctrl_ok, nak_rule;

  hsi_crc32_64 u_crc32 (
    .clk_i,
    .rst_ni,
    .init_i     (crc_init),
    .valid_i    (crc_valid),
    .data_i     (crc_data),
    .bytes_m1_i (crc_bytes_m1),
    .crc_o      (crc)
  );

  hsi_crc16_ctrl u_crc16 (
    .data_i (pl[47:0]),
    .crc_o  (crc16)
  );

  assign pl = block_i[65:2];
  assign sof = sof_block_t'(pl);
  assign eof = eof_block_t'(pl);
  assign ack = ack_block_t'(pl);
  assign fc = fc_block_t'(pl);
  assign ctrl_ok = pl[63:48] == crc16;
  // In any state, Down included (where nothing else is taken): a following link restarts on it.
  assign peer_init_o = valid_i && lock_i && block_i[1:0] == SyncHeaderCtrl && ctrl_ok && pl[7:0] == BlockTypeFc && fc.init;

  always_comb begin
    take = valid_i && lock_i && active_i;
    is_data = take && block_i[1:0] == SyncHeaderData;
    is_ctrl = take && block_i[1:0] == SyncHeaderCtrl;

    want_beats = 8'((12'(hdr_q.len) + 12'd7) >> 3);
    last_bytes = hsi_frame_pkg::last_bytes(hdr_q.len[2:0]);
    seq_dist = hdr_q.seq - expected_q;

    crc_init = 1'b0;
    crc_valid = 1'b0;
    crc_data = pl;
    crc_bytes_m1 = 3'd7;

    hdr_d = hdr_q;
    in_frame_d = in_frame_q;
    bad_d = bad_q;
    wr_ok_d = wr_ok_q;
    stray_d = stray_q;
    beats_d = beats_q;
    expected_d = expected_q;
    nak_sent_d = nak_sent_q;
    seen_d = seen_q;
    ready_d = ready_q;
    wr_o = '0;
    commit_o = '0;
    ack_req_o = 1'b0;
    nak_rule = 1'b0;
    peer_ack_o = 1'b0;
    peer_nak_o = 1'b0;
    peer_fc_o = 1'b0;
    frame_ok_o = 1'b0;
    crc_error_o = 1'b0;
    frame_error_o = 1'b0;

    if (is_data) begin
      if (!in_frame_q) begin
        // The body of a frame whose SOF was lost: one error per run of them.
        if (!stray_q) begin
          frame_error_o = 1'b1;
          nak_rule = 1'b1;
        end
        stray_d = 1'b1;
      end else if (beats_q < want_beats) begin
        wr_o[hdr_q.vc[0]] = wr_ok_q;
        crc_valid = 1'b1;
        crc_bytes_m1 = hsi_frame_pkg::beat_bytes_m1(hdr_q.len, beats_q);
        beats_d = beats_q + 8'd1;
      end else begin
        bad_d = 1'b1;
      end
    end else if (is_ctrl && pl[7:0] == BlockTypeSof) begin
      if (in_frame_q) begin
        frame_error_o = 1'b1;
        nak_rule = 1'b1;
      end
      hdr_d = sof;
      in_frame_d = 1'b1;
      stray_d = 1'b0;
      beats_d = '0;
      bad_d = sof.len == 11'd0 || sof.len > 11'(MaxFrameBytes) || sof.vc > VcFirmware || sof.ftype != FrameTypeData;
      wr_ok_d = sof.vc <= VcFirmware && space_i[sof.vc[0]];
      crc_init = 1'b1;
      crc_valid = 1'b1;
    end else if (is_ctrl && pl[7:0] == BlockTypeEof && in_frame_q) begin
      in_frame_d = 1'b0;
      if (eof.crc != crc) begin
        crc_error_o = 1'b1;
        nak_rule = 1'b1;
      end else if (bad_q || beats_q != want_beats || eof.count != last_bytes) begin
        frame_error_o = 1'b1;
        nak_rule = 1'b1;
      end else if (seq_dist[SeqBits-1]) begin
        ack_req_o = 1'b1;  // a duplicate of a frame already taken: the ACK that covered it was lost
      end else if (seq_dist != '0) begin
        nak_rule = 1'b1;   // a gap: a frame before it was lost
      end else if (!wr_ok_q) begin
        frame_error_o = 1'b1;  // sent without a credit
        nak_rule = 1'b1;
      end else begin
        commit_o[hdr_q.vc[0]] = 1'b1;
        expected_d = expected_q + 1'b1;
        nak_sent_d = 1'b0;
        ack_req_o = 1'b1;
        frame_ok_o = 1'b1;
      end
    end else if (is_ctrl || (take && in_frame_q)) begin
      // Anything else inside a frame (a control block, an invalid header) ends it as an error;
      // outside, an EOF is the tail of a lost frame and a bad block is nothing.
      if (in_frame_q) begin
        frame_error_o = 1'b1;
        nak_rule = 1'b1;
        in_frame_d = 1'b0;
      end else if (pl[7:0] == BlockTypeEof) begin
        if (!stray_q) begin
          frame_error_o = 1'b1;
          nak_rule = 1'b1;
        end
        stray_d = 1'b1;
      end
      if (is_ctrl && ctrl_ok) begin
        unique case (pl[7:0])
          BlockTypeAck, BlockTypeNak: begin
            peer_ack_o = 1'b1;
            peer_nak_o = pl[7:0] == BlockTypeNak;
            stray_d = 1'b0;
          end
          BlockTypeFc: if (fc.vc <= VcFirmware) begin
            peer_fc_o = 1'b1;
            seen_d[fc.vc[0]] = 1'b1;
            if (!fc.init) ready_d = 1'b1;
            stray_d = 1'b0;
          end
          BlockTypeIdle: stray_d = 1'b0;
          default: ;
        endcase
      end
    end else if (in_frame_q && !lock_i) begin
      frame_error_o = 1'b1;
      nak_rule = 1'b1;
      in_frame_d = 1'b0;
    end

    if (nak_rule && !nak_sent_q) nak_sent_d = 1'b1;
    nak_req_o = nak_rule && !nak_sent_q;

    if (clear_i) begin
      in_frame_d = 1'b0;
      stray_d = 1'b0;
      expected_d = '0;
      nak_sent_d = 1'b0;
      seen_d = '0;
      ready_d = 1'b0;
    end

    wr_beat_o = beats_q[6:0];
    wr_data_o = pl;
    commit_len_o = hdr_q.len;
    commit_src_o = hdr_q.src;
    commit_dst_o = hdr_q.dst;
    ack_seq_o = expected_q - 1'b1;
    peer_seq_o = ack.seq;
    peer_fc_vc_o = fc.vc[0];
    peer_fc_credits_o = fc.credits;
    fc_seen_o = seen_q;
    peer_ready_o = ready_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      hdr_q <= '0;
      in_frame_q <= 1'b0;
      bad_q <= 1'b0;
      wr_ok_q <= 1'b0;
      stray_q <= 1'b0;
      beats_q <= '0;
      expected_q <= '0;
      nak_sent_q <= 1'b0;
      seen_q <= '0;
      ready_q <= 1'b0;
    end else begin
      hdr_q <= hdr_d;
      in_frame_q <= in_frame_d;
      bad_q <= bad_d;
      wr_ok_q <= wr_ok_d;
      stray_q <= stray_d;
      beats_q <= beats_d;
      expected_q <= expected_d;
      nak_sent_q <= nak_sent_d;
      seen_q <= seen_d;
      ready_q <= ready_d;
    end
  end
endmodule
