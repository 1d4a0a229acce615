// UART receiver: 16x oversampling, each bit decided by a majority vote of ticks 6, 7 and 8
// counted from the tick the start bit was first seen. The start bit is seen up to a tick after
// its edge, so these ticks sit on the middle of the bit on average and the baud tolerance is the
// same for a fast and a slow sender. The character ends at the stop bit's decision (tick 8),
// and a low line on that very tick is already the next start bit, so a fast sender's back-to-
// back characters are not lost. For a character this UART sent itself (own_i) the stop bit is
// not checked (its transmitter drives it): from the stop bit's first tick, where the released
// line already shows through the synchronizer, a low line is another sender's start bit.
// After a framing error or a break it waits for an idle (high) line before hunting again, so a skewed or broken stream resynchronises instead of locking up.
// Clock/reset: clk_i, asynchronous active-low rst_ni.
`default_nettype none

module uart_rx
  import uart_pkg::*;
(
  input  wire logic       clk_i,
  input  wire logic       rst_ni,
  input  wire logic       tick_i,        // 16x oversampling tick
  input  wire parity_e    parity_i,      // LCR.PARITY (3 is none too)
  input  wire logic       rx_i,          // the line (synchronized)
  input  wire logic       own_i,         // the character being received is this UART's own
  output      logic       start_o,       // a start bit was seen
  output      logic       busy_o,        // inside a character
  output      logic       valid_o,       // a character was received (with its error flags)
  output      logic [7:0] data_o,
  output      logic       framing_o,     // with valid_o: the stop bit read 0
  output      logic       parity_err_o,  // with valid_o: the parity bit was wrong
  output      logic       break_o        // the line was low for a whole character (no valid_o)
);
  typedef enum logic [2:0] {StIdle, StStart, StData, StParity, StStop, StWaitIdle} state_e;

  // Ticks of a bit: the votes, and where an own character's stop bit stops being ours.
  localparam logic [3:0] VoteFirst = 4'd6, Decide = 4'd8;

  state_e      state_q, state_d;
  logic [3:0]  tick_cnt_q, tick_cnt_d;
  logic [2:0]  bit_cnt_q, bit_cnt_d;
  logic [7:0]  shift_q, shift_d;
  logic        par_bit_q, par_bit_d;     // the parity bit as received
  logic [1:0]  votes_q, votes_d;         // samples at ticks 6 and 7
  logic        vote, decide, bit_end, has_parity, next_start;

  assign has_parity = parity_i inside {ParityEven, ParityOdd};
  assign decide     = tick_i && tick_cnt_q == Decide;
  assign bit_end    = tick_i && tick_cnt_q == 4'd15;
  // Majority of the three middle samples.
  assign vote       = (votes_q[0] & votes_q[1]) | (votes_q[0] & rx_i) | (votes_q[1] & rx_i);
  assign busy_o     = state_q != StIdle && state_q != StWaitIdle;
  assign data_o     = shift_q;

  always_comb begin
    state_d      = state_q;
    tick_cnt_d   = tick_i ? tick_cnt_q + 4'd1 : tick_cnt_q;
    bit_cnt_d    = bit_cnt_q;
    shift_d      = shift_q;
    par_bit_d    = par_bit_q;
    votes_d      = votes_q;
    start_o      = 1'b0;
    valid_o      = 1'b0;
    framing_o    = 1'b0;
    parity_err_o = 1'b0;
    break_o      = 1'b0;
    next_start   = 1'b0;
    if (tick_i && (tick_cnt_q == VoteFirst || tick_cnt_q == VoteFirst + 4'd1)) votes_d = {votes_q[0], rx_i};
    unique case (state_q)
      StIdle: begin
        tick_cnt_d = '0;
        next_start = tick_i && !rx_i;
      end
      StStart: begin
        if (decide && vote) state_d = StIdle;  // a glitch, not a start bit
        if (bit_end) begin
          state_d   = StData;
          bit_cnt_d = '0;
        end
      end
      StData: begin
        if (decide) shift_d = {vote, shift_q[7:1]};
        if (bit_end) begin
          bit_cnt_d = bit_cnt_q + 3'd1;
          if (bit_cnt_q == 3'd7) state_d = has_parity ? StParity : StStop;
        end
      end
      StParity: begin
        if (decide) par_bit_d = vote;
        if (bit_end) state_d = StStop;
      end
      StStop: begin
        if (own_i) begin
          // Nothing of this character is left to read; its own stop bit reads high.
          if (tick_i && (!rx_i || tick_cnt_q == Decide)) begin
            valid_o    = 1'b1;
            state_d    = StIdle;
            next_start = !rx_i;
          end
        end else if (decide) begin
          state_d = StIdle;
          if (vote) begin
            valid_o    = 1'b1;
            next_start = !rx_i;
          end else if (shift_q == 8'h00 && !(has_parity && par_bit_q)) begin
            break_o = 1'b1;
            state_d = StWaitIdle;
          end else begin
            valid_o   = 1'b1;
            framing_o = 1'b1;
            state_d   = StWaitIdle;
          end
          parity_err_o = valid_o && has_parity && (^shift_q ^ par_bit_q ^ (parity_i == ParityOdd));
        end
      end
      StWaitIdle: begin
        tick_cnt_d = '0;
        if (tick_i && rx_i) state_d = StIdle;
      end
      default: state_d = StIdle;
    endcase
    if (next_start) begin
      start_o    = 1'b1;
      state_d    = StStart;
      tick_cnt_d = 4'd1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      tick_cnt_q <= '0;
      bit_cnt_q  <= '0;
      shift_q    <= '0;
      par_bit_q  <= 1'b0;
      votes_q    <= '0;
    end else begin
      state_q    <= state_d;
      tick_cnt_q <= tick_cnt_d;
      bit_cnt_q  <= bit_cnt_d;
      shift_q    <= shift_d;
      par_bit_q  <= par_bit_d;
      votes_q    <= votes_d;
    end
  end
endmodule
