// Sim-only tap on one HSI lane, for the protocol checker (tb/hsi/checker.ts): its own block lock
// and descrambler (never the DUT's, so a DUT bug there cannot hide itself), and a record strobe
// that skips IDLE blocks, so a sampled stream carries only blocks that mean something.
// Clock/reset: clk_i, asynchronous active-low rst_ni. valid_i/lane_i: the lane's raw 66-bit words
// (what a transmitter sends, or what a channel delivers; a cycle without valid_i is no word).
// valid_o: a record, when a locked block that is not the exact IDLE block comes out (blk_o high)
// or the lock changes (lock_o the new state, blk_o low if no block); hdr_o, lo_o, hi_o: the
// descrambled block's sync header and payload bits [31:0] and [63:32], so a stream samples
// columns of at most 32 bits. A corrupted IDLE is not the IDLE block and is recorded.
`default_nettype none

module hsi_tap (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        valid_i,
  input  wire logic [65:0] lane_i,
  output      logic        valid_o,
  output      logic        blk_o,
  output      logic        lock_o,
  output      logic [1:0]  hdr_o,
  output      logic [31:0] lo_o,
  output      logic [31:0] hi_o
);
  logic        lock_valid, lock, desc_valid;
  logic [65:0] lock_block, desc_block;
  logic        lock_q, lock_seen_q;
  logic [15:0] idle_crc;

  hsi_block_lock u_lock (
    .clk_i,
    .rst_ni,
    .valid_i,
    .raw_i(lane_i),
    .valid_o(lock_valid),
    .block_o(lock_block),
    .lock_o(lock)
  );

  hsi_descrambler u_descrambler (
    .clk_i,
    .rst_ni,
    .valid_i(lock_valid),
    .block_i(lock_block),
    .valid_o(desc_valid),
    .block_o(desc_block)
  );

  hsi_crc16_ctrl u_idle_crc (
    .data_i(48'(hsi_pkg::BlockTypeIdle)),
    .crc_o(idle_crc)
  );

  // The descrambler adds a cycle: lock_q is the lock of the block it shows.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lock_q <= 1'b0;
      lock_seen_q <= 1'b0;
    end else begin
      if (lock_valid) lock_q <= lock;
      if (desc_valid) lock_seen_q <= lock_q;
    end
  end

  always_comb begin
    blk_o = desc_valid && lock_q && desc_block != {idle_crc, 40'd0, hsi_pkg::BlockTypeIdle, hsi_pkg::SyncHeaderCtrl};
    valid_o = blk_o || (desc_valid && lock_q != lock_seen_q);
    lock_o = lock_q;
    hdr_o = desc_block[1:0];
    lo_o = desc_block[33:2];
    hi_o = desc_block[65:34];
  end
endmodule
