// One cell, `cell_top` (`cell` is a reserved word of Verilog configurations) (DESIGN.md sections 1 and 3, rtl/cell/README.md): the management UART, the flash
// controller, the HSI link endpoint, the firmware DMA, the image checker and cell control behind
// one APB port whose decoder gives each block its 256-byte window (apb_paddr_i[11:8], codes
// cell_pkg::cell_window_e; a window with no block answers pslverr). The flash controller's stream
// face is shared by the checker and the DMA's two directions through cell_flash_arb. The host
// side carries vc 0 (normal traffic) to and from the link; vc 1 belongs to the DMA. Frames leave
// with tid = cell_id_i (their src).
// Clock/reset: clk_i, asynchronous active-low rst_ni. Pins: uart_rx_i/uart_tx_o (the shared
// wired-AND management line), spi_* (the SPI NOR part), tx_lane_o/rx_lane_i/rx_valid_i (the HSI
// lane), s_axis_vc0/m_axis_vc0 (the host), irq_o (cell_ctrl's interrupt).
`default_nettype none

module cell_top
  import spi_flash_pkg::*;
#(
  parameter int unsigned ImageRegionBytes = cell_pkg::ImageRegionBytes,  // the image region at flash offset 0
  parameter int unsigned FlashBytes = 1 << 24,                           // size of the SPI NOR part
  parameter int unsigned ReplayTimeout = 1024                            // the HSI link's replay timer in cycles
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [3:0]  cell_id_i,
  input  wire logic        apb_psel_i,
  input  wire logic        apb_penable_i,
  input  wire logic        apb_pwrite_i,
  input  wire logic [11:0] apb_paddr_i,
  input  wire logic [31:0] apb_pwdata_i,
  output      logic [31:0] apb_prdata_o,
  output      logic        apb_pready_o,
  output      logic        apb_pslverr_o,
  output      logic        irq_o,
  input  wire logic        uart_rx_i,
  output      logic        uart_tx_o,
  output      logic        spi_cs_no,
  output      logic        spi_sclk_o,
  output      logic        spi_mosi_o,
  input  wire logic        spi_miso_i,
  output      logic [65:0] tx_lane_o,
  input  wire logic [65:0] rx_lane_i,
  input  wire logic        rx_valid_i,
  input  wire logic [63:0] s_axis_vc0_tdata_i,
  input  wire logic [7:0]  s_axis_vc0_tkeep_i,
  input  wire logic        s_axis_vc0_tlast_i,
  input  wire logic [7:0]  s_axis_vc0_tdest_i,
  input  wire logic        s_axis_vc0_tvalid_i,
  output      logic        s_axis_vc0_tready_o,
  output      logic [63:0] m_axis_vc0_tdata_o,
  output      logic [7:0]  m_axis_vc0_tkeep_o,
  output      logic        m_axis_vc0_tlast_o,
  output      logic [7:0]  m_axis_vc0_tdest_o,
  output      logic [7:0]  m_axis_vc0_tid_o,
  output      logic        m_axis_vc0_tvalid_o,
  input  wire logic        m_axis_vc0_tready_i
);
  // Flash stream clients of cell_flash_arb.
  localparam int unsigned ClientCheck = 0;
  localparam int unsigned ClientTx = 1;
  localparam int unsigned ClientRx = 2;
  localparam int unsigned Clients = 3;
  localparam int unsigned Windows = 6;

  // APB decoder.
  logic [Windows-1:0]       psel, pready, pslverr;
  logic [Windows-1:0][31:0] prdata;
  logic [3:0]               window;
  assign window = apb_paddr_i[11:8];
  always_comb begin
    psel          = '0;
    apb_prdata_o  = '0;
    apb_pready_o  = 1'b1;
    apb_pslverr_o = apb_psel_i && apb_penable_i;
    if (window < 4'(Windows)) begin
      psel[window[2:0]]  = apb_psel_i;
      apb_prdata_o  = prdata[window[2:0]];
      apb_pready_o  = pready[window[2:0]];
      apb_pslverr_o = pslverr[window[2:0]];
    end
  end

  logic uart_irq, flash_irq, hsi_irq, link_up, link_down, path_vc0, path_vc1;
  logic dma_tx_done, dma_rx_done, dma_error, check_done;

  uart #(.FifoDepth(cell_pkg::UartFifoDepth)) u_uart (
    .clk_i,
    .rst_ni,
    .apb_psel_i    (psel[3'(cell_pkg::CellWindowUart)]),
    .apb_penable_i,
    .apb_pwrite_i,
    .apb_paddr_i,
    .apb_pwdata_i,
    .apb_prdata_o  (prdata[3'(cell_pkg::CellWindowUart)]),
    .apb_pready_o  (pready[3'(cell_pkg::CellWindowUart)]),
    .apb_pslverr_o (pslverr[3'(cell_pkg::CellWindowUart)]),
    .uart_rx_i,
    .uart_tx_o,
    .irq_o         (uart_irq)
  );

  // The flash controller's stream face and the arbiter's lanes.
  logic                              f_req_tvalid, f_req_tready, f_rsp_tvalid, f_rsp_tready;
  logic [FlashReqWidth-1:0]          f_req_tdata;
  logic [FlashRspWidth-1:0]          f_rsp_tdata;
  logic                              f_wr_tvalid, f_wr_tready, f_rd_tvalid, f_rd_tready, f_rd_tlast;
  logic [7:0]                        f_wr_tdata, f_rd_tdata;
  logic [Clients-1:0]                c_req_tvalid, c_req_tready, c_rsp_tvalid, c_rsp_tready;
  logic [Clients-1:0][FlashReqWidth-1:0] c_req_tdata;
  logic [FlashRspWidth-1:0]          c_rsp_tdata;
  logic [Clients-1:0]                c_wr_tvalid, c_wr_tready, c_rd_tvalid, c_rd_tready;
  logic [Clients-1:0][7:0]           c_wr_tdata;
  logic [7:0]                        c_rd_tdata;
  logic                              c_rd_tlast;

  spi_flash_ctrl #(.FlashBytes(FlashBytes)) u_flash (
    .clk_i,
    .rst_ni,
    .apb_psel_i          (psel[3'(cell_pkg::CellWindowFlash)]),
    .apb_penable_i,
    .apb_pwrite_i,
    .apb_paddr_i,
    .apb_pwdata_i,
    .apb_prdata_o        (prdata[3'(cell_pkg::CellWindowFlash)]),
    .apb_pready_o        (pready[3'(cell_pkg::CellWindowFlash)]),
    .apb_pslverr_o       (pslverr[3'(cell_pkg::CellWindowFlash)]),
    .irq_o               (flash_irq),
    .s_axis_req_tvalid_i (f_req_tvalid),
    .s_axis_req_tready_o (f_req_tready),
    .s_axis_req_tdata_i  (f_req_tdata),
    .m_axis_rsp_tvalid_o (f_rsp_tvalid),
    .m_axis_rsp_tready_i (f_rsp_tready),
    .m_axis_rsp_tdata_o  (f_rsp_tdata),
    .s_axis_tvalid_i     (f_wr_tvalid),
    .s_axis_tready_o     (f_wr_tready),
    .s_axis_tdata_i      (f_wr_tdata),
    .m_axis_tvalid_o     (f_rd_tvalid),
    .m_axis_tready_i     (f_rd_tready),
    .m_axis_tdata_o      (f_rd_tdata),
    .m_axis_tlast_o      (f_rd_tlast),
    .spi_cs_no,
    .spi_sclk_o,
    .spi_mosi_o,
    .spi_miso_i
  );

  cell_flash_arb #(.Clients(Clients)) u_arb (
    .clk_i,
    .rst_ni,
    .s_axis_req_tvalid_i (c_req_tvalid),
    .s_axis_req_tready_o (c_req_tready),
    .s_axis_req_tdata_i  (c_req_tdata),
    .m_axis_rsp_tvalid_o (c_rsp_tvalid),
    .m_axis_rsp_tready_i (c_rsp_tready),
    .m_axis_rsp_tdata_o  (c_rsp_tdata),
    .s_axis_tvalid_i     (c_wr_tvalid),
    .s_axis_tready_o     (c_wr_tready),
    .s_axis_tdata_i      (c_wr_tdata),
    .m_axis_tvalid_o     (c_rd_tvalid),
    .m_axis_tready_i     (c_rd_tready),
    .m_axis_tdata_o      (c_rd_tdata),
    .m_axis_tlast_o      (c_rd_tlast),
    .flash_req_tvalid_o  (f_req_tvalid),
    .flash_req_tready_i  (f_req_tready),
    .flash_req_tdata_o   (f_req_tdata),
    .flash_rsp_tvalid_i  (f_rsp_tvalid),
    .flash_rsp_tready_o  (f_rsp_tready),
    .flash_rsp_tdata_i   (f_rsp_tdata),
    .flash_wr_tvalid_o   (f_wr_tvalid),
    .flash_wr_tready_i   (f_wr_tready),
    .flash_wr_tdata_o    (f_wr_tdata),
    .flash_rd_tvalid_i   (f_rd_tvalid),
    .flash_rd_tready_o   (f_rd_tready),
    .flash_rd_tdata_i    (f_rd_tdata),
    .flash_rd_tlast_i    (f_rd_tlast)
  );

  // Only the receiver programs; the readers' tlast is not needed (they count their bytes).
  logic unused_rd_tlast;
  assign unused_rd_tlast = c_rd_tlast;
  assign c_wr_tvalid[ClientCheck] = 1'b0;
  assign c_wr_tdata[ClientCheck]  = '0;
  assign c_wr_tvalid[ClientTx]    = 1'b0;
  assign c_wr_tdata[ClientTx]     = '0;
  assign c_rd_tready[ClientRx]    = 1'b0;
  logic unused_lanes;
  assign unused_lanes = ^{c_wr_tready[ClientCheck], c_wr_tready[ClientTx], c_rd_tvalid[ClientRx]};

  // The link's vc 1 belongs to the DMA; vc 0 to the host, gated by PATH_EN.VC0 on its way out.
  logic [63:0] tx1_tdata, rx1_tdata;
  logic [7:0]  tx1_tkeep, tx1_tdest, rx1_tkeep, rx1_tdest, rx1_tid;
  logic        tx1_tlast, tx1_tvalid, tx1_tready, rx1_tlast, rx1_tvalid, rx1_tready;
  logic        vc0_tready;
  logic        unused_rx1_tdest;
  assign unused_rx1_tdest = ^rx1_tdest;
  assign s_axis_vc0_tready_o = vc0_tready && path_vc0;

  hsi_link #(.ReplayTimeout(ReplayTimeout)) u_hsi (
    .clk_i,
    .rst_ni,
    .apb_psel_i          (psel[3'(cell_pkg::CellWindowHsi)]),
    .apb_penable_i,
    .apb_pwrite_i,
    .apb_paddr_i,
    .apb_pwdata_i,
    .apb_prdata_o        (prdata[3'(cell_pkg::CellWindowHsi)]),
    .apb_pready_o        (pready[3'(cell_pkg::CellWindowHsi)]),
    .apb_pslverr_o       (pslverr[3'(cell_pkg::CellWindowHsi)]),
    .tx_lane_o,
    .rx_lane_i,
    .rx_valid_i,
    .s_axis_vc0_tdata_i  (s_axis_vc0_tdata_i),
    .s_axis_vc0_tkeep_i  (s_axis_vc0_tkeep_i),
    .s_axis_vc0_tlast_i  (s_axis_vc0_tlast_i),
    .s_axis_vc0_tdest_i  (s_axis_vc0_tdest_i),
    .s_axis_vc0_tid_i    ({4'h0, cell_id_i}),
    .s_axis_vc0_tvalid_i (s_axis_vc0_tvalid_i && path_vc0),
    .s_axis_vc0_tready_o (vc0_tready),
    .s_axis_vc1_tdata_i  (tx1_tdata),
    .s_axis_vc1_tkeep_i  (tx1_tkeep),
    .s_axis_vc1_tlast_i  (tx1_tlast),
    .s_axis_vc1_tdest_i  (tx1_tdest),
    .s_axis_vc1_tid_i    ({4'h0, cell_id_i}),
    .s_axis_vc1_tvalid_i (tx1_tvalid),
    .s_axis_vc1_tready_o (tx1_tready),
    .m_axis_vc0_tdata_o,
    .m_axis_vc0_tkeep_o,
    .m_axis_vc0_tlast_o,
    .m_axis_vc0_tdest_o,
    .m_axis_vc0_tid_o,
    .m_axis_vc0_tvalid_o,
    .m_axis_vc0_tready_i,
    .m_axis_vc1_tdata_o  (rx1_tdata),
    .m_axis_vc1_tkeep_o  (rx1_tkeep),
    .m_axis_vc1_tlast_o  (rx1_tlast),
    .m_axis_vc1_tdest_o  (rx1_tdest),
    .m_axis_vc1_tid_o    (rx1_tid),
    .m_axis_vc1_tvalid_o (rx1_tvalid),
    .m_axis_vc1_tready_i (rx1_tready),
    .link_up_o           (link_up),
    .link_down_o         (link_down),
    .irq_o               (hsi_irq)
  );

  // The link's own interrupt (down, bad frame) reaches the firmware as cell_ctrl's LINK_DOWN.
  logic unused_hsi_irq;
  assign unused_hsi_irq = hsi_irq;

  fw_dma #(.ImageRegionBytes(ImageRegionBytes)) u_dma (
    .clk_i,
    .rst_ni,
    .apb_psel_i            (psel[3'(cell_pkg::CellWindowFwDma)]),
    .apb_penable_i,
    .apb_pwrite_i,
    .apb_paddr_i,
    .apb_pwdata_i,
    .apb_prdata_o          (prdata[3'(cell_pkg::CellWindowFwDma)]),
    .apb_pready_o          (pready[3'(cell_pkg::CellWindowFwDma)]),
    .apb_pslverr_o         (pslverr[3'(cell_pkg::CellWindowFwDma)]),
    .path_i                (path_vc1 && link_up),
    .tx_done_set_o         (dma_tx_done),
    .rx_done_set_o         (dma_rx_done),
    .error_set_o           (dma_error),
    .m_axis_vc1_tdata_o    (tx1_tdata),
    .m_axis_vc1_tkeep_o    (tx1_tkeep),
    .m_axis_vc1_tlast_o    (tx1_tlast),
    .m_axis_vc1_tdest_o    (tx1_tdest),
    .m_axis_vc1_tvalid_o   (tx1_tvalid),
    .m_axis_vc1_tready_i   (tx1_tready),
    .s_axis_vc1_tdata_i    (rx1_tdata),
    .s_axis_vc1_tkeep_i    (rx1_tkeep),
    .s_axis_vc1_tlast_i    (rx1_tlast),
    .s_axis_vc1_tid_i      (rx1_tid),
    .s_axis_vc1_tvalid_i   (rx1_tvalid),
    .s_axis_vc1_tready_o   (rx1_tready),
    .tx_flash_req_tvalid_o (c_req_tvalid[ClientTx]),
    .tx_flash_req_tready_i (c_req_tready[ClientTx]),
    .tx_flash_req_tdata_o  (c_req_tdata[ClientTx]),
    .tx_flash_rd_tvalid_i  (c_rd_tvalid[ClientTx]),
    .tx_flash_rd_tready_o  (c_rd_tready[ClientTx]),
    .tx_flash_rd_tdata_i   (c_rd_tdata),
    .tx_flash_rsp_tvalid_i (c_rsp_tvalid[ClientTx]),
    .tx_flash_rsp_tready_o (c_rsp_tready[ClientTx]),
    .tx_flash_rsp_tdata_i  (c_rsp_tdata),
    .rx_flash_req_tvalid_o (c_req_tvalid[ClientRx]),
    .rx_flash_req_tready_i (c_req_tready[ClientRx]),
    .rx_flash_req_tdata_o  (c_req_tdata[ClientRx]),
    .rx_flash_wr_tvalid_o  (c_wr_tvalid[ClientRx]),
    .rx_flash_wr_tready_i  (c_wr_tready[ClientRx]),
    .rx_flash_wr_tdata_o   (c_wr_tdata[ClientRx]),
    .rx_flash_rsp_tvalid_i (c_rsp_tvalid[ClientRx]),
    .rx_flash_rsp_tready_o (c_rsp_tready[ClientRx]),
    .rx_flash_rsp_tdata_i  (c_rsp_tdata)
  );

  image_check #(.ImageRegionBytes(ImageRegionBytes)) u_check (
    .clk_i,
    .rst_ni,
    .apb_psel_i         (psel[3'(cell_pkg::CellWindowImageCheck)]),
    .apb_penable_i,
    .apb_pwrite_i,
    .apb_paddr_i,
    .apb_pwdata_i,
    .apb_prdata_o       (prdata[3'(cell_pkg::CellWindowImageCheck)]),
    .apb_pready_o       (pready[3'(cell_pkg::CellWindowImageCheck)]),
    .apb_pslverr_o      (pslverr[3'(cell_pkg::CellWindowImageCheck)]),
    .done_set_o         (check_done),
    .flash_req_tvalid_o (c_req_tvalid[ClientCheck]),
    .flash_req_tready_i (c_req_tready[ClientCheck]),
    .flash_req_tdata_o  (c_req_tdata[ClientCheck]),
    .flash_rd_tvalid_i  (c_rd_tvalid[ClientCheck]),
    .flash_rd_tready_o  (c_rd_tready[ClientCheck]),
    .flash_rd_tdata_i   (c_rd_tdata),
    .flash_rsp_tvalid_i (c_rsp_tvalid[ClientCheck]),
    .flash_rsp_tready_o (c_rsp_tready[ClientCheck]),
    .flash_rsp_tdata_i  (c_rsp_tdata)
  );

  cell_ctrl u_ctrl (
    .clk_i,
    .rst_ni,
    .apb_psel_i    (psel[3'(cell_pkg::CellWindowCellCtrl)]),
    .apb_penable_i,
    .apb_pwrite_i,
    .apb_paddr_i,
    .apb_pwdata_i,
    .apb_prdata_o  (prdata[3'(cell_pkg::CellWindowCellCtrl)]),
    .apb_pready_o  (pready[3'(cell_pkg::CellWindowCellCtrl)]),
    .apb_pslverr_o (pslverr[3'(cell_pkg::CellWindowCellCtrl)]),
    .cell_id_i,
    .link_up_i     (link_up),
    .link_down_i   (link_down),
    .uart_irq_i    (uart_irq),
    .flash_irq_i   (flash_irq),
    .dma_tx_done_i (dma_tx_done),
    .dma_rx_done_i (dma_rx_done),
    .dma_error_i   (dma_error),
    .check_done_i  (check_done),
    .path_vc0_o    (path_vc0),
    .path_vc1_o    (path_vc1),
    .irq_o
  );
endmodule
