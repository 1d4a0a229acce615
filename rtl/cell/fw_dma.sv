// The firmware DMA (rtl/cell/README.md, fw_dma_desc.json): its CSRs (fw_dma_reg_top), the sender
// (fw_dma_tx: flash to vc 1 frames for every cell of TX_MASK) and the receiver (fw_dma_rx: vc 1
// frames from RX_SRC into flash while armed). Both directions are clients of the cell's flash
// stream arbiter, each with its own lane.
// Clock/reset: clk_i, asynchronous active-low rst_ni. apb_*: the DMA's 256-byte window.
// m_axis_vc1/s_axis_vc1: the link's vc 1 user side. tx_flash_*/rx_flash_*: the arbiter lanes.
// path_i: PATH_EN.VC1 with the link up. The *_set_o pulses feed cell_ctrl's IRQ_STATUS.
`default_nettype none

module fw_dma
  import spi_flash_pkg::*;
#(
  parameter int unsigned ImageRegionBytes = cell_pkg::ImageRegionBytes  // the image region at offset 0
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
  input  wire logic        path_i,
  output      logic        tx_done_set_o,
  output      logic        rx_done_set_o,
  output      logic        error_set_o,
  output      logic [63:0] m_axis_vc1_tdata_o,
  output      logic [7:0]  m_axis_vc1_tkeep_o,
  output      logic        m_axis_vc1_tlast_o,
  output      logic [7:0]  m_axis_vc1_tdest_o,
  output      logic        m_axis_vc1_tvalid_o,
  input  wire logic        m_axis_vc1_tready_i,
  input  wire logic [63:0] s_axis_vc1_tdata_i,
  input  wire logic [7:0]  s_axis_vc1_tkeep_i,
  input  wire logic        s_axis_vc1_tlast_i,
  input  wire logic [7:0]  s_axis_vc1_tid_i,
  input  wire logic        s_axis_vc1_tvalid_i,
  output      logic        s_axis_vc1_tready_o,
  output      logic        tx_flash_req_tvalid_o,
  input  wire logic        tx_flash_req_tready_i,
  output      logic [FlashReqWidth-1:0] tx_flash_req_tdata_o,
  input  wire logic        tx_flash_rd_tvalid_i,
  output      logic        tx_flash_rd_tready_o,
  input  wire logic [7:0]  tx_flash_rd_tdata_i,
  input  wire logic        tx_flash_rsp_tvalid_i,
  output      logic        tx_flash_rsp_tready_o,
  input  wire logic [FlashRspWidth-1:0] tx_flash_rsp_tdata_i,
  output      logic        rx_flash_req_tvalid_o,
  input  wire logic        rx_flash_req_tready_i,
  output      logic [FlashReqWidth-1:0] rx_flash_req_tdata_o,
  output      logic        rx_flash_wr_tvalid_o,
  input  wire logic        rx_flash_wr_tready_i,
  output      logic [7:0]  rx_flash_wr_tdata_o,
  input  wire logic        rx_flash_rsp_tvalid_i,
  output      logic        rx_flash_rsp_tready_o,
  input  wire logic [FlashRspWidth-1:0] rx_flash_rsp_tdata_i
);
  logic        tx_go, tx_abort, rx_arm, rx_disarm, ctrl_we;
  logic [15:0] tx_mask, rx_refused;
  logic [24:0] tx_start, tx_len, tx_progress, rx_start, rx_len, rx_written;
  logic [3:0]  rx_src;
  logic        tx_busy, tx_done_set, tx_error_set, rx_armed, rx_done_set, rx_error_set;
  // The sticky flags are read by the firmware; cell_ctrl keeps the interrupt's own copies.
  logic        tx_done, tx_error, rx_done, rx_error, unused_flags;
  assign unused_flags = ^{tx_done, tx_error, rx_done, rx_error};

  fw_dma_reg_top u_regs (
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
    .ctrl_tx_go_o          (tx_go),
    .ctrl_tx_abort_o       (tx_abort),
    .ctrl_rx_arm_o         (rx_arm),
    .ctrl_rx_disarm_o      (rx_disarm),
    .ctrl_we_o             (ctrl_we),
    .tx_mask_mask_o        (tx_mask),
    .tx_start_offset_o     (tx_start),
    .tx_len_bytes_o        (tx_len),
    .tx_status_busy_i      (tx_busy),
    .tx_status_done_set_i  (tx_done_set),
    .tx_status_done_o      (tx_done),
    .tx_status_error_set_i (tx_error_set),
    .tx_status_error_o     (tx_error),
    .tx_progress_offset_i  (tx_progress),
    .rx_src_cell_o         (rx_src),
    .rx_start_offset_o     (rx_start),
    .rx_len_bytes_o        (rx_len),
    .rx_status_armed_i     (rx_armed),
    .rx_status_done_set_i  (rx_done_set),
    .rx_status_done_o      (rx_done),
    .rx_status_error_set_i (rx_error_set),
    .rx_status_error_o     (rx_error),
    .rx_written_offset_i   (rx_written),
    .rx_refused_count_i    (rx_refused)
  );

  fw_dma_tx u_tx (
    .clk_i,
    .rst_ni,
    .go_i               (ctrl_we && tx_go),
    .abort_i            (ctrl_we && tx_abort),
    .mask_i             (tx_mask),
    .start_i            (tx_start),
    .len_i              (tx_len),
    .path_i,
    .busy_o             (tx_busy),
    .done_set_o         (tx_done_set),
    .error_set_o        (tx_error_set),
    .progress_o         (tx_progress),
    .m_axis_tdata_o     (m_axis_vc1_tdata_o),
    .m_axis_tkeep_o     (m_axis_vc1_tkeep_o),
    .m_axis_tlast_o     (m_axis_vc1_tlast_o),
    .m_axis_tdest_o     (m_axis_vc1_tdest_o),
    .m_axis_tvalid_o    (m_axis_vc1_tvalid_o),
    .m_axis_tready_i    (m_axis_vc1_tready_i),
    .flash_req_tvalid_o (tx_flash_req_tvalid_o),
    .flash_req_tready_i (tx_flash_req_tready_i),
    .flash_req_tdata_o  (tx_flash_req_tdata_o),
    .flash_rd_tvalid_i  (tx_flash_rd_tvalid_i),
    .flash_rd_tready_o  (tx_flash_rd_tready_o),
    .flash_rd_tdata_i   (tx_flash_rd_tdata_i),
    .flash_rsp_tvalid_i (tx_flash_rsp_tvalid_i),
    .flash_rsp_tready_o (tx_flash_rsp_tready_o),
    .flash_rsp_tdata_i  (tx_flash_rsp_tdata_i)
  );

  fw_dma_rx #(.ImageRegionBytes(ImageRegionBytes)) u_rx (
    .clk_i,
    .rst_ni,
    .arm_i              (ctrl_we && rx_arm),
    .disarm_i           (ctrl_we && rx_disarm),
    .src_i              (rx_src),
    .start_i            (rx_start),
    .len_i              (rx_len),
    .path_i,
    .armed_o            (rx_armed),
    .done_set_o         (rx_done_set),
    .error_set_o        (rx_error_set),
    .written_o          (rx_written),
    .refused_o          (rx_refused),
    .s_axis_tdata_i     (s_axis_vc1_tdata_i),
    .s_axis_tkeep_i     (s_axis_vc1_tkeep_i),
    .s_axis_tlast_i     (s_axis_vc1_tlast_i),
    .s_axis_tid_i       (s_axis_vc1_tid_i),
    .s_axis_tvalid_i    (s_axis_vc1_tvalid_i),
    .s_axis_tready_o    (s_axis_vc1_tready_o),
    .flash_req_tvalid_o (rx_flash_req_tvalid_o),
    .flash_req_tready_i (rx_flash_req_tready_i),
    .flash_req_tdata_o  (rx_flash_req_tdata_o),
    .flash_wr_tvalid_o  (rx_flash_wr_tvalid_o),
    .flash_wr_tready_i  (rx_flash_wr_tready_i),
    .flash_wr_tdata_o   (rx_flash_wr_tdata_o),
    .flash_rsp_tvalid_i (rx_flash_rsp_tvalid_i),
    .flash_rsp_tready_o (rx_flash_rsp_tready_o),
    .flash_rsp_tdata_i  (rx_flash_rsp_tdata_i)
  );

  assign tx_done_set_o = tx_done_set;
  assign rx_done_set_o = rx_done_set;
  assign error_set_o   = tx_error_set || rx_error_set;
endmodule
