// UART transmitter for a wired-AND line: start bit, 8 data bits LSB first, optional parity,
// 1 or 2 stop bits, 16 ticks of the 16x-oversampling tick per bit. It reads the line back in the
// middle of every bit it drives high: a 0 there means another sender won the bus (a collision),
// so it releases the line at once and abandons the character. Its own queued characters go back
// to back; a new burst starts only when carrier sense allows it (start_ok_i).
// Clock/reset: clk_i, asynchronous active-low rst_ni.
`default_nettype none

module uart_tx (
  input  wire logic       clk_i,
  input  wire logic       rst_ni,
  input  wire logic       tick_i,       // 16x oversampling tick
  input  wire logic [1:0] parity_i,     // 0 none, 1 even, 2 odd, 3 none
  input  wire logic       stop2_i,      // two stop bits
  input  wire logic       valid_i,      // a character is queued
  output      logic       ready_o,      // takes data_i (a FIFO pop)
  input  wire logic [7:0] data_i,
  input  wire logic       start_ok_i,   // carrier sense: the line may be taken
  input  wire logic       line_i,       // the line as read back (synchronized)
  output      logic       tx_o,         // 0 pulls the line low, 1 releases it
  output      logic       busy_o,       // inside a character
  output      logic       done_o,       // a character completed without a collision
  output      logic       collision_o   // read 0 while driving 1: the character is abandoned
);
  typedef enum logic [2:0] {StIdle, StStart, StData, StParity, StStop} state_e;

  state_e      state_q, state_d;
  logic [3:0]  tick_cnt_q, tick_cnt_d;  // ticks into the current bit
  logic [2:0]  bit_cnt_q, bit_cnt_d;    // data bit, or stop bit, being sent
  logic [7:0]  shift_q, shift_d;
  logic        par_q, par_d;            // the parity bit to send
  logic        tx_q, tx_d;              // registered so the line never sees a glitch
  logic        bit_end, mid_bit, driven_high;

  assign bit_end     = tick_i && tick_cnt_q == 4'd15;
  assign mid_bit     = tick_i && tick_cnt_q == 4'd8;
  assign driven_high = state_q != StIdle && state_q != StStart && tx_q;
  assign busy_o      = state_q != StIdle;
  assign tx_o        = tx_q;

  always_comb begin
    state_d     = state_q;
    tick_cnt_d  = tick_i ? tick_cnt_q + 4'd1 : tick_cnt_q;
    bit_cnt_d   = bit_cnt_q;
    shift_d     = shift_q;
    par_d       = par_q;
    ready_o     = 1'b0;
    done_o      = 1'b0;
    collision_o = 1'b0;
    if (mid_bit && driven_high && !line_i) begin
      collision_o = 1'b1;
      state_d     = StIdle;
    end else if (state_q == StIdle) begin
      tick_cnt_d = '0;
    end else if (bit_end) begin
      bit_cnt_d = bit_cnt_q + 3'd1;
      unique case (state_q)
        StStart: begin
          state_d   = StData;
          bit_cnt_d = '0;
        end
        StData: begin
          // bit_cnt wraps from 7 to 0, ready to count stop bits.
          shift_d = shift_q >> 1;
          if (bit_cnt_q == 3'd7) state_d = (parity_i == 2'd1 || parity_i == 2'd2) ? StParity : StStop;
        end
        StParity: begin
          state_d   = StStop;
          bit_cnt_d = '0;
        end
        StStop: begin
          if (bit_cnt_q == {2'b0, stop2_i}) begin
            done_o  = 1'b1;
            state_d = StIdle;
          end
        end
        default: state_d = StIdle;
      endcase
    end
    // A character starts on a tick: from idle when carrier sense allows, or straight after
    // the last stop bit of the previous one.
    if ((state_q == StIdle && tick_i && start_ok_i) || done_o) begin
      if (valid_i) begin
        ready_o    = 1'b1;
        state_d    = StStart;
        tick_cnt_d = '0;
        shift_d    = data_i;
        par_d      = ^data_i ^ (parity_i == 2'd2);
      end
    end
  end

  always_comb begin
    unique case (state_d)
      StStart:  tx_d = 1'b0;
      StData:   tx_d = shift_d[0];
      StParity: tx_d = par_d;
      default:  tx_d = 1'b1;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      tick_cnt_q <= '0;
      bit_cnt_q  <= '0;
      shift_q    <= '0;
      par_q      <= 1'b0;
      tx_q       <= 1'b1;
    end else begin
      state_q    <= state_d;
      tick_cnt_q <= tick_cnt_d;
      bit_cnt_q  <= bit_cnt_d;
      shift_q    <= shift_d;
      par_q      <= par_d;
      tx_q       <= tx_d;
    end
  end
endmodule
