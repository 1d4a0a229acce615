// Fixture of tb/system and make sim: system_top with what the board adds — each cell's SPI NOR
// part (spi_nor_model, g_cell[i].u_nor) and each backplane lane through a fault channel
// (hsi_channel: g_cell[i].u_up cell -> crossbar, g_cell[i].u_dn crossbar -> cell) — and each
// cell's controls: its reset, its part's power loss; its SPI pins come out for tb/cell's SPI
// checker. The bridge binds ports by name, so every cell
// has its own prefixed ports (c0_apb_*, c0_s_axis_vc0_*, c0_up_cut_i, ...) for up to 16 cells,
// written once by the macros below; the ports of cells past Cells read nothing and drive 0.
`default_nettype none

`define SYSTEM_TB_CELL_PORTS(c) \
  input  wire logic        c``_rst_ni, \
  input  wire logic        c``_apb_psel_i, \
  input  wire logic        c``_apb_penable_i, \
  input  wire logic        c``_apb_pwrite_i, \
  input  wire logic [11:0] c``_apb_paddr_i, \
  input  wire logic [31:0] c``_apb_pwdata_i, \
  output      logic [31:0] c``_apb_prdata_o, \
  output      logic        c``_apb_pready_o, \
  output      logic        c``_apb_pslverr_o, \
  output      logic        c``_irq_o, \
  input  wire logic [63:0] c``_s_axis_vc0_tdata_i, \
  input  wire logic [7:0]  c``_s_axis_vc0_tkeep_i, \
  input  wire logic        c``_s_axis_vc0_tlast_i, \
  input  wire logic [7:0]  c``_s_axis_vc0_tdest_i, \
  input  wire logic        c``_s_axis_vc0_tvalid_i, \
  output      logic        c``_s_axis_vc0_tready_o, \
  output      logic [63:0] c``_m_axis_vc0_tdata_o, \
  output      logic [7:0]  c``_m_axis_vc0_tkeep_o, \
  output      logic        c``_m_axis_vc0_tlast_o, \
  output      logic [7:0]  c``_m_axis_vc0_tdest_o, \
  output      logic [7:0]  c``_m_axis_vc0_tid_o, \
  output      logic        c``_m_axis_vc0_tvalid_o, \
  input  wire logic        c``_m_axis_vc0_tready_i, \
  input  wire logic        c``_power_loss_i, \
  input  wire logic [31:0] c``_power_loss_seed_i, \
  output      logic        c``_wip_o, \
  output      logic        c``_spi_cs_no, \
  output      logic        c``_spi_sclk_o, \
  output      logic        c``_spi_mosi_o, \
  output      logic        c``_spi_miso_o, \
  input  wire logic [31:0] c``_up_seed_i, \
  input  wire logic [63:0] c``_up_ber_i, \
  input  wire logic        c``_up_cut_i, \
  output      logic [63:0] c``_up_flips_o, \
  input  wire logic [31:0] c``_dn_seed_i, \
  input  wire logic [63:0] c``_dn_ber_i, \
  input  wire logic        c``_dn_cut_i, \
  output      logic [63:0] c``_dn_flips_o,

