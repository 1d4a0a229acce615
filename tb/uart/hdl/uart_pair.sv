// Sim-only: one management UART facing a foreign UART (tb/hdl/uart_peer.sv), either on one
// shared wired-AND line (two_wire_i = 0: both read the AND of both outputs) or on two wires
// (two_wire_i = 1: each reads the other's output, as an ordinary UART link). The UART's APB port
// is apb_*, its interrupt irq_o; the peer's settings and byte ports are peer_*; uart_line_o and
// peer_line_o are what each of them reads, for monitors.
`default_nettype none

module uart_pair
  import uart_pkg::*;
(
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
  output      logic        irq_o,
  input  wire logic        two_wire_i,
  input  wire logic [31:0] peer_bit_time_i,
  input  wire logic [1:0]  peer_parity_i,
  input  wire logic        peer_stop2_i,
  input  wire logic        peer_reply_i,
  input  wire logic [15:0] peer_reply_delay_i,
  input  wire logic        peer_tx_tvalid_i,
  output      logic        peer_tx_tready_o,
  input  wire logic [7:0]  peer_tx_tdata_i,
  output      logic        peer_rx_valid_o,
  output      logic [7:0]  peer_rx_data_o,
  output      logic        peer_rx_framing_o,
  output      logic        peer_rx_parity_err_o,
  output      logic        uart_line_o,
  output      logic        peer_line_o
);
  logic uart_tx, peer_tx;

  assign uart_line_o = two_wire_i ? peer_tx : uart_tx & peer_tx;
  assign peer_line_o = two_wire_i ? uart_tx : uart_tx & peer_tx;

  uart u_uart (
    .clk_i, .rst_ni,
    .apb_psel_i, .apb_penable_i, .apb_pwrite_i, .apb_paddr_i, .apb_pwdata_i,
    .apb_prdata_o, .apb_pready_o, .apb_pslverr_o,
    .uart_rx_i (uart_line_o), .uart_tx_o (uart_tx), .irq_o
  );

  uart_peer u_peer (
    .clk_i, .rst_ni,
    .bit_time_i      (peer_bit_time_i),
    .parity_i        (parity_e'(peer_parity_i)),
    .stop2_i         (peer_stop2_i),
    .reply_i         (peer_reply_i),
    .reply_delay_i   (peer_reply_delay_i),
    .tx_valid_i      (peer_tx_tvalid_i),
    .tx_ready_o      (peer_tx_tready_o),
    .tx_data_i       (peer_tx_tdata_i),
    .rx_valid_o      (peer_rx_valid_o),
    .rx_data_o       (peer_rx_data_o),
    .rx_framing_o    (peer_rx_framing_o),
    .rx_parity_err_o (peer_rx_parity_err_o),
    .rx_i            (peer_line_o),
    .tx_o            (peer_tx)
  );
endmodule
