// Sim-only: a foreign UART for the management UART's testbenches, written apart from rtl/uart
// so that it shares none of its choices: no carrier sense, no collision detection, no 16x tick.
// Its bit time is a fractional number of clock cycles (bit_time_i, 16.16 fixed point), so one
// build serves a sweep of baud skews. TX: bytes from a valid/ready port (tx_*), back to back,
// the fraction carried from bit to bit so a character lasts exactly its bits x bit_time_i.
// RX: a two-flop synchronizer, a start edge, then one sample in the middle of each bit of its
// own bit time; each character shows for one cycle on rx_valid_o (on a shared line it hears
// itself too). Reply: with reply_i, each character received without a framing error is
// answered with its complement, its start bit driven from the (reply_delay_i + 1)-th clock edge
// after rx_valid_o (a device answering a request), ahead of the tx_* port; but not its own echo
// (a character that began while it was sending and reads as what it sent).
// Clock/reset: clk_i, asynchronous active-low rst_ni. rx_i is the line as read, tx_o drives it
// (0 pulls it low). It shares the management UART's contract only: the parity codes of uart_pkg.
`default_nettype none

module uart_peer
  import uart_pkg::*;
(
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [31:0] bit_time_i,     // cycles per bit, 16.16 fixed point (at least 2.0)
  input  wire parity_e     parity_i,       // as LCR.PARITY
  input  wire logic        stop2_i,        // two stop bits
  input  wire logic        reply_i,        // answer each character received
  input  wire logic [15:0] reply_delay_i,  // cycles from rx_valid_o to the answer's start
  input  wire logic        tx_valid_i,
  output      logic        tx_ready_o,
  input  wire logic [7:0]  tx_data_i,
  output      logic        rx_valid_o,
  output      logic [7:0]  rx_data_o,
  output      logic        rx_framing_o,    // with rx_valid_o: the stop bit read 0
  output      logic        rx_parity_err_o, // with rx_valid_o
  input  wire logic        rx_i,
  output      logic        tx_o
);
  localparam logic [31:0] Cycle = 32'h1_0000;

  logic        has_parity;
  logic [3:0]  nbits;  // start, data, parity, stop bits
  assign has_parity = parity_i inside {ParityEven, ParityOdd};
  assign nbits      = 4'd10 + 4'(has_parity) + 4'(stop2_i);

  function automatic logic parity_of(logic [7:0] d, parity_e p);
    return ^d ^ (p == ParityOdd);
  endfunction

  // ---- transmitter ----
  logic [11:0] frame_q, frame_d;    // bits still to send, LSB first
  logic [3:0]  left_q, left_d;      // bits left, 0 = idle
  logic [31:0] tx_pos_q, tx_pos_d;  // time into the current bit
  logic        tx_q, tx_d;
  logic        bit_done, load, take_reply;
  logic [7:0]  load_data, sent_q, sent_d;  // sent: the last character taken for sending

  // ---- reply ----
  logic        reply_pending_q, reply_pending_d;
  logic [15:0] reply_wait_q, reply_wait_d;
  logic [7:0]  reply_data_q, reply_data_d;

  // ---- receiver ----
  typedef enum logic [1:0] {RxHunt, RxBits, RxWaitHigh} rx_state_e;
  rx_state_e   rx_state_q, rx_state_d;
  logic [1:0]  sync_q;
  logic [31:0] rx_pos_q, rx_pos_d, rx_next_q, rx_next_d;  // time since the start edge, next sample
  logic [3:0]  rx_cnt_q, rx_cnt_d;    // samples taken: start, data, parity, stop
  logic [7:0]  rx_data_q, rx_data_d;
  logic        rx_par_q, rx_par_d;
  logic        rx_own_q, rx_own_d;    // the character began while this peer was sending
  logic        line, sample;

  assign line = sync_q[1];

  always_comb begin
    bit_done   = left_q != 4'd0 && tx_pos_q + Cycle >= bit_time_i;
    take_reply = reply_pending_q && reply_wait_q == 16'd0;
    load       = (left_q == 4'd0 || (bit_done && left_q == 4'd1)) && (take_reply || tx_valid_i);
    tx_ready_o = (left_q == 4'd0 || (bit_done && left_q == 4'd1)) && !take_reply;
    load_data  = take_reply ? reply_data_q : tx_data_i;
    frame_d  = frame_q;
    left_d   = left_q;
    tx_pos_d = left_q == 4'd0 ? 32'd0 : tx_pos_q + Cycle;
    if (bit_done) begin
      tx_pos_d = tx_pos_q + Cycle - bit_time_i;
      frame_d  = frame_q >> 1;
      left_d   = left_q - 4'd1;
    end
    if (load) begin
      // Start bit, data, then the parity bit (if any) and the stop bits (ones).
      frame_d = {3'b111, load_data, 1'b0};
      if (has_parity) frame_d[9] = parity_of(load_data, parity_i);
      left_d  = nbits;
      if (left_q == 4'd0) tx_pos_d = 32'd0;
    end
    tx_d = left_d == 4'd0 ? 1'b1 : frame_d[0];

    reply_pending_d = reply_pending_q && !(take_reply && load);
    reply_wait_d    = reply_wait_q == 16'd0 ? 16'd0 : reply_wait_q - 16'd1;
    reply_data_d    = reply_data_q;
    sent_d = load ? load_data : sent_q;
    if (reply_i && rx_valid_o && !rx_framing_o && !(rx_own_q && rx_data_o == sent_q)) begin
      reply_pending_d = 1'b1;
      reply_wait_d    = reply_delay_i;
      reply_data_d    = ~rx_data_o;
    end
  end

  always_comb begin
    rx_state_d      = rx_state_q;
    rx_pos_d        = rx_pos_q + Cycle;
    rx_next_d       = rx_next_q;
    rx_cnt_d        = rx_cnt_q;
    rx_data_d       = rx_data_q;
    rx_par_d        = rx_par_q;
    rx_own_d        = rx_own_q;
    rx_valid_o      = 1'b0;
    rx_data_o       = rx_data_q;
    rx_framing_o    = !line;
    rx_parity_err_o = has_parity && rx_par_q != parity_of(rx_data_q, parity_i);
    sample          = rx_pos_q + Cycle >= rx_next_q;
    unique case (rx_state_q)
      RxHunt: if (!line) begin
        rx_state_d = RxBits;
        rx_pos_d   = 32'd0;
        rx_next_d  = bit_time_i >> 1;
        rx_cnt_d   = 4'd0;
        rx_own_d   = left_q != 4'd0;
      end
      RxBits: if (sample) begin
        rx_next_d = rx_next_q + bit_time_i;
        rx_cnt_d  = rx_cnt_q + 4'd1;
        if (rx_cnt_q == 4'd0 && line) rx_state_d = RxHunt;  // a glitch, not a start bit
        if (rx_cnt_q >= 4'd1 && rx_cnt_q <= 4'd8) rx_data_d = {line, rx_data_q[7:1]};
        if (rx_cnt_q == 4'd9 && has_parity) rx_par_d = line;
        if (rx_cnt_q == 4'd9 + 4'(has_parity)) begin  // the first stop bit
          rx_valid_o = 1'b1;
          rx_state_d = line ? RxHunt : RxWaitHigh;
        end
      end
      RxWaitHigh: if (line) rx_state_d = RxHunt;
      default: rx_state_d = RxHunt;
    endcase
  end

  assign tx_o = tx_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      frame_q         <= '1;
      left_q          <= '0;
      tx_pos_q        <= '0;
      tx_q            <= 1'b1;
      reply_pending_q <= 1'b0;
      reply_wait_q    <= '0;
      reply_data_q    <= '0;
      rx_state_q      <= RxHunt;
      sync_q          <= 2'b11;
      rx_pos_q        <= '0;
      rx_next_q       <= '0;
      rx_cnt_q        <= '0;
      rx_data_q       <= '0;
      rx_par_q        <= 1'b0;
      rx_own_q        <= 1'b0;
      sent_q          <= '0;
    end else begin
      frame_q         <= frame_d;
      left_q          <= left_d;
      tx_pos_q        <= tx_pos_d;
      tx_q            <= tx_d;
      reply_pending_q <= reply_pending_d;
      reply_wait_q    <= reply_wait_d;
      reply_data_q    <= reply_data_d;
      rx_state_q      <= rx_state_d;
      sync_q          <= {sync_q[0], rx_i};
      rx_pos_q        <= rx_pos_d;
      rx_next_q       <= rx_next_d;
      rx_cnt_q        <= rx_cnt_d;
      rx_data_q       <= rx_data_d;
      rx_par_q        <= rx_par_d;
      rx_own_q        <= rx_own_d;
      sent_q          <= sent_d;
    end
  end
endmodule
