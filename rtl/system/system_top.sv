// The cellular system (DESIGN.md section 1): Cells cells, each with its management UART on one
// shared wired-AND management line, and each cell's HSI link joined to its own port of the
// crossbar hsi_xbar. The backplane's lanes leave the top, so the board joins each cell to its
// crossbar port (the sim top tb/system/hdl/system_tb.sv does it through fault channels), and so
// do each cell's flash pins (the part sits beside the FPGA). Every per-cell interface is a packed
// array indexed by cell.
// Clock/reset: one clk_i for the system; rst_ni resets everything, cell_rst_ni[i] cell i alone
// (a reset or a power cycle of one cell). line_i: a further driver of the management line (idle
// 1); line_o: the line as every UART sees it.
`default_nettype none

module system_top #(
  parameter int unsigned Cells = 4,                                      // cells, 2..16
  parameter int unsigned ImageRegionBytes = cell_pkg::ImageRegionBytes,  // each cell's image region
  parameter int unsigned FlashBytes = 1 << 24,                           // each cell's SPI NOR part
  parameter int unsigned ReplayTimeout = 1024,                           // every HSI link's replay timer
  parameter int unsigned QueueFrames = 4                                 // the crossbar's frames per output queue and vc
) (
  input  wire logic                   clk_i,
  input  wire logic                   rst_ni,
  input  wire logic [Cells-1:0]       cell_rst_ni,
  // each cell's CSR bus (its management processor) and interrupt
  input  wire logic [Cells-1:0]       apb_psel_i,
  input  wire logic [Cells-1:0]       apb_penable_i,
  input  wire logic [Cells-1:0]       apb_pwrite_i,
  input  wire logic [Cells-1:0][11:0] apb_paddr_i,
  input  wire logic [Cells-1:0][31:0] apb_pwdata_i,
  output      logic [Cells-1:0][31:0] apb_prdata_o,
  output      logic [Cells-1:0]       apb_pready_o,
  output      logic [Cells-1:0]       apb_pslverr_o,
  output      logic [Cells-1:0]       irq_o,
  // each cell's flash part
  output      logic [Cells-1:0]       spi_cs_no,
  output      logic [Cells-1:0]       spi_sclk_o,
  output      logic [Cells-1:0]       spi_mosi_o,
  input  wire logic [Cells-1:0]       spi_miso_i,
  // each cell's host side: normal (vc 0) traffic
  input  wire logic [Cells-1:0][63:0] s_axis_vc0_tdata_i,
  input  wire logic [Cells-1:0][7:0]  s_axis_vc0_tkeep_i,
  input  wire logic [Cells-1:0]       s_axis_vc0_tlast_i,
  input  wire logic [Cells-1:0][7:0]  s_axis_vc0_tdest_i,
  input  wire logic [Cells-1:0]       s_axis_vc0_tvalid_i,
  output      logic [Cells-1:0]       s_axis_vc0_tready_o,
  output      logic [Cells-1:0][63:0] m_axis_vc0_tdata_o,
  output      logic [Cells-1:0][7:0]  m_axis_vc0_tkeep_o,
  output      logic [Cells-1:0]       m_axis_vc0_tlast_o,
  output      logic [Cells-1:0][7:0]  m_axis_vc0_tdest_o,
  output      logic [Cells-1:0][7:0]  m_axis_vc0_tid_o,
  output      logic [Cells-1:0]       m_axis_vc0_tvalid_o,
  input  wire logic [Cells-1:0]       m_axis_vc0_tready_i,
  // the backplane: cell i's lane pair and crossbar port i's
  output      logic [Cells-1:0][65:0] cell_tx_lane_o,
  input  wire logic [Cells-1:0][65:0] cell_rx_lane_i,
  input  wire logic [Cells-1:0]       cell_rx_valid_i,
  output      logic [Cells-1:0][65:0] xbar_tx_lane_o,
  input  wire logic [Cells-1:0][65:0] xbar_rx_lane_i,
  input  wire logic [Cells-1:0]       xbar_rx_valid_i,
  // the crossbar's CSRs
  input  wire logic                   xbar_apb_psel_i,
  input  wire logic                   xbar_apb_penable_i,
  input  wire logic                   xbar_apb_pwrite_i,
  input  wire logic [12:0]            xbar_apb_paddr_i,
  input  wire logic [31:0]            xbar_apb_pwdata_i,
  output      logic [31:0]            xbar_apb_prdata_o,
  output      logic                   xbar_apb_pready_o,
  output      logic                   xbar_apb_pslverr_o,
  output      logic [Cells-1:0]       xbar_link_up_o,
  output      logic [Cells-1:0]       xbar_link_down_o,
  output      logic [Cells-1:0]       xbar_irq_o,
  // the management line
  input  wire logic                   line_i,
  output      logic                   line_o
);
  if (Cells < 2 || Cells > cell_pkg::MaxCells) begin : g_bad_cells
    $error("system_top %m: Cells must be 2..%0d", cell_pkg::MaxCells);
  end

  logic [Cells-1:0] uart_tx;

  // Wired AND: a UART in reset or idle holds its output high.
  assign line_o = line_i && &uart_tx;

  for (genvar i = 0; i < Cells; i++) begin : g_cell
    cell_top #(
      .ImageRegionBytes(ImageRegionBytes),
      .FlashBytes      (FlashBytes),
      .ReplayTimeout   (ReplayTimeout)
    ) u_cell (
      .clk_i,
      .rst_ni             (rst_ni && cell_rst_ni[i]),
      .cell_id_i          (4'(i)),
      .apb_psel_i         (apb_psel_i[i]),
      .apb_penable_i      (apb_penable_i[i]),
      .apb_pwrite_i       (apb_pwrite_i[i]),
      .apb_paddr_i        (apb_paddr_i[i]),
      .apb_pwdata_i       (apb_pwdata_i[i]),
      .apb_prdata_o       (apb_prdata_o[i]),
      .apb_pready_o       (apb_pready_o[i]),
      .apb_pslverr_o      (apb_pslverr_o[i]),
      .irq_o              (irq_o[i]),
      .uart_rx_i          (line_o),
      .uart_tx_o          (uart_tx[i]),
      .spi_cs_no          (spi_cs_no[i]),
      .spi_sclk_o         (spi_sclk_o[i]),
      .spi_mosi_o         (spi_mosi_o[i]),
      .spi_miso_i         (spi_miso_i[i]),
      .tx_lane_o          (cell_tx_lane_o[i]),
      .rx_lane_i          (cell_rx_lane_i[i]),
      .rx_valid_i         (cell_rx_valid_i[i]),
      .s_axis_vc0_tdata_i (s_axis_vc0_tdata_i[i]),
      .s_axis_vc0_tkeep_i (s_axis_vc0_tkeep_i[i]),
      .s_axis_vc0_tlast_i (s_axis_vc0_tlast_i[i]),
      .s_axis_vc0_tdest_i (s_axis_vc0_tdest_i[i]),
      .s_axis_vc0_tvalid_i(s_axis_vc0_tvalid_i[i]),
      .s_axis_vc0_tready_o(s_axis_vc0_tready_o[i]),
      .m_axis_vc0_tdata_o (m_axis_vc0_tdata_o[i]),
      .m_axis_vc0_tkeep_o (m_axis_vc0_tkeep_o[i]),
      .m_axis_vc0_tlast_o (m_axis_vc0_tlast_o[i]),
      .m_axis_vc0_tdest_o (m_axis_vc0_tdest_o[i]),
      .m_axis_vc0_tid_o   (m_axis_vc0_tid_o[i]),
      .m_axis_vc0_tvalid_o(m_axis_vc0_tvalid_o[i]),
      .m_axis_vc0_tready_i(m_axis_vc0_tready_i[i])
    );
  end

  hsi_xbar #(
    .Ports        (Cells),
    .QueueFrames  (QueueFrames),
    .ReplayTimeout(ReplayTimeout)
  ) u_xbar (
    .clk_i,
    .rst_ni,
    .apb_psel_i   (xbar_apb_psel_i),
    .apb_penable_i(xbar_apb_penable_i),
    .apb_pwrite_i (xbar_apb_pwrite_i),
    .apb_paddr_i  (xbar_apb_paddr_i),
    .apb_pwdata_i (xbar_apb_pwdata_i),
    .apb_prdata_o (xbar_apb_prdata_o),
    .apb_pready_o (xbar_apb_pready_o),
    .apb_pslverr_o(xbar_apb_pslverr_o),
    .tx_lane_o    (xbar_tx_lane_o),
    .rx_lane_i    (xbar_rx_lane_i),
    .rx_valid_i   (xbar_rx_valid_i),
    .link_up_o    (xbar_link_up_o),
    .link_down_o  (xbar_link_down_o),
    .irq_o        (xbar_irq_o)
  );
endmodule
