// Cell control (rtl/cell/README.md, cell_ctrl_desc.json): the path enable per vc, the HSI link's
// state, ACTIVE_VERSION, CELL_ID and the cell's interrupt. The link's up and down levels become
// events on their rising edges (IRQ_STATUS.LINK_UP, LINK_DOWN); the UART's and the flash
// controller's interrupts are levels cleared at those blocks; the DMA's and the checker's are
// events. irq_o is the OR of IRQ_STATUS & IRQ_ENABLE.
// Clock/reset: clk_i, asynchronous active-low rst_ni. apb_*: the block's 256-byte window.
`default_nettype none

module cell_ctrl (
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
  input  wire logic [3:0]  cell_id_i,
  input  wire logic        link_up_i,
  input  wire logic        link_down_i,
  input  wire logic        uart_irq_i,
  input  wire logic        flash_irq_i,
  input  wire logic        dma_tx_done_i,
  input  wire logic        dma_rx_done_i,
  input  wire logic        dma_error_i,
  input  wire logic        check_done_i,
  output      logic        path_vc0_o,
  output      logic        path_vc1_o,
  output      logic        irq_o
);
  logic       up_q, down_q;
  logic [7:0] status, enable;
  // ACTIVE_VERSION is the firmware's record of what the cell runs: no hardware reads it.
  logic [31:0] active_version;
  logic        unused_version;
  assign unused_version = ^active_version;

  cell_ctrl_reg_top u_regs (
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
    .path_en_vc0_o                (path_vc0_o),
    .path_en_vc1_o                (path_vc1_o),
    .link_up_i,
    .link_down_i,
    .active_version_version_o     (active_version),
    .irq_status_uart_i            (uart_irq_i),
    .irq_status_flash_i           (flash_irq_i),
    .irq_status_dma_tx_done_set_i (dma_tx_done_i),
    .irq_status_dma_tx_done_o     (status[2]),
    .irq_status_dma_rx_done_set_i (dma_rx_done_i),
    .irq_status_dma_rx_done_o     (status[3]),
    .irq_status_dma_error_set_i   (dma_error_i),
    .irq_status_dma_error_o       (status[4]),
    .irq_status_check_done_set_i  (check_done_i),
    .irq_status_check_done_o      (status[5]),
    .irq_status_link_down_set_i   (link_down_i && !down_q),
    .irq_status_link_down_o       (status[6]),
    .irq_status_link_up_set_i     (link_up_i && !up_q),
    .irq_status_link_up_o         (status[7]),
    .irq_enable_uart_o            (enable[0]),
    .irq_enable_flash_o           (enable[1]),
    .irq_enable_dma_tx_done_o     (enable[2]),
    .irq_enable_dma_rx_done_o     (enable[3]),
    .irq_enable_dma_error_o       (enable[4]),
    .irq_enable_check_done_o      (enable[5]),
    .irq_enable_link_down_o       (enable[6]),
    .irq_enable_link_up_o         (enable[7]),
    .cell_id_id_i                 (cell_id_i)
  );

  assign status[1:0] = {flash_irq_i, uart_irq_i};
  assign irq_o = |(status & enable);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      up_q   <= 1'b0;
      down_q <= 1'b0;
    end else begin
      up_q   <= link_up_i;
      down_q <= link_down_i;
    end
  end
endmodule
