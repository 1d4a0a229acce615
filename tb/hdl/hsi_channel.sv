// Sim-only: one HSI lane with fault injection, between a transmitter's 66-bit blocks (one every
// cycle) and a receiver. Seeded and deterministic; tb/hsi/hsi_channel.ts is its model, bit for
// bit, and explains the rate encodings.
// - Bit flips at a programmable rate: a geometric gap counter (the error-free bits before the
//   next flip), drawn from a 64-bit xorshift generator only when a flip happens, so the cost is
//   per flip, not per bit, and a BER of 1e-9 costs nothing. gap = floor(-log2(u / 2^64) / ber_i)
//   with u uniform in 1..2^64-1 and ber_i = -log2(1 - BER) in 16.48 fixed point gives
//   P(gap >= g) = (1 - BER)^g exactly as a real-valued draw would, up to 48-bit rounding.
// - Drops: the block is removed; the receiver gets the next block in its slot (one cycle early)
//   and then a cycle without a block (valid_o low), so the fixed latency is kept.
// - Slips: the lane's bit stream is delayed by one more bit (a bit is repeated), so block
//   boundaries move one bit later and block lock has to hunt; after 65 slips the 66th takes the
//   delay back by 65 bits, which is one bit later modulo the block too.
// - Latency: Latency cycles (plus the slip offset in bits).
// - Cut: while cut_i is high the receiver sees all-zero blocks (invalid sync headers).
// Drops and slips come from drop_i/slip_i or at random per block (a second generator); each
// takes effect on the block the receiver gets in the next cycle. A drop asked for in the cycle
// that shows an early block is ignored (the next cycle is the gap).
// Clock/reset: clk_i, asynchronous active-low rst_ni; the generators start from seed_i in the
// first cycle after reset.
`default_nettype none

module hsi_channel #(
  parameter int unsigned Latency = 2  // cycles from lane_i to lane_o at slip offset 0; at least 2
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [65:0] lane_i,
  input  wire logic [31:0] seed_i,
  input  wire logic [63:0] ber_i,        // -log2(1 - BER) * 2^48; 0: no flips
  input  wire logic [31:0] drop_rate_i,  // probability of a drop per block * 2^32
  input  wire logic [31:0] slip_rate_i,  // probability of a slip per block * 2^32
  input  wire logic        drop_i,
  input  wire logic        slip_i,
  input  wire logic        cut_i,
  output      logic        valid_o,
  output      logic [65:0] lane_o,
  output      logic [63:0] flips_o,      // bits flipped so far
  output      logic [31:0] drops_o,      // blocks dropped so far
  output      logic [31:0] slips_o       // slips so far
);
  if (Latency < 2) begin : g_bad_latency
    $error("hsi_channel %m: Latency must be at least 2 (a drop shows the block one stage earlier)");
  end

  localparam int unsigned FracBits = 48;

  function automatic logic [63:0] xorshift64(logic [63:0] x);
    logic [63:0] y = x ^ (x << 13);
    y = y ^ (y >> 7);
    return y ^ (y << 17);
  endfunction

  // Seeds differ per generator; an odd multiplier keeps them nonzero, as xorshift needs.
  function automatic logic [63:0] seed_state(logic [31:0] seed, logic [63:0] mult);
    return ({32'd0, seed} + 64'd1) * mult;
  endfunction

  // floor(-log2(u / 2^64) * 2^48 / rate): log2 by repeated squaring of the normalised mantissa.
  function automatic logic [63:0] geometric_gap(logic [63:0] u, logic [63:0] rate);
    logic [63:0] m = u;
    logic [6:0] lz = 7'd0;
    logic [FracBits-1:0] frac = '0;
    logic [64:0] sq;  // m * m in 2.63: the squared mantissa, truncated
    while (!m[63]) begin
      m = m << 1;
      lz = lz + 7'd1;
    end
    for (int i = 0; i < FracBits; i++) begin
      sq = 65'(({64'd0, m} * {64'd0, m}) >> 63);
      frac = {frac[FracBits-2:0], sq[64]};
      m = sq[64] ? sq[64:1] : sq[63:0];
    end
    return (((({57'd0, lz} + 64'd1) << FracBits) - {16'd0, frac})) / rate;
  endfunction

  logic [63:0] flip_rng_q, flip_rng_d, ev_rng_q, ev_rng_d, gap_q, gap_d, pos;
  logic        armed_q, armed_d;
  logic [65:0] mask;
  logic [65:0] dly_q[Latency+1];  // dly_q[i]: the block that entered i + 1 cycles ago
  logic [6:0]  offset_q, offset_d;
  logic        drop_q, drop_d, hole_q, cut_q, slip_ev, drop_ev;
  logic [131:0] win;

  // Flips of this cycle's block: from the gap left over, each flip draws the next gap.
  always_comb begin
    flip_rng_d = flip_rng_q == '0 ? seed_state(seed_i, 64'h9e3779b97f4a7c15) : flip_rng_q;
    mask = '0;
    gap_d = gap_q;
    armed_d = ber_i != '0;
    if (ber_i != '0) begin
      pos = gap_q;
      if (!armed_q) begin
        flip_rng_d = xorshift64(flip_rng_d);
        pos = geometric_gap(flip_rng_d, ber_i);
      end
      while (pos < 64'd66) begin
        mask[pos[6:0]] = 1'b1;
        flip_rng_d = xorshift64(flip_rng_d);
        pos = pos + 64'd1 + geometric_gap(flip_rng_d, ber_i);
      end
      gap_d = pos - 64'd66;
    end else begin
      pos = '0;
    end
  end

  always_comb begin
    ev_rng_d = xorshift64(ev_rng_q == '0 ? seed_state(seed_i, 64'hd1b54a32d192ed03) : ev_rng_q);
    drop_ev = drop_i || ev_rng_d[31:0] < drop_rate_i;
    slip_ev = slip_i || ev_rng_d[63:32] < slip_rate_i;
    drop_d = drop_ev && !drop_q;
    offset_d = !slip_ev ? offset_q : offset_q == 7'd65 ? 7'd0 : offset_q + 7'd1;
    // The normal window ends with the block Latency cycles old; a drop's starts one later.
    win = drop_q ? {dly_q[Latency-2], dly_q[Latency-1]} : {dly_q[Latency-1], dly_q[Latency]};
  end

  assign valid_o = !hole_q;
  assign lane_o = cut_q ? '0 : 66'(win >> (7'd66 - offset_q));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      flip_rng_q <= '0;
      ev_rng_q <= '0;
      gap_q <= '0;
      armed_q <= 1'b0;
      for (int i = 0; i <= Latency; i++) dly_q[i] <= '0;
      offset_q <= '0;
      drop_q <= 1'b0;
      hole_q <= 1'b0;
      cut_q <= 1'b0;
      flips_o <= '0;
      drops_o <= '0;
      slips_o <= '0;
    end else begin
      flip_rng_q <= flip_rng_d;
      ev_rng_q <= ev_rng_d;
      gap_q <= gap_d;
      armed_q <= armed_d;
      dly_q[0] <= lane_i ^ mask;
      for (int i = 1; i <= Latency; i++) dly_q[i] <= dly_q[i-1];
      offset_q <= offset_d;
      drop_q <= drop_d;
      hole_q <= drop_q;
      cut_q <= cut_i;
      flips_o <= flips_o + 64'($countones(mask));
      drops_o <= drops_o + 32'(drop_d);
      slips_o <= slips_o + 32'(slip_ev);
    end
  end
endmodule
