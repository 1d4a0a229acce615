// UART transmitter for a wired-AND line: start bit, 8 data bits LSB first, optional parity,
// 1 or 2 stop bits, 16 ticks of the 16x-oversampling tick per bit. On a shared line it reads the
// line back in the middle of every data or parity bit it drives high: a 0 there means another
// sender won the bus (a collision), so it releases the line at once and abandons the character.
// The stop bits carry no data: it reads the line back once, as soon as its release shows through
// the synchronizer; a 0 then is another sender overlapping this character (a collision), a 0
// later in the stop bits is another sender's start bit (an answer), which is not.
// A character starts only when carrier sense allows it (start_ok_i), straight after the last
// stop bit of the previous one when the line is still this UART's.
// Clock/reset: clk_i, asynchronous active-low rst_ni.
`default_nettype none

module uart_tx
  import uart_pkg::*;
(
  input  wire logic       clk_i,
  input  wire logic       rst_ni,
  input  wire logic       tick_i,       // 16x oversampling tick
  input  wire parity_e    parity_i,     // LCR.PARITY (3 is none too)
  input  wire logic       stop2_i,      // two stop bits
  input  wire logic       valid_i,      // a character is queued
  output      logic       ready_o,      // takes data_i (a FIFO pop)
  input  wire logic [7:0] data_i,
  input  wire logic       start_ok_i,   // carrier sense: the line may be taken
  input  wire logic       shared_i,     // a shared line: read back for collisions
  input  wire logic       line_i,       // the line as read back (synchronized)
  output      logic       tx_o,         // 0 pulls the line low, 1 releases it
  output      logic       busy_o,       // inside a character
  output      logic       start_bit_o,  // driving a start bit
  output      logic       collision_o   // read 0 while driving 1: the character is abandoned
);
  typedef enum logic [2:0] {StIdle, StStart, StData, StParity, StStop} state_e;

  state_e      state_q, state_d;
  logic [3:0]  tick_cnt_q, tick_cnt_d;  // ticks into the current bit
  logic [2:0]  bit_cnt_q, bit_cnt_d;    // data bit, or stop bit, being sent
  logic [7:0]  shift_q, shift_d;
  logic        par_q, par_d;            // the parity bit to send
  logic        tx_q, tx_d;              // registered so the line never sees a glitch
  logic        bit_end, mid_bit, driven_high, done;  // done: the last stop bit ends
  // Cycles from the stop bit's release to its read-back: the output flop and two synchronizer flops.
  localparam logic [1:0] ReleaseCycles = 2'd3;
  logic [1:0]  release_q, release_d;    // counts down to 1, the read-back of the release
  logic        released;

  assign bit_end     = tick_i && tick_cnt_q == 4'd15;
  assign mid_bit     = tick_i && tick_cnt_q == 4'd8;
  assign driven_high = (state_q == StData || state_q == StParity) && tx_q;
  assign released    = release_q == 2'd1;
  assign busy_o      = state_q != StIdle;
  assign start_bit_o = state_q == StStart;
  assign tx_o        = tx_q;

  always_comb begin
    state_d     = state_q;
    tick_cnt_d  = tick_i ? tick_cnt_q + 4'd1 : tick_cnt_q;
    bit_cnt_d   = bit_cnt_q;
    shift_d     = shift_q;
    par_d       = par_q;
    ready_o     = 1'b0;
    done        = 1'b0;
    collision_o = 1'b0;
    release_d   = release_q - 2'(release_q != 2'd0);
    if (shared_i && ((mid_bit && driven_high) || released) && !line_i) begin
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
          if (bit_cnt_q == 3'd7) begin
            if (parity_i inside {ParityEven, ParityOdd}) begin
              state_d = StParity;
            end else begin
              state_d   = StStop;
              release_d = ReleaseCycles;
            end
          end
        end
        StParity: begin
          state_d   = StStop;
          bit_cnt_d = '0;
          release_d = ReleaseCycles;
        end
        StStop: begin
          if (bit_cnt_q == {2'b0, stop2_i}) begin
            done    = 1'b1;
            state_d = StIdle;
          end
        end
        default: state_d = StIdle;
      endcase
    end
    // A character starts on a tick: from idle, or straight after the last stop bit of the
    // previous one.
    if (((state_q == StIdle && tick_i) || done) && start_ok_i) begin
      if (valid_i) begin
        ready_o    = 1'b1;
        state_d    = StStart;
        tick_cnt_d = '0;
        shift_d    = data_i;
        par_d      = ^data_i ^ (parity_i == ParityOdd);
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
      release_q  <= '0;
    end else begin
      state_q    <= state_d;
      tick_cnt_q <= tick_cnt_d;
      bit_cnt_q  <= bit_cnt_d;
      shift_q    <= shift_d;
      par_q      <= par_d;
      tx_q       <= tx_d;
      release_q  <= release_d;
    end
  end
endmodule
