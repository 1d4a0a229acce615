// Sim-only: three management UARTs on one wired-AND line, as the cells share it, plus an
// open-drain injector for a test's serial source (inject_i, 1 = released) and the line itself
// for monitors. Each UART has its own APB port apb<i>_* and interrupt irq<i>_o.
`default_nettype none

module uart_bus (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        apb0_psel_i,
  input  wire logic        apb0_penable_i,
  input  wire logic        apb0_pwrite_i,
  input  wire logic [11:0] apb0_paddr_i,
  input  wire logic [31:0] apb0_pwdata_i,
  output      logic [31:0] apb0_prdata_o,
  output      logic        apb0_pready_o,
  output      logic        apb0_pslverr_o,
  input  wire logic        apb1_psel_i,
  input  wire logic        apb1_penable_i,
  input  wire logic        apb1_pwrite_i,
  input  wire logic [11:0] apb1_paddr_i,
  input  wire logic [31:0] apb1_pwdata_i,
  output      logic [31:0] apb1_prdata_o,
  output      logic        apb1_pready_o,
  output      logic        apb1_pslverr_o,
  input  wire logic        apb2_psel_i,
  input  wire logic        apb2_penable_i,
  input  wire logic        apb2_pwrite_i,
  input  wire logic [11:0] apb2_paddr_i,
  input  wire logic [31:0] apb2_pwdata_i,
  output      logic [31:0] apb2_prdata_o,
  output      logic        apb2_pready_o,
  output      logic        apb2_pslverr_o,
  input  wire logic        inject_i,
  output      logic        line_o,
  output      logic [2:0]  tx_o,
  output      logic [2:0]  irq_o
);
  assign line_o = &tx_o & inject_i;

  uart u_uart0 (
    .clk_i, .rst_ni,
    .apb_psel_i (apb0_psel_i), .apb_penable_i (apb0_penable_i), .apb_pwrite_i (apb0_pwrite_i),
    .apb_paddr_i (apb0_paddr_i), .apb_pwdata_i (apb0_pwdata_i), .apb_prdata_o (apb0_prdata_o),
    .apb_pready_o (apb0_pready_o), .apb_pslverr_o (apb0_pslverr_o),
    .uart_rx_i (line_o), .uart_tx_o (tx_o[0]), .irq_o (irq_o[0])
  );
  uart u_uart1 (
    .clk_i, .rst_ni,
    .apb_psel_i (apb1_psel_i), .apb_penable_i (apb1_penable_i), .apb_pwrite_i (apb1_pwrite_i),
    .apb_paddr_i (apb1_paddr_i), .apb_pwdata_i (apb1_pwdata_i), .apb_prdata_o (apb1_prdata_o),
    .apb_pready_o (apb1_pready_o), .apb_pslverr_o (apb1_pslverr_o),
    .uart_rx_i (line_o), .uart_tx_o (tx_o[1]), .irq_o (irq_o[1])
  );
  uart u_uart2 (
    .clk_i, .rst_ni,
    .apb_psel_i (apb2_psel_i), .apb_penable_i (apb2_penable_i), .apb_pwrite_i (apb2_pwrite_i),
    .apb_paddr_i (apb2_paddr_i), .apb_pwdata_i (apb2_pwdata_i), .apb_prdata_o (apb2_prdata_o),
    .apb_pready_o (apb2_pready_o), .apb_pslverr_o (apb2_pslverr_o),
    .uart_rx_i (line_o), .uart_tx_o (tx_o[2]), .irq_o (irq_o[2])
  );
endmodule