// Cell i's ports to and from the arrays of system_top and the board; nothing for a cell past Cells.
`define SYSTEM_TB_CELL_WIRES(c, i) \
  if (i < Cells) begin : g_``c \
    assign cell_rst_n[i] = c``_rst_ni; \
    assign apb_psel[i] = c``_apb_psel_i; \
    assign apb_penable[i] = c``_apb_penable_i; \
    assign apb_pwrite[i] = c``_apb_pwrite_i; \
    assign apb_paddr[i] = c``_apb_paddr_i; \
    assign apb_pwdata[i] = c``_apb_pwdata_i; \
    assign c``_apb_prdata_o = apb_prdata[i]; \
    assign c``_apb_pready_o = apb_pready[i]; \
    assign c``_apb_pslverr_o = apb_pslverr[i]; \
    assign c``_irq_o = irq[i]; \
    assign s_tdata[i] = c``_s_axis_vc0_tdata_i; \
    assign s_tkeep[i] = c``_s_axis_vc0_tkeep_i; \
    assign s_tlast[i] = c``_s_axis_vc0_tlast_i; \
    assign s_tdest[i] = c``_s_axis_vc0_tdest_i; \
    assign s_tvalid[i] = c``_s_axis_vc0_tvalid_i; \
    assign c``_s_axis_vc0_tready_o = s_tready[i]; \
    assign c``_m_axis_vc0_tdata_o = m_tdata[i]; \
    assign c``_m_axis_vc0_tkeep_o = m_tkeep[i]; \
    assign c``_m_axis_vc0_tlast_o = m_tlast[i]; \
    assign c``_m_axis_vc0_tdest_o = m_tdest[i]; \
    assign c``_m_axis_vc0_tid_o = m_tid[i]; \
    assign c``_m_axis_vc0_tvalid_o = m_tvalid[i]; \
    assign m_tready[i] = c``_m_axis_vc0_tready_i; \
    assign power_loss[i] = c``_power_loss_i; \
    assign power_loss_seed[i] = c``_power_loss_seed_i; \
    assign c``_wip_o = wip[i]; \
    assign c``_spi_cs_no = spi_cs_n[i]; \
    assign c``_spi_sclk_o = spi_sclk[i]; \
    assign c``_spi_mosi_o = spi_mosi[i]; \
    assign c``_spi_miso_o = spi_miso[i]; \
    assign up_seed[i] = c``_up_seed_i; \
    assign up_ber[i] = c``_up_ber_i; \
    assign up_cut[i] = c``_up_cut_i; \
    assign c``_up_flips_o = up_flips[i]; \
    assign dn_seed[i] = c``_dn_seed_i; \
    assign dn_ber[i] = c``_dn_ber_i; \
    assign dn_cut[i] = c``_dn_cut_i; \
    assign c``_dn_flips_o = dn_flips[i]; \
  end else begin : g_``c``_absent \
    assign c``_apb_prdata_o = '0; \
    assign c``_apb_pready_o = 1'b0; \
    assign c``_apb_pslverr_o = 1'b0; \
    assign c``_irq_o = 1'b0; \
    assign c``_s_axis_vc0_tready_o = 1'b0; \
    assign c``_m_axis_vc0_tdata_o = '0; \
    assign c``_m_axis_vc0_tkeep_o = '0; \
    assign c``_m_axis_vc0_tlast_o = 1'b0; \
    assign c``_m_axis_vc0_tdest_o = '0; \
    assign c``_m_axis_vc0_tid_o = '0; \
    assign c``_m_axis_vc0_tvalid_o = 1'b0; \
    assign c``_wip_o = 1'b0; \
    assign c``_spi_cs_no = 1'b1; \
    assign c``_spi_sclk_o = 1'b0; \
    assign c``_spi_mosi_o = 1'b0; \
    assign c``_spi_miso_o = 1'b0; \
    assign c``_up_flips_o = '0; \
    assign c``_dn_flips_o = '0; \
  end

module system_tb #(
  parameter int unsigned Cells = 4,                                      // cells, 2..16
  parameter int unsigned ImageRegionBytes = cell_pkg::ImageRegionBytes,  // each cell's image region
  parameter int unsigned SizeBytes = 1 << 21,                            // each part's capacity
  parameter int unsigned TppCycles = 600,                                // page program time
  parameter int unsigned TseCycles = 2000,                               // sector erase time
  parameter int unsigned TbeCycles = 5000,                               // block erase time
  parameter int unsigned TceCycles = 12000,                              // chip erase time
  parameter int unsigned Latency = 4,                                    // each fault channel's
  parameter int unsigned ReplayTimeout = 1024                            // every HSI link's
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  `SYSTEM_TB_CELL_PORTS(c0)
  `SYSTEM_TB_CELL_PORTS(c1)
  `SYSTEM_TB_CELL_PORTS(c2)
  `SYSTEM_TB_CELL_PORTS(c3)
  `SYSTEM_TB_CELL_PORTS(c4)
  `SYSTEM_TB_CELL_PORTS(c5)
  `SYSTEM_TB_CELL_PORTS(c6)
  `SYSTEM_TB_CELL_PORTS(c7)
  `SYSTEM_TB_CELL_PORTS(c8)
  `SYSTEM_TB_CELL_PORTS(c9)
  `SYSTEM_TB_CELL_PORTS(c10)
  `SYSTEM_TB_CELL_PORTS(c11)
  `SYSTEM_TB_CELL_PORTS(c12)
  `SYSTEM_TB_CELL_PORTS(c13)
  `SYSTEM_TB_CELL_PORTS(c14)
  `SYSTEM_TB_CELL_PORTS(c15)
  input  wire logic        xbar_apb_psel_i,
  input  wire logic        xbar_apb_penable_i,
  input  wire logic        xbar_apb_pwrite_i,
  input  wire logic [12:0] xbar_apb_paddr_i,
  input  wire logic [31:0] xbar_apb_pwdata_i,
  output      logic [31:0] xbar_apb_prdata_o,
  output      logic        xbar_apb_pready_o,
  output      logic        xbar_apb_pslverr_o,
  output      logic [15:0] xbar_link_up_o,
  // the management line: every UART's wired AND with line_i (a further driver, idle 1)
  input  wire logic        line_i,
  output      logic        line_o
);
  logic [Cells-1:0]       cell_rst_n, apb_psel, apb_penable, apb_pwrite, apb_pready, apb_pslverr, irq;
  logic [Cells-1:0][11:0] apb_paddr;
  logic [Cells-1:0][31:0] apb_pwdata, apb_prdata, power_loss_seed, up_seed, dn_seed;
  logic [Cells-1:0][63:0] s_tdata, m_tdata, up_ber, dn_ber, up_flips, dn_flips;
  logic [Cells-1:0][7:0]  s_tkeep, s_tdest, m_tkeep, m_tdest, m_tid;
  logic [Cells-1:0]       s_tlast, s_tvalid, s_tready, m_tlast, m_tvalid, m_tready;
  logic [Cells-1:0]       spi_cs_n, spi_sclk, spi_mosi, spi_miso, power_loss, wip, up_cut, dn_cut;
  logic [Cells-1:0][65:0] cell_tx, cell_rx, xbar_tx, xbar_rx;
  logic [Cells-1:0]       cell_rx_valid, xbar_rx_valid, xbar_up;

  `SYSTEM_TB_CELL_WIRES(c0, 0)
  `SYSTEM_TB_CELL_WIRES(c1, 1)
  `SYSTEM_TB_CELL_WIRES(c2, 2)
  `SYSTEM_TB_CELL_WIRES(c3, 3)
  `SYSTEM_TB_CELL_WIRES(c4, 4)
  `SYSTEM_TB_CELL_WIRES(c5, 5)
  `SYSTEM_TB_CELL_WIRES(c6, 6)
  `SYSTEM_TB_CELL_WIRES(c7, 7)
  `SYSTEM_TB_CELL_WIRES(c8, 8)
  `SYSTEM_TB_CELL_WIRES(c9, 9)
  `SYSTEM_TB_CELL_WIRES(c10, 10)
  `SYSTEM_TB_CELL_WIRES(c11, 11)
  `SYSTEM_TB_CELL_WIRES(c12, 12)
  `SYSTEM_TB_CELL_WIRES(c13, 13)
  `SYSTEM_TB_CELL_WIRES(c14, 14)
  `SYSTEM_TB_CELL_WIRES(c15, 15)

  assign xbar_link_up_o = 16'(xbar_up);

  system_top #(
    .Cells           (Cells),
    .ImageRegionBytes(ImageRegionBytes),
    .FlashBytes      (SizeBytes),
    .ReplayTimeout   (ReplayTimeout)
  ) u_system (
    .clk_i,
    .rst_ni,
    .cell_rst_ni        (cell_rst_n),
    .apb_psel_i         (apb_psel),
    .apb_penable_i      (apb_penable),
    .apb_pwrite_i       (apb_pwrite),
    .apb_paddr_i        (apb_paddr),
    .apb_pwdata_i       (apb_pwdata),
    .apb_prdata_o       (apb_prdata),
    .apb_pready_o       (apb_pready),
    .apb_pslverr_o      (apb_pslverr),
    .irq_o              (irq),
    .spi_cs_no          (spi_cs_n),
    .spi_sclk_o         (spi_sclk),
    .spi_mosi_o         (spi_mosi),
    .spi_miso_i         (spi_miso),
    .s_axis_vc0_tdata_i (s_tdata),
    .s_axis_vc0_tkeep_i (s_tkeep),
    .s_axis_vc0_tlast_i (s_tlast),
    .s_axis_vc0_tdest_i (s_tdest),
    .s_axis_vc0_tvalid_i(s_tvalid),
    .s_axis_vc0_tready_o(s_tready),
    .m_axis_vc0_tdata_o (m_tdata),
    .m_axis_vc0_tkeep_o (m_tkeep),
    .m_axis_vc0_tlast_o (m_tlast),
    .m_axis_vc0_tdest_o (m_tdest),
    .m_axis_vc0_tid_o   (m_tid),
    .m_axis_vc0_tvalid_o(m_tvalid),
    .m_axis_vc0_tready_i(m_tready),
    .cell_tx_lane_o     (cell_tx),
    .cell_rx_lane_i     (cell_rx),
    .cell_rx_valid_i    (cell_rx_valid),
    .xbar_tx_lane_o     (xbar_tx),
    .xbar_rx_lane_i     (xbar_rx),
    .xbar_rx_valid_i    (xbar_rx_valid),
    .xbar_apb_psel_i,
    .xbar_apb_penable_i,
    .xbar_apb_pwrite_i,
    .xbar_apb_paddr_i,
    .xbar_apb_pwdata_i,
    .xbar_apb_prdata_o,
    .xbar_apb_pready_o,
    .xbar_apb_pslverr_o,
    .xbar_link_up_o     (xbar_up),
    .xbar_link_down_o   (),
    .xbar_irq_o         (),
    .line_i,
    .line_o
  );

  for (genvar i = 0; i < Cells; i++) begin : g_cell
    spi_nor_model #(
      .SizeBytes(SizeBytes),
      .TppCycles(TppCycles),
      .TseCycles(TseCycles),
      .TbeCycles(TbeCycles),
      .TceCycles(TceCycles)
    ) u_nor (
      .clk_i,
      .spi_cs_ni        (spi_cs_n[i]),
      .spi_sclk_i       (spi_sclk[i]),
      .spi_mosi_i       (spi_mosi[i]),
      .spi_miso_o       (spi_miso[i]),
      .power_loss_i     (power_loss[i]),
      .power_loss_seed_i(power_loss_seed[i]),
      .wip_o            (wip[i])
    );

    hsi_channel #(.Latency(Latency)) u_up (
      .clk_i,
      .rst_ni,
      .lane_i     (cell_tx[i]),
      .seed_i     (up_seed[i]),
      .ber_i      (up_ber[i]),
      .drop_rate_i('0),
      .slip_rate_i('0),
      .drop_i     (1'b0),
      .slip_i     (1'b0),
      .cut_i      (up_cut[i]),
      .valid_o    (xbar_rx_valid[i]),
      .lane_o     (xbar_rx[i]),
      .flips_o    (up_flips[i]),
      .drops_o    (),
      .slips_o    ()
    );

    hsi_channel #(.Latency(Latency)) u_dn (
      .clk_i,
      .rst_ni,
      .lane_i     (xbar_tx[i]),
      .seed_i     (dn_seed[i]),
      .ber_i      (dn_ber[i]),
      .drop_rate_i('0),
      .slip_rate_i('0),
      .drop_i     (1'b0),
      .slip_i     (1'b0),
      .cut_i      (dn_cut[i]),
      .valid_o    (cell_rx_valid[i]),
      .lane_o     (cell_rx[i]),
      .flips_o    (dn_flips[i]),
      .drops_o    (),
      .slips_o    ()
    );
  end
endmodule

`undef SYSTEM_TB_CELL_PORTS
`undef SYSTEM_TB_CELL_WIRES
