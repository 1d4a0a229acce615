// The replay buffer of one virtual channel: frames come in on an AXI-Stream port and wait, whole,
// in a ring of Slots frame buffers (1024 bytes each) until the transmitter sends them and the
// peer acknowledges them. The transmitter reads any slot (a replay reads old ones again) through
// an asynchronous read port. Store and forward on this side too: an SOF carries the length, so a
// frame is offered only once its last beat is in.
// Three counts (mod 2 Slots) walk the ring: fill (frames complete), sent (frames sent once),
// free (frames acknowledged); fill - free < Slots leaves the fill slot free.
// Clock/reset: clk_i, asynchronous active-low rst_ni; clear_i (a link restart) empties the ring
// and drops the rest of a frame under way on s_axis. s_axis: tkeep counts only on the last beat
// (its number of ones; earlier beats carry 8 bytes). A frame of 0 or more than MaxFrameBytes
// bytes, or one that starts while discard_i (the link is down or disabled), is taken and dropped.
`default_nettype none

module hsi_tx_buffer #(
  parameter int unsigned Slots = 4  // frames held until acknowledged; a power of 2, at least 2
) (
  input  wire logic                     clk_i,
  input  wire logic                     rst_ni,
  input  wire logic                     clear_i,
  input  wire logic                     discard_i,
  input  wire logic [63:0]              s_axis_tdata_i,
  input  wire logic [7:0]               s_axis_tkeep_i,
  input  wire logic                     s_axis_tlast_i,
  input  wire logic [7:0]               s_axis_tdest_i,
  input  wire logic [7:0]               s_axis_tid_i,
  input  wire logic                     s_axis_tvalid_i,
  output      logic                     s_axis_tready_o,
  output      logic                     ready_o,      // a complete frame waits for its first transmission
  output      logic [$clog2(Slots)-1:0] next_slot_o,  // its slot
  input  wire logic                     take_i,       // that frame is being sent for the first time
  input  wire logic                     free_i,       // the oldest sent frame is acknowledged
  input  wire logic                     busy_i,       // the transmitter reads busy_slot_i: not to be overwritten
  input  wire logic [$clog2(Slots)-1:0] busy_slot_i,
  input  wire logic [$clog2(Slots)-1:0] rd_slot_i,
  input  wire logic [6:0]               rd_beat_i,
  output      logic [63:0]              rd_data_o,
  output      logic [10:0]              rd_len_o,     // bytes of rd_slot_i's frame
  output      logic [7:0]               rd_dst_o,
  output      logic [7:0]               rd_src_o,
  output      logic                     bad_frame_o   // pulse: a frame dropped for its length
);
  localparam int unsigned SlotBits = $clog2(Slots);
  localparam int unsigned MaxBeats = hsi_pkg::MaxFrameBytes / 8;

  if (Slots < 2 || (1 << SlotBits) != Slots) begin : g_bad_slots
    $error("hsi_tx_buffer %m: Slots must be a power of 2, at least 2");
  end

  logic [63:0]       mem_q [Slots * MaxBeats];
  logic [10:0]       len_q [Slots];
  logic [7:0]        dst_q [Slots];
  logic [7:0]        src_q [Slots];
  logic [SlotBits:0] fill_q, fill_d, sent_q, sent_d, free_q, free_d;
  logic [7:0]        beat_q, beat_d;     // beats of the frame under way, 128 = one too many
  logic              in_frame_q, in_frame_d, drop_q, drop_d;
  logic [SlotBits-1:0] fill_slot;
  logic              room, beat_ok, write, last_ok;
  logic [10:0]       frame_len;

  always_comb begin
    fill_slot = fill_q[SlotBits-1:0];
    // The transmitter may still replay a slot that was acknowledged under it.
    room = (fill_q - free_q) != (SlotBits + 1)'(Slots) && !(busy_i && busy_slot_i == fill_slot);
    beat_ok = !drop_q && !(!in_frame_q && discard_i);
    s_axis_tready_o = beat_ok ? room : 1'b1;
    write = s_axis_tvalid_i && s_axis_tready_o && beat_ok && beat_q < 8'(MaxBeats);
    frame_len = 11'({beat_q, 3'b000}) + 11'($countones(s_axis_tkeep_i));
    last_ok = beat_q < 8'(MaxBeats) && frame_len != 11'd0;

    fill_d = fill_q;
    sent_d = sent_q + (SlotBits + 1)'(take_i);
    free_d = free_q + (SlotBits + 1)'(free_i);
    beat_d = beat_q;
    in_frame_d = in_frame_q;
    drop_d = drop_q;
    bad_frame_o = 1'b0;
    if (s_axis_tvalid_i && s_axis_tready_o) begin
      in_frame_d = !s_axis_tlast_i;
      if (!in_frame_q) drop_d = discard_i;
      beat_d = (beat_q == 8'(MaxBeats)) ? beat_q : beat_q + 8'd1;
      if (s_axis_tlast_i) begin
        beat_d = '0;
        drop_d = 1'b0;
        if (beat_ok) begin
          if (last_ok) fill_d = fill_q + 1'b1;
          else bad_frame_o = 1'b1;
        end
      end
    end
    if (clear_i) begin
      fill_d = '0;
      sent_d = '0;
      free_d = '0;
      beat_d = '0;
      // The rest of a frame cut by the clear must not become the head of a new one.
      drop_d = in_frame_d;
    end

    ready_o = fill_q != sent_q;
    next_slot_o = sent_q[SlotBits-1:0];
    rd_data_o = mem_q[{rd_slot_i, rd_beat_i[$clog2(MaxBeats)-1:0]}];
    rd_len_o = len_q[rd_slot_i];
    rd_dst_o = dst_q[rd_slot_i];
    rd_src_o = src_q[rd_slot_i];
  end

  // The bytes past tkeep are zero, so the last data block's tail is zero on the lane.
  function automatic logic [63:0] keep_mask(input logic [7:0] keep, input logic last);
    for (int i = 0; i < 8; i++) keep_mask[i*8 +: 8] = (keep[i] || !last) ? 8'hff : 8'h00;
  endfunction

  always_ff @(posedge clk_i) begin
    if (write) begin
      mem_q[{fill_slot, beat_q[$clog2(MaxBeats)-1:0]}] <= s_axis_tdata_i & keep_mask(s_axis_tkeep_i, s_axis_tlast_i);
      if (s_axis_tlast_i) begin
        len_q[fill_slot] <= frame_len;
        dst_q[fill_slot] <= s_axis_tdest_i;
        src_q[fill_slot] <= s_axis_tid_i;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fill_q <= '0;
      sent_q <= '0;
      free_q <= '0;
      beat_q <= '0;
      in_frame_q <= 1'b0;
      drop_q <= 1'b0;
    end else begin
      fill_q <= fill_d;
      sent_q <= sent_d;
      free_q <= free_d;
      beat_q <= beat_d;
      in_frame_q <= in_frame_d;
      drop_q <= drop_d;
    end
  end
endmodule
