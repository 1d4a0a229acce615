// Fixture of tb/cell: two cells, c0 (cell 0) and c1 (cell 1), on a direct lane pair through two
// hsi_channel lanes (ab: c0 -> c1, ba: c1 -> c0) with their fault controls as ports, each cell on
// its own spi_nor_model (busy times and size by parameter: flash_tb's short ones by default, a
// part larger than the image region), and both UARTs on one wired-AND management line. Each
// cell's ports carry its prefix (c0_apb_*, c0_s_axis_vc0_*, ...), so tb/cell/env.ts binds one by
// prefix.
`default_nettype none

module cell_pair_tb #(
  parameter int unsigned ImageRegionBytes = cell_pkg::ImageRegionBytes,  // both cells'
  parameter int unsigned SizeBytes = 1 << 21,      // each part's capacity
  parameter int unsigned TppCycles = 600,          // page program time
  parameter int unsigned TseCycles = 2000,         // sector erase time
  parameter int unsigned TbeCycles = 5000,         // block erase time
  parameter int unsigned TceCycles = 12000,        // chip erase time
  parameter int unsigned Latency = 4,              // each channel's
  parameter int unsigned ReplayTimeout = 1024      // both links'
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  // cell 0
  input  wire logic        c0_apb_psel_i,
  input  wire logic        c0_apb_penable_i,
  input  wire logic        c0_apb_pwrite_i,
  input  wire logic [11:0] c0_apb_paddr_i,
  input  wire logic [31:0] c0_apb_pwdata_i,
  output      logic [31:0] c0_apb_prdata_o,
  output      logic        c0_apb_pready_o,
  output      logic        c0_apb_pslverr_o,
  output      logic        c0_irq_o,
  input  wire logic [63:0] c0_s_axis_vc0_tdata_i,
  input  wire logic [7:0]  c0_s_axis_vc0_tkeep_i,
  input  wire logic        c0_s_axis_vc0_tlast_i,
  input  wire logic [7:0]  c0_s_axis_vc0_tdest_i,
  input  wire logic        c0_s_axis_vc0_tvalid_i,
  output      logic        c0_s_axis_vc0_tready_o,
  output      logic [63:0] c0_m_axis_vc0_tdata_o,
  output      logic [7:0]  c0_m_axis_vc0_tkeep_o,
  output      logic        c0_m_axis_vc0_tlast_o,
  output      logic [7:0]  c0_m_axis_vc0_tdest_o,
  output      logic [7:0]  c0_m_axis_vc0_tid_o,
  output      logic        c0_m_axis_vc0_tvalid_o,
  input  wire logic        c0_m_axis_vc0_tready_i,
  output      logic        c0_spi_cs_no,
  output      logic        c0_spi_sclk_o,
  output      logic        c0_spi_mosi_o,
  output      logic        c0_spi_miso_o,
  input  wire logic        c0_power_loss_i,
  input  wire logic [31:0] c0_power_loss_seed_i,
  output      logic        c0_wip_o,
  // cell 1
  input  wire logic        c1_apb_psel_i,
  input  wire logic        c1_apb_penable_i,
  input  wire logic        c1_apb_pwrite_i,
  input  wire logic [11:0] c1_apb_paddr_i,
  input  wire logic [31:0] c1_apb_pwdata_i,
  output      logic [31:0] c1_apb_prdata_o,
  output      logic        c1_apb_pready_o,
  output      logic        c1_apb_pslverr_o,
  output      logic        c1_irq_o,
  input  wire logic [63:0] c1_s_axis_vc0_tdata_i,
  input  wire logic [7:0]  c1_s_axis_vc0_tkeep_i,
  input  wire logic        c1_s_axis_vc0_tlast_i,
  input  wire logic [7:0]  c1_s_axis_vc0_tdest_i,
  input  wire logic        c1_s_axis_vc0_tvalid_i,
  output      logic        c1_s_axis_vc0_tready_o,
  output      logic [63:0] c1_m_axis_vc0_tdata_o,
  output      logic [7:0]  c1_m_axis_vc0_tkeep_o,
  output      logic        c1_m_axis_vc0_tlast_o,
  output      logic [7:0]  c1_m_axis_vc0_tdest_o,
  output      logic [7:0]  c1_m_axis_vc0_tid_o,
  output      logic        c1_m_axis_vc0_tvalid_o,
  input  wire logic        c1_m_axis_vc0_tready_i,
  output      logic        c1_spi_cs_no,
  output      logic        c1_spi_sclk_o,
  output      logic        c1_spi_mosi_o,
  output      logic        c1_spi_miso_o,
  input  wire logic        c1_power_loss_i,
  input  wire logic [31:0] c1_power_loss_seed_i,
  output      logic        c1_wip_o,
  // channel c0 -> c1
  input  wire logic [31:0] ab_seed_i,
  input  wire logic [63:0] ab_ber_i,
  input  wire logic [31:0] ab_drop_rate_i,
  input  wire logic [31:0] ab_slip_rate_i,
  input  wire logic        ab_drop_i,
  input  wire logic        ab_slip_i,
  input  wire logic        ab_cut_i,
  output      logic [63:0] ab_flips_o,
  output      logic [31:0] ab_drops_o,
  output      logic [31:0] ab_slips_o,
  // channel c1 -> c0
  input  wire logic [31:0] ba_seed_i,
  input  wire logic [63:0] ba_ber_i,
  input  wire logic [31:0] ba_drop_rate_i,
  input  wire logic [31:0] ba_slip_rate_i,
  input  wire logic        ba_drop_i,
  input  wire logic        ba_slip_i,
  input  wire logic        ba_cut_i,
  output      logic [63:0] ba_flips_o,
  output      logic [31:0] ba_drops_o,
  output      logic [31:0] ba_slips_o,
  // the management line: the wired AND of both UARTs and line_i (a third driver, idle 1)
  input  wire logic        line_i,
  output      logic        line_o
);
  logic [65:0] c0_tx_lane, c1_tx_lane, ab_lane, ba_lane;
  logic        ab_valid, ba_valid, c0_uart_tx, c1_uart_tx;

  assign line_o = line_i && c0_uart_tx && c1_uart_tx;

  cell_top #(
    .ImageRegionBytes(ImageRegionBytes),
    .FlashBytes      (SizeBytes),
    .ReplayTimeout   (ReplayTimeout)
  ) u_c0 (
    .clk_i,
    .rst_ni,
    .cell_id_i     (4'd0),
    .apb_psel_i (c0_apb_psel_i),
    .apb_penable_i (c0_apb_penable_i),
    .apb_pwrite_i (c0_apb_pwrite_i),
    .apb_paddr_i (c0_apb_paddr_i),
    .apb_pwdata_i (c0_apb_pwdata_i),
    .apb_prdata_o (c0_apb_prdata_o),
    .apb_pready_o (c0_apb_pready_o),
    .apb_pslverr_o (c0_apb_pslverr_o),
    .irq_o (c0_irq_o),
    .uart_rx_i (line_o),
    .uart_tx_o (c0_uart_tx),
    .spi_cs_no (c0_spi_cs_no),
    .spi_sclk_o (c0_spi_sclk_o),
    .spi_mosi_o (c0_spi_mosi_o),
    .spi_miso_i (c0_spi_miso_o),
    .tx_lane_o (c0_tx_lane),
    .rx_lane_i (ba_lane),
    .rx_valid_i (ba_valid),
    .s_axis_vc0_tdata_i (c0_s_axis_vc0_tdata_i),
    .s_axis_vc0_tkeep_i (c0_s_axis_vc0_tkeep_i),
    .s_axis_vc0_tlast_i (c0_s_axis_vc0_tlast_i),
    .s_axis_vc0_tdest_i (c0_s_axis_vc0_tdest_i),
    .s_axis_vc0_tvalid_i (c0_s_axis_vc0_tvalid_i),
    .s_axis_vc0_tready_o (c0_s_axis_vc0_tready_o),
    .m_axis_vc0_tdata_o (c0_m_axis_vc0_tdata_o),
    .m_axis_vc0_tkeep_o (c0_m_axis_vc0_tkeep_o),
    .m_axis_vc0_tlast_o (c0_m_axis_vc0_tlast_o),
    .m_axis_vc0_tdest_o (c0_m_axis_vc0_tdest_o),
    .m_axis_vc0_tid_o (c0_m_axis_vc0_tid_o),
    .m_axis_vc0_tvalid_o (c0_m_axis_vc0_tvalid_o),
    .m_axis_vc0_tready_i (c0_m_axis_vc0_tready_i)
  );

  spi_nor_model #(
    .SizeBytes(SizeBytes),
    .TppCycles(TppCycles),
    .TseCycles(TseCycles),
    .TbeCycles(TbeCycles),
    .TceCycles(TceCycles),
    .Plusarg  ("c0_nor")
  ) u_c0_nor (
    .clk_i,
    .spi_cs_ni        (c0_spi_cs_no),
    .spi_sclk_i       (c0_spi_sclk_o),
    .spi_mosi_i       (c0_spi_mosi_o),
    .spi_miso_o       (c0_spi_miso_o),
    .power_loss_i     (c0_power_loss_i),
    .power_loss_seed_i(c0_power_loss_seed_i),
    .wip_o            (c0_wip_o)
  );

  cell_top #(
    .ImageRegionBytes(ImageRegionBytes),
    .FlashBytes      (SizeBytes),
    .ReplayTimeout   (ReplayTimeout)
  ) u_c1 (
    .clk_i,
    .rst_ni,
    .cell_id_i     (4'd1),
    .apb_psel_i (c1_apb_psel_i),
    .apb_penable_i (c1_apb_penable_i),
    .apb_pwrite_i (c1_apb_pwrite_i),
    .apb_paddr_i (c1_apb_paddr_i),
    .apb_pwdata_i (c1_apb_pwdata_i),
    .apb_prdata_o (c1_apb_prdata_o),
    .apb_pready_o (c1_apb_pready_o),
    .apb_pslverr_o (c1_apb_pslverr_o),
    .irq_o (c1_irq_o),
    .uart_rx_i (line_o),
    .uart_tx_o (c1_uart_tx),
    .spi_cs_no (c1_spi_cs_no),
    .spi_sclk_o (c1_spi_sclk_o),
    .spi_mosi_o (c1_spi_mosi_o),
    .spi_miso_i (c1_spi_miso_o),
    .tx_lane_o (c1_tx_lane),
    .rx_lane_i (ab_lane),
    .rx_valid_i (ab_valid),
    .s_axis_vc0_tdata_i (c1_s_axis_vc0_tdata_i),
    .s_axis_vc0_tkeep_i (c1_s_axis_vc0_tkeep_i),
    .s_axis_vc0_tlast_i (c1_s_axis_vc0_tlast_i),
    .s_axis_vc0_tdest_i (c1_s_axis_vc0_tdest_i),
    .s_axis_vc0_tvalid_i (c1_s_axis_vc0_tvalid_i),
    .s_axis_vc0_tready_o (c1_s_axis_vc0_tready_o),
    .m_axis_vc0_tdata_o (c1_m_axis_vc0_tdata_o),
    .m_axis_vc0_tkeep_o (c1_m_axis_vc0_tkeep_o),
    .m_axis_vc0_tlast_o (c1_m_axis_vc0_tlast_o),
    .m_axis_vc0_tdest_o (c1_m_axis_vc0_tdest_o),
    .m_axis_vc0_tid_o (c1_m_axis_vc0_tid_o),
    .m_axis_vc0_tvalid_o (c1_m_axis_vc0_tvalid_o),
    .m_axis_vc0_tready_i (c1_m_axis_vc0_tready_i)
  );

  spi_nor_model #(
    .SizeBytes(SizeBytes),
    .TppCycles(TppCycles),
    .TseCycles(TseCycles),
    .TbeCycles(TbeCycles),
    .TceCycles(TceCycles),
    .Plusarg  ("c1_nor")
  ) u_c1_nor (
    .clk_i,
    .spi_cs_ni        (c1_spi_cs_no),
    .spi_sclk_i       (c1_spi_sclk_o),
    .spi_mosi_i       (c1_spi_mosi_o),
    .spi_miso_o       (c1_spi_miso_o),
    .power_loss_i     (c1_power_loss_i),
    .power_loss_seed_i(c1_power_loss_seed_i),
    .wip_o            (c1_wip_o)
  );

  hsi_channel #(.Latency(Latency)) u_ab (
    .clk_i,
    .rst_ni,
    .lane_i     (c0_tx_lane),
    .seed_i     (ab_seed_i),
    .ber_i      (ab_ber_i),
    .drop_rate_i(ab_drop_rate_i),
    .slip_rate_i(ab_slip_rate_i),
    .drop_i     (ab_drop_i),
    .slip_i     (ab_slip_i),
    .cut_i      (ab_cut_i),
    .valid_o    (ab_valid),
    .lane_o     (ab_lane),
    .flips_o    (ab_flips_o),
    .drops_o    (ab_drops_o),
    .slips_o    (ab_slips_o)
  );

  hsi_channel #(.Latency(Latency)) u_ba (
    .clk_i,
    .rst_ni,
    .lane_i     (c1_tx_lane),
    .seed_i     (ba_seed_i),
    .ber_i      (ba_ber_i),
    .drop_rate_i(ba_drop_rate_i),
    .slip_rate_i(ba_slip_rate_i),
    .drop_i     (ba_drop_i),
    .slip_i     (ba_slip_i),
    .cut_i      (ba_cut_i),
    .valid_o    (ba_valid),
    .lane_o     (ba_lane),
    .flips_o    (ba_flips_o),
    .drops_o    (ba_drops_o),
    .slips_o    (ba_slips_o)
  );
endmodule
