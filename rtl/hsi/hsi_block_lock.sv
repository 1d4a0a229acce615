// 64b/66b block lock after IEEE 802.3 clause 49 (figure 49-14): hunts for the block boundary in
// the raw lane, locks after WindowHeaders consecutive valid sync headers (01 or 10), loses lock
// when BadHeaders of a window of WindowHeaders are invalid, and while not locked slips one bit
// on every invalid header. One raw block per cycle, so 802.3's states collapse into one step per
// valid block: TEST_SH, VALID_SH/INVALID_SH and then RESET_CNT, 64_GOOD or SLIP.
// The slip: the raw blocks' boundaries are arbitrary, so the aligned block is taken from a
// 132-bit window over the previous and the current raw block at a bit offset 0..65; a slip
// moves the offset one bit later (65 wraps to 0, which is also one bit later modulo 66), and
// the next block is tested at the new offset. The first valid raw block after reset only fills
// the window (testing the reset value in it would cost a needless slip, 65 more to come back).
// Clock/reset: clk_i, asynchronous active-low rst_ni. valid_i/raw_i: 66 lane bits, bit 0 first
// (a cycle without valid_i, e.g. after a dropped block, is no block at all). valid_o/block_o:
// the block at the current offset, two cycles after the raw block holding its bit 0 (so the
// block of the first raw block comes with the second), with lock_o the lock state after
// testing its header.
`default_nettype none

module hsi_block_lock #(
  parameter int unsigned WindowHeaders = 64,  // good headers in a row to lock; the window bad ones are counted in
  parameter int unsigned BadHeaders = 16  // bad headers within a window that lose the lock
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        valid_i,
  input  wire logic [65:0] raw_i,
  output      logic        valid_o,
  output      logic [65:0] block_o,
  output      logic        lock_o
);
  if (BadHeaders < 1 || BadHeaders > WindowHeaders) begin : g_bad_params
    $error("hsi_block_lock %m: BadHeaders must be 1..WindowHeaders");
  end

  localparam int unsigned CntBits = $clog2(WindowHeaders + 1);
  localparam int unsigned BadBits = $clog2(BadHeaders + 1);

  typedef enum logic {
    StHunt,
    StLocked
  } state_e;

  state_e             state_q, state_d;
  logic [65:0]        raw_q, aligned;
  logic [6:0]         offset_q, offset_d;
  logic [CntBits-1:0] sh_cnt_q, sh_cnt_d, sh_next;
  logic [BadBits-1:0] bad_cnt_q, bad_cnt_d, bad_next;
  logic               primed_q, test, sh_valid, slip, window_done;

  always_comb begin
    aligned = 66'({raw_i, raw_q} >> offset_q);
    test = valid_i && primed_q;
    sh_valid = aligned[1:0] inside {hsi_pkg::SyncHeaderData, hsi_pkg::SyncHeaderCtrl};
    sh_next = sh_cnt_q + 1'b1;
    bad_next = bad_cnt_q + 1'b1;
    window_done = sh_next == CntBits'(WindowHeaders);

    state_d = state_q;
    sh_cnt_d = sh_cnt_q;
    bad_cnt_d = bad_cnt_q;
    slip = 1'b0;
    if (test) begin
      sh_cnt_d = window_done ? '0 : sh_next;
      unique case (state_q)
        // Any invalid header slips; a whole window of valid ones locks.
        StHunt: begin
          if (!sh_valid) slip = 1'b1;
          else if (window_done) state_d = StLocked;
        end
        StLocked: begin
          if (!sh_valid) begin
            if (bad_next == BadBits'(BadHeaders)) begin
              state_d = StHunt;
              slip = 1'b1;
            end else begin
              bad_cnt_d = window_done ? '0 : bad_next;
            end
          end else if (window_done) begin
            bad_cnt_d = '0;
          end
        end
        default: state_d = StHunt;
      endcase
      if (slip) begin
        sh_cnt_d = '0;
        bad_cnt_d = '0;
      end
    end
    offset_d = !slip ? offset_q : offset_q == 7'd65 ? 7'd0 : offset_q + 7'd1;
  end

  assign lock_o = state_q == StLocked;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StHunt;
      raw_q <= '0;
      primed_q <= 1'b0;
      offset_q <= '0;
      sh_cnt_q <= '0;
      bad_cnt_q <= '0;
      valid_o <= 1'b0;
      block_o <= '0;
    end else begin
      state_q <= state_d;
      if (valid_i) begin
        raw_q <= raw_i;
        primed_q <= 1'b1;
      end
      offset_q <= offset_d;
      sh_cnt_q <= sh_cnt_d;
      bad_cnt_q <= bad_cnt_d;
      valid_o <= test;
      block_o <= aligned;
    end
  end
endmodule
