// The receive buffers of one virtual channel: a ring of Slots frame buffers of 1024 bytes, the
// credits this end grants its peer. The receiver writes a frame into the fill slot as its
// blocks arrive and commits it only after its EOF checked (store and forward); a frame that
// fails is simply overwritten by the next. Committed frames go out on m_axis in order; each
// frame handed out frees its buffer, so the cumulative grant is Slots + frames handed out.
// Clock/reset: clk_i, asynchronous active-low rst_ni; clear_i (a link restart) empties the ring
// but for a frame half handed out, which is finished (a sink never sees a frame cut short); its
// buffer is granted when it is out.
// m_axis: tkeep all ones but on the last beat (contiguous low bytes), tdest = the frame's dst,
// tid = its src.
`default_nettype none

module hsi_rx_buffer #(
  parameter int unsigned Slots = 4  // receive buffers: the credits granted; a power of 2, at least 2
) (
  input  wire logic                           clk_i,
  input  wire logic                           rst_ni,
  input  wire logic                           clear_i,
  output      logic                           space_o,   // the fill slot is free
  input  wire logic                           wr_i,      // a data block of the frame under way
  input  wire logic [6:0]                     wr_beat_i,
  input  wire logic [63:0]                    wr_data_i,
  input  wire logic                           commit_i,  // the frame under way checked: hand it on
  input  wire logic [10:0]                    commit_len_i,
  input  wire logic [7:0]                     commit_src_i,
  input  wire logic [7:0]                     commit_dst_i,
  output      logic [63:0]                    m_axis_tdata_o,
  output      logic [7:0]                     m_axis_tkeep_o,
  output      logic                           m_axis_tlast_o,
  output      logic [7:0]                     m_axis_tdest_o,
  output      logic [7:0]                     m_axis_tid_o,
  output      logic                           m_axis_tvalid_o,
  input  wire logic                           m_axis_tready_i,
  output      logic [hsi_pkg::CreditBits-1:0] granted_o  // cumulative credits granted, mod 4096
);
  localparam int unsigned SlotBits = $clog2(Slots);
  localparam int unsigned MaxBeats = hsi_pkg::MaxFrameBytes / 8;
  localparam int unsigned CreditBits = hsi_pkg::CreditBits;

  if (Slots < 2 || (1 << SlotBits) != Slots) begin : g_bad_slots
    $error("hsi_rx_buffer %m: Slots must be a power of 2, at least 2");
  end

  logic [63:0]           mem_q [Slots * MaxBeats];
  logic [10:0]           len_q [Slots];
  logic [7:0]            src_q [Slots];
  logic [7:0]            dst_q [Slots];
  logic [SlotBits:0]     fill_q, fill_d, drain_q, drain_d;
  logic [6:0]            beat_q, beat_d;
  logic [CreditBits-1:0] granted_q, granted_d;
  logic [SlotBits-1:0]   fill_slot, drain_slot;
  logic [10:0]           len;
  logic [3:0]            last_bytes;

  always_comb begin
    fill_slot = fill_q[SlotBits-1:0];
    drain_slot = drain_q[SlotBits-1:0];
    space_o = (fill_q - drain_q) != (SlotBits + 1)'(Slots);
    len = len_q[drain_slot];
    last_bytes = hsi_frame_pkg::last_bytes(len[2:0]);

    m_axis_tvalid_o = fill_q != drain_q;
    m_axis_tlast_o = beat_q == 7'((len - 11'd1) >> 3);
    m_axis_tkeep_o = m_axis_tlast_o ? 8'((9'd1 << last_bytes) - 9'd1) : 8'hff;
    // The CRC does not cover the last block's bytes past len: a flip there must not come out.
    for (int i = 0; i < 8; i++) m_axis_tdata_o[i*8 +: 8] = m_axis_tkeep_o[i] ? mem_q[{drain_slot, beat_q}][i*8 +: 8] : 8'h00;
    m_axis_tdest_o = dst_q[drain_slot];
    m_axis_tid_o = src_q[drain_slot];

    fill_d = fill_q + (SlotBits + 1)'(commit_i);
    drain_d = drain_q;
    beat_d = beat_q;
    granted_d = granted_q;
    if (m_axis_tvalid_o && m_axis_tready_i) begin
      beat_d = beat_q + 7'd1;
      if (m_axis_tlast_o) begin
        beat_d = '0;
        drain_d = drain_q + 1'b1;
        granted_d = granted_q + 1'b1;
      end
    end
    if (clear_i) begin
      fill_d = drain_d + (SlotBits + 1)'(beat_d != '0);
      granted_d = CreditBits'(Slots) - CreditBits'(beat_d != '0);
    end
    granted_o = granted_q;
  end

  always_ff @(posedge clk_i) begin
    if (wr_i) mem_q[{fill_slot, wr_beat_i}] <= wr_data_i;
    if (commit_i) begin
      len_q[fill_slot] <= commit_len_i;
      src_q[fill_slot] <= commit_src_i;
      dst_q[fill_slot] <= commit_dst_i;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fill_q <= '0;
      drain_q <= '0;
      beat_q <= '0;
      granted_q <= CreditBits'(Slots);
    end else begin
      fill_q <= fill_d;
      drain_q <= drain_d;
      beat_q <= beat_d;
      granted_q <= granted_d;
    end
  end
endmodule
