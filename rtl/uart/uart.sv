// Management UART for a shared wired-AND line (open drain, idle high): TX and RX FIFOs, a
// programmable 16x-oversampling divisor, parity and stop bits, sticky error flags and
// interrupts, all behind the generated APB register block (uart_desc.json: the register map and
// the Parity codes of uart_pkg).
// Bus discipline: carrier sense lets a burst start only after the line has been idle for one
// character time since the last character on it (its own queued characters still go back to
// back, unless another sender started in the last stop bit); two UARTs that start together
// arbitrate bit by bit on the wired AND (a 0 wins, as on CAN), the loser flags a collision and
// flushes its TX FIFO. A received character is this UART's own, and dropped, only if this UART
// drove its start bit, did not lose the bus in it and reads back the character it sent; every
// other one is pushed or flagged.
// LCR.P2P turns all of this off for separate TX and RX wires (full duplex). Interrupts for a
// sleeping firmware: RX and TX FIFO thresholds and an RX idle timeout (the end of a frame).
// Clock/reset: clk_i, asynchronous active-low rst_ni. Interfaces: apb_* (APB3 slave), uart_rx_i
// (the line), uart_tx_o (0 pulls the line low), irq_o.
`default_nettype none

module uart
  import uart_pkg::*;
#(
  parameter int unsigned FifoDepth = 16  // entries in each of the TX and RX FIFOs
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        apb_psel_i,
  input  wire logic        apb_penable_i,
  input  wire logic        apb_pwrite_i,
  input  wire logic [11:0] apb_paddr_i,
  input  wire logic [31:0] apb_pwdata_i,
  output      logic [31:0] apb_prdata_o,
  output      logic        apb_pready_o,
  output      logic        apb_pslverr_o,
  input  wire logic        uart_rx_i,
  output      logic        uart_tx_o,
  output      logic        irq_o
);
  localparam int unsigned LevelW = $clog2(FifoDepth + 1);

  if (FifoDepth < 16 || FifoDepth > 128) begin : gen_bad_depth
    $error("%m: FifoDepth must be 16..128 (DESIGN.md asks for at least 16; LEVEL has 8 bits)");
  end

  logic [7:0]  txdata_data, rxdata_data, rx_thr, tx_thr, timeout_chars;
  logic        txdata_we, rxdata_re;
  logic [15:0] divisor;
  logic [1:0]  lcr_parity;
  parity_e     parity;
  logic        has_parity;
  logic        stop2, loopback, p2p;
  logic        ev_overrun, ev_framing, ev_parity, ev_break, ev_collision, ev_rx_timeout;
  logic        ie_tx_empty, ie_rx_avail, ie_overrun, ie_framing, ie_parity, ie_break, ie_collision;
  logic        ie_rx_thresh, ie_tx_thresh, ie_rx_timeout;

  // Baud tick and the line input.
  logic [15:0] div_cnt_q, div_cnt_d;
  logic [1:0]  rx_sync_q;
  logic        tick, line;

  // FIFOs and engines.
  logic              txf_valid, txf_ready, txf_wready, rxf_valid, rxf_wready, rxf_push;
  logic [7:0]        txf_data, rxf_data;
  logic [LevelW-1:0] txf_level, rxf_level;
  logic              tx_line, tx_busy, tx_start_bit, tx_collision, rx_thresh, tx_thresh;
  logic              rx_start, rx_busy, rx_valid, rx_framing, rx_parity_err, rx_break;
  logic [7:0]        rx_data;

  // Carrier sense, echo suppression and the RX idle timeout.
  localparam int unsigned IdleW = 16;  // up to 255 characters of 12 bits of 16 ticks
  logic [IdleW-1:0] idle_cnt_q, idle_cnt_d, cs_ticks, timeout_ticks;
  logic [3:0]       char_bits;
  logic             own_last_q, own_last_d;  // the line is ours: the last character was
  logic             own_char_q, own_char_d;  // the character being received started as ours
  logic [7:0]       sent_q, sent_d;          // the character the transmitter took last
  logic             echo, foreign_end, timeout_hit;

  uart_reg_top u_regs (
    .clk_i,
    .rst_ni,
    .apb_psel_i,
    .apb_penable_i,
    .apb_pwrite_i,
    .apb_paddr_i,
    .apb_pwdata_i,
    .apb_prdata_o,
    .apb_pready_o,
    .apb_pslverr_o,
    .txdata_data_o          (txdata_data),
    .txdata_we_o            (txdata_we),
    .rxdata_data_i          (rxdata_data),
    .rxdata_valid_i         (rxf_valid),
    .rxdata_re_o            (rxdata_re),
    .div_divisor_o          (divisor),
    .lcr_parity_o           (lcr_parity),
    .lcr_stop2_o            (stop2),
    .lcr_loopback_o         (loopback),
    .lcr_p2p_o              (p2p),
    .status_tx_empty_i      (!txf_valid && !tx_busy),
    .status_tx_full_i       (!txf_wready),
    .status_rx_avail_i      (rxf_valid),
    .status_rx_full_i       (!rxf_wready),
    .status_tx_busy_i       (tx_busy),
    .status_rx_busy_i       (rx_busy),
    .status_rx_thresh_i     (rx_thresh),
    .status_tx_thresh_i     (tx_thresh),
    .events_overrun_set_i   (rx_valid && !echo && !rxf_wready),
    .events_overrun_o       (ev_overrun),
    .events_framing_set_i   (rxf_push && rx_framing),
    .events_framing_o       (ev_framing),
    .events_parity_set_i    (rxf_push && rx_parity_err),
    .events_parity_o        (ev_parity),
    .events_break_set_i     (rx_break),
    .events_break_o         (ev_break),
    .events_collision_set_i (tx_collision),
    .events_collision_o     (ev_collision),
    .events_rx_timeout_set_i (timeout_hit),
    .events_rx_timeout_o    (ev_rx_timeout),
    .ie_tx_empty_o          (ie_tx_empty),
    .ie_rx_avail_o          (ie_rx_avail),
    .ie_overrun_o           (ie_overrun),
    .ie_framing_o           (ie_framing),
    .ie_parity_o            (ie_parity),
    .ie_break_o             (ie_break),
    .ie_collision_o         (ie_collision),
    .ie_rx_thresh_o         (ie_rx_thresh),
    .ie_tx_thresh_o         (ie_tx_thresh),
    .ie_rx_timeout_o        (ie_rx_timeout),
    .level_tx_i             (8'(txf_level)),
    .level_rx_i             (8'(rxf_level)),
    .fifoctl_rxthr_o        (rx_thr),
    .fifoctl_txthr_o        (tx_thr),
    .timeout_chars_o        (timeout_chars)
  );

  assign parity     = parity_e'(lcr_parity);
  assign has_parity = parity inside {ParityEven, ParityOdd};

  // A divisor of 0 acts as 1, so a reset-time write of 0 cannot stop the tick.
  assign tick      = div_cnt_q + 16'd1 >= divisor;
  assign div_cnt_d = tick ? '0 : div_cnt_q + 16'd1;
  assign line      = loopback ? tx_line : rx_sync_q[1];
  assign uart_tx_o = loopback || tx_line;

  sync_fifo #(.Width(8), .Depth(FifoDepth)) u_tx_fifo (
    .clk_i,
    .rst_ni,
    .clr_i    (tx_collision),
    .wvalid_i (txdata_we),
    .wready_o (txf_wready),
    .wdata_i  (txdata_data),
    .rvalid_o (txf_valid),
    .rready_i (txf_ready),
    .rdata_o  (txf_data),
    .level_o  (txf_level)
  );

  uart_tx u_tx (
    .clk_i,
    .rst_ni,
    .tick_i      (tick),
    .parity_i    (parity),
    .stop2_i     (stop2),
    .valid_i     (txf_valid),
    .ready_o     (txf_ready),
    .data_i      (txf_data),
    .start_ok_i  (p2p || (line && ((own_last_q && !rx_busy) || idle_cnt_q >= cs_ticks))),
    .shared_i    (!p2p),
    .line_i      (line),
    .tx_o        (tx_line),
    .busy_o      (tx_busy),
    .start_bit_o (tx_start_bit),
    .collision_o (tx_collision)
  );

  uart_rx u_rx (
    .clk_i,
    .rst_ni,
    .tick_i       (tick),
    .parity_i     (parity),
    .rx_i         (line),
    .own_i        (own_char_q),
    .start_o      (rx_start),
    .busy_o       (rx_busy),
    .valid_o      (rx_valid),
    .data_o       (rx_data),
    .framing_o    (rx_framing),
    .parity_err_o (rx_parity_err),
    .break_o      (rx_break)
  );

  // Its own character read back unchanged is its echo, dropped (in loopback it is received).
  assign echo     = own_char_q && rx_data == sent_q && !loopback;
  assign rxf_push = rx_valid && !echo && rxf_wready;

  sync_fifo #(.Width(8), .Depth(FifoDepth)) u_rx_fifo (
    .clk_i,
    .rst_ni,
    .clr_i    (1'b0),
    .wvalid_i (rxf_push),
    .wready_o (rxf_wready),
    .wdata_i  (rx_data),
    .rvalid_o (rxf_valid),
    .rready_i (rxdata_re),
    .rdata_o  (rxf_data),
    .level_o  (rxf_level)
  );

  assign rxdata_data = rxf_valid ? rxf_data : 8'h00;
  assign rx_thresh   = rxf_valid && 8'(rxf_level) >= rx_thr;
  assign tx_thresh   = 8'(txf_level) <= tx_thr;

  // The line stops being ours once a character this UART did not start has ended; until then
  // the receiver is busy with it (its own characters always end before their last stop bit).
  assign foreign_end  = (rx_valid || rx_break) && !own_char_q;

  always_comb begin
    char_bits = 4'd10 + 4'(has_parity) + 4'(stop2);
    // Carrier sense: one character (start, 8 data, parity, stop bits) of idle line after the
    // end of the last one; the receiver stops being busy in the middle of the first stop bit,
    // so the count also covers the stop bits (a bit of ticks each) to start no earlier than that end.
    cs_ticks      = IdleW'(TicksPerBit * (32'(char_bits) + 1 + 32'(stop2)));
    timeout_ticks = IdleW'(TicksPerBit * 32'(char_bits) * 32'(timeout_chars));
    idle_cnt_d = idle_cnt_q;
    if (rx_busy || !line) idle_cnt_d = '0;
    else if (tick && idle_cnt_q != '1) idle_cnt_d = idle_cnt_q + 1'b1;
    // Once, as the idle line reaches the timeout (a received character restarts the count).
    timeout_hit = rxf_valid && timeout_chars != 8'd0
               && idle_cnt_q != idle_cnt_d && idle_cnt_d == timeout_ticks;
    own_last_d = own_last_q;
    if (txf_ready) own_last_d = 1'b1;
    if (tx_collision || foreign_end) own_last_d = 1'b0;
    sent_d     = txf_ready ? txf_data : sent_q;
    own_char_d = own_char_q;
    if (rx_start) own_char_d = tx_start_bit && !p2p;
    if (tx_collision) own_char_d = 1'b0;
  end

  assign irq_o = (ie_tx_empty && !txf_valid && !tx_busy) || (ie_rx_avail && rxf_valid)
              || (ie_overrun && ev_overrun) || (ie_framing && ev_framing) || (ie_parity && ev_parity)
              || (ie_break && ev_break) || (ie_collision && ev_collision)
              || (ie_rx_thresh && rx_thresh) || (ie_tx_thresh && tx_thresh)
              || (ie_rx_timeout && ev_rx_timeout);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      div_cnt_q  <= '0;
      rx_sync_q  <= 2'b11;
      idle_cnt_q <= '0;
      own_last_q <= 1'b0;
      own_char_q <= 1'b0;
      sent_q     <= '0;
    end else begin
      div_cnt_q  <= div_cnt_d;
      rx_sync_q  <= {rx_sync_q[0], uart_rx_i};
      idle_cnt_q <= idle_cnt_d;
      own_last_q <= own_last_d;
      own_char_q <= own_char_d;
      sent_q     <= sent_d;
    end
  end
endmodule
