// The descrambler of IEEE 802.3 clause 49 (49.2.10), G(x) = 1 + x^39 + x^58, over the 64-bit
// payload of a 66-bit block; the sync header passes as it is. Self-synchronizing: its state is
// the last 58 line bits, so from any state the output is right once 58 payload bits have
// passed (from the second block on), and a line bit error flips three output bits (at i, i + 39
// and i + 58).
// Clock/reset: clk_i, asynchronous active-low rst_ni. valid_i/block_i: a received, aligned
// block; valid_o/block_o: it descrambled, one cycle later. The state advances only on valid
// blocks.
`default_nettype none

module hsi_descrambler (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        valid_i,
  input  wire logic [65:0] block_i,
  output      logic        valid_o,
  output      logic [65:0] block_o
);
  // state_q[j] is the line bit received 58 - j bits before this block's bit 0.
  logic [57:0] state_q, state_d;
  logic [63:0] s, d;

  // d(i) = s(i) ^ s(i-39) ^ s(i-58), every term a line bit: one word-wide stage.
  always_comb begin
    s = block_i[65:2];
    d = s ^ {s[24:0], state_q[57:19]} ^ {s[5:0], state_q};
    state_d = valid_i ? s[63:6] : state_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= '0;
      valid_o <= 1'b0;
      block_o <= '0;
    end else begin
      state_q <= state_d;
      valid_o <= valid_i;
      block_o <= {d, block_i[1:0]};
    end
  end
endmodule
