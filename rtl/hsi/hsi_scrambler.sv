// The self-synchronizing scrambler of IEEE 802.3 clause 49 (49.2.6), G(x) = 1 + x^39 + x^58,
// over the 64-bit payload of a 66-bit block, bit 0 first; the sync header passes unscrambled.
// One block per cycle, as a parallel network.
// Clock/reset: clk_i, asynchronous active-low rst_ni. valid_i/block_i: a block to send (header
// [1:0], payload [65:2]); valid_o/block_o: the same block scrambled, one cycle later. The state
// advances only on valid blocks.
`default_nettype none

module hsi_scrambler #(
  parameter logic [57:0] ResetState = '1  // any nonzero state: from zero, zero payloads would stay zero on the lane
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        valid_i,
  input  wire logic [65:0] block_i,
  output      logic        valid_o,
  output      logic [65:0] block_o
);
  if (ResetState == '0) begin : g_bad_state
    $error("hsi_scrambler %m: ResetState must be nonzero");
  end

  // state_q[j] is the scrambled bit sent 58 - j bits before this block's bit 0:
  // state_q[0] = s(-58), state_q[57] = s(-1).
  logic [57:0] state_q, state_d;
  logic [63:0] d, s;

  // s(i) = d(i) ^ s(i-39) ^ s(i-58). Bits 0..38 take both taps from the state; bits 39..63 take
  // s(i-39) from bits 0..24 of this block (and s(i-58) from its bits 0..5 for i >= 58), so the
  // network is two word-wide stages instead of a 64-step chain.
  always_comb begin
    d = block_i[65:2];
    s[38:0] = d[38:0] ^ state_q[57:19] ^ state_q[38:0];
    s[63:39] = d[63:39] ^ s[24:0] ^ {s[5:0], state_q[57:39]};
    state_d = valid_i ? s[63:6] : state_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= ResetState;
      valid_o <= 1'b0;
      block_o <= '0;
    end else begin
      state_q <= state_d;
      valid_o <= valid_i;
      block_o <= {s, block_i[1:0]};
    end
  end
endmodule
