// Fixture of tb/hsi/xbar*.test.ts: Ports cells' hsi_link endpoints (cell c: prefix c<c>_, its
// s_axis tid tied to c), each joined to port c of hsi_xbar by two hsi_channel lanes (Latency 4).
// The top has the ports of 8 cells; those of cells c >= Ports are not built (outputs 0). Every
// lane has the same fault rates (ber_i, drop_rate_i, slip_rate_i) with its own seed (seed_i + 2c
// cell to crossbar, + 2c + 1 back); flips_o, drops_o, slips_o count over all lanes.
`default_nettype none

`define HSI_XBAR_TB_CELL_PORTS(c) \
  input  wire logic        c``_apb_psel_i, \
  input  wire logic        c``_apb_penable_i, \
  input  wire logic        c``_apb_pwrite_i, \
  input  wire logic [11:0] c``_apb_paddr_i, \
  input  wire logic [31:0] c``_apb_pwdata_i, \
  output      logic [31:0] c``_apb_prdata_o, \
  output      logic        c``_apb_pready_o, \
  output      logic        c``_apb_pslverr_o, \
  input  wire logic [63:0] c``_s_axis_vc0_tdata_i, \
  input  wire logic [7:0]  c``_s_axis_vc0_tkeep_i, \
  input  wire logic        c``_s_axis_vc0_tlast_i, \
  input  wire logic [7:0]  c``_s_axis_vc0_tdest_i, \
  input  wire logic        c``_s_axis_vc0_tvalid_i, \
  output      logic        c``_s_axis_vc0_tready_o, \
  input  wire logic [63:0] c``_s_axis_vc1_tdata_i, \
  input  wire logic [7:0]  c``_s_axis_vc1_tkeep_i, \
  input  wire logic        c``_s_axis_vc1_tlast_i, \
  input  wire logic [7:0]  c``_s_axis_vc1_tdest_i, \
  input  wire logic        c``_s_axis_vc1_tvalid_i, \
  output      logic        c``_s_axis_vc1_tready_o, \
  output      logic [63:0] c``_m_axis_vc0_tdata_o, \
  output      logic [7:0]  c``_m_axis_vc0_tkeep_o, \
  output      logic        c``_m_axis_vc0_tlast_o, \
  output      logic [7:0]  c``_m_axis_vc0_tdest_o, \
  output      logic [7:0]  c``_m_axis_vc0_tid_o, \
  output      logic        c``_m_axis_vc0_tvalid_o, \
  input  wire logic        c``_m_axis_vc0_tready_i, \
  output      logic [63:0] c``_m_axis_vc1_tdata_o, \
  output      logic [7:0]  c``_m_axis_vc1_tkeep_o, \
  output      logic        c``_m_axis_vc1_tlast_o, \
  output      logic [7:0]  c``_m_axis_vc1_tdest_o, \
  output      logic [7:0]  c``_m_axis_vc1_tid_o, \
  output      logic        c``_m_axis_vc1_tvalid_o, \
  input  wire logic        c``_m_axis_vc1_tready_i, \
  output      logic        c``_link_up_o, \
  output      logic        c``_link_down_o, \
  output      logic        c``_irq_o,

// Cell i's endpoint on lanes cell_tx[i] (to the crossbar) and xbar_rx[i] (from it), or, beyond
// Ports, its outputs tied off.
`define HSI_XBAR_TB_CELL(c, i) \
  if (i < Ports) begin : g_``c \
    hsi_link #( \
      .ReplayTimeout (ReplayTimeout) \
    ) u_cell ( \
      .clk_i, \
      .rst_ni, \
      .apb_psel_i          (c``_apb_psel_i), \
      .apb_penable_i       (c``_apb_penable_i), \
      .apb_pwrite_i        (c``_apb_pwrite_i), \
      .apb_paddr_i         (c``_apb_paddr_i), \
      .apb_pwdata_i        (c``_apb_pwdata_i), \
      .apb_prdata_o        (c``_apb_prdata_o), \
      .apb_pready_o        (c``_apb_pready_o), \
      .apb_pslverr_o       (c``_apb_pslverr_o), \
      .tx_lane_o           (cell_tx[i]), \
      .rx_lane_i           (cell_rx[i]), \
      .rx_valid_i          (cell_rx_valid[i]), \
      .s_axis_vc0_tdata_i  (c``_s_axis_vc0_tdata_i), \
      .s_axis_vc0_tkeep_i  (c``_s_axis_vc0_tkeep_i), \
      .s_axis_vc0_tlast_i  (c``_s_axis_vc0_tlast_i), \
      .s_axis_vc0_tdest_i  (c``_s_axis_vc0_tdest_i), \
      .s_axis_vc0_tid_i    (8'(i)), \
      .s_axis_vc0_tvalid_i (c``_s_axis_vc0_tvalid_i), \
      .s_axis_vc0_tready_o (c``_s_axis_vc0_tready_o), \
      .s_axis_vc1_tdata_i  (c``_s_axis_vc1_tdata_i), \
      .s_axis_vc1_tkeep_i  (c``_s_axis_vc1_tkeep_i), \
      .s_axis_vc1_tlast_i  (c``_s_axis_vc1_tlast_i), \
      .s_axis_vc1_tdest_i  (c``_s_axis_vc1_tdest_i), \
      .s_axis_vc1_tid_i    (8'(i)), \
      .s_axis_vc1_tvalid_i (c``_s_axis_vc1_tvalid_i), \
      .s_axis_vc1_tready_o (c``_s_axis_vc1_tready_o), \
      .m_axis_vc0_tdata_o  (c``_m_axis_vc0_tdata_o), \
      .m_axis_vc0_tkeep_o  (c``_m_axis_vc0_tkeep_o), \
      .m_axis_vc0_tlast_o  (c``_m_axis_vc0_tlast_o), \
      .m_axis_vc0_tdest_o  (c``_m_axis_vc0_tdest_o), \
      .m_axis_vc0_tid_o    (c``_m_axis_vc0_tid_o), \
      .m_axis_vc0_tvalid_o (c``_m_axis_vc0_tvalid_o), \
      .m_axis_vc0_tready_i (c``_m_axis_vc0_tready_i), \
      .m_axis_vc1_tdata_o  (c``_m_axis_vc1_tdata_o), \
      .m_axis_vc1_tkeep_o  (c``_m_axis_vc1_tkeep_o), \
      .m_axis_vc1_tlast_o  (c``_m_axis_vc1_tlast_o), \
      .m_axis_vc1_tdest_o  (c``_m_axis_vc1_tdest_o), \
      .m_axis_vc1_tid_o    (c``_m_axis_vc1_tid_o), \
      .m_axis_vc1_tvalid_o (c``_m_axis_vc1_tvalid_o), \
      .m_axis_vc1_tready_i (c``_m_axis_vc1_tready_i), \
      .link_up_o           (c``_link_up_o), \
      .link_down_o         (c``_link_down_o), \
      .irq_o               (c``_irq_o) \
    ); \
  end else begin : g_``c``_absent \
    assign {c``_apb_prdata_o, c``_apb_pready_o, c``_apb_pslverr_o, c``_s_axis_vc0_tready_o, c``_s_axis_vc1_tready_o} = '0; \
    assign {c``_m_axis_vc0_tdata_o, c``_m_axis_vc0_tkeep_o, c``_m_axis_vc0_tlast_o, c``_m_axis_vc0_tdest_o, c``_m_axis_vc0_tid_o, c``_m_axis_vc0_tvalid_o} = '0; \
    assign {c``_m_axis_vc1_tdata_o, c``_m_axis_vc1_tkeep_o, c``_m_axis_vc1_tlast_o, c``_m_axis_vc1_tdest_o, c``_m_axis_vc1_tid_o, c``_m_axis_vc1_tvalid_o} = '0; \
    assign {c``_link_up_o, c``_link_down_o, c``_irq_o} = '0; \
  end

module hsi_xbar_tb #(
  parameter int unsigned Ports = 4,            // cells and crossbar ports, 2..8
  parameter int unsigned ReplayTimeout = 1024  // every endpoint's
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  `HSI_XBAR_TB_CELL_PORTS(c0)
  `HSI_XBAR_TB_CELL_PORTS(c1)
  `HSI_XBAR_TB_CELL_PORTS(c2)
  `HSI_XBAR_TB_CELL_PORTS(c3)
  `HSI_XBAR_TB_CELL_PORTS(c4)
  `HSI_XBAR_TB_CELL_PORTS(c5)
  `HSI_XBAR_TB_CELL_PORTS(c6)
  `HSI_XBAR_TB_CELL_PORTS(c7)
  // the crossbar
  input  wire logic        x_apb_psel_i,
  input  wire logic        x_apb_penable_i,
  input  wire logic        x_apb_pwrite_i,
  input  wire logic [12:0] x_apb_paddr_i,
  input  wire logic [31:0] x_apb_pwdata_i,
  output      logic [31:0] x_apb_prdata_o,
  output      logic        x_apb_pready_o,
  output      logic        x_apb_pslverr_o,
  output      logic [7:0]  x_link_up_o,
  output      logic [7:0]  x_link_down_o,
  output      logic [7:0]  x_irq_o,
  // every lane's faults
  input  wire logic [31:0] seed_i,
  input  wire logic [63:0] ber_i,
  input  wire logic [31:0] drop_rate_i,
  input  wire logic [31:0] slip_rate_i,
  input  wire logic [7:0]  cut_i,         // bit c: both of cell c's lanes carry nothing
  output      logic [63:0] flips_o,
  output      logic [31:0] drops_o,
  output      logic [31:0] slips_o
);
  if (Ports < 2 || Ports > 8) begin : g_bad_ports
    $error("hsi_xbar_tb %m: the top has the ports of 2..8 cells, not %0d", Ports);
  end

  // Lane 2c: cell c to the crossbar; lane 2c + 1: back.
  localparam int unsigned Lanes = 2 * Ports;
  logic [Ports-1:0][65:0] cell_tx, cell_rx, xbar_tx, xbar_rx;
  logic [Ports-1:0]       cell_rx_valid, xbar_rx_valid;
  logic [Lanes-1:0][63:0] flips;
  logic [Lanes-1:0][31:0] drops, slips;
  logic [Ports-1:0]       link_up, link_down, irq;

  `HSI_XBAR_TB_CELL(c0, 0)
  `HSI_XBAR_TB_CELL(c1, 1)
  `HSI_XBAR_TB_CELL(c2, 2)
  `HSI_XBAR_TB_CELL(c3, 3)
  `HSI_XBAR_TB_CELL(c4, 4)
  `HSI_XBAR_TB_CELL(c5, 5)
  `HSI_XBAR_TB_CELL(c6, 6)
  `HSI_XBAR_TB_CELL(c7, 7)

  for (genvar c = 0; c < Ports; c++) begin : g_lane
    hsi_channel #(
      .Latency (4)
    ) u_up (
      .clk_i,
      .rst_ni,
      .lane_i      (cell_tx[c]),
      .seed_i      (seed_i + 32'(2 * c)),
      .ber_i,
      .drop_rate_i,
      .slip_rate_i,
      .drop_i      (1'b0),
      .slip_i      (1'b0),
      .cut_i       (cut_i[c]),
      .valid_o     (xbar_rx_valid[c]),
      .lane_o      (xbar_rx[c]),
      .flips_o     (flips[2 * c]),
      .drops_o     (drops[2 * c]),
      .slips_o     (slips[2 * c])
    );

    hsi_channel #(
      .Latency (4)
    ) u_down (
      .clk_i,
      .rst_ni,
      .lane_i      (xbar_tx[c]),
      .seed_i      (seed_i + 32'(2 * c + 1)),
      .ber_i,
      .drop_rate_i,
      .slip_rate_i,
      .drop_i      (1'b0),
      .slip_i      (1'b0),
      .cut_i       (cut_i[c]),
      .valid_o     (cell_rx_valid[c]),
      .lane_o      (cell_rx[c]),
      .flips_o     (flips[2 * c + 1]),
      .drops_o     (drops[2 * c + 1]),
      .slips_o     (slips[2 * c + 1])
    );
  end

  always_comb begin
    flips_o = '0;
    drops_o = '0;
    slips_o = '0;
    for (int unsigned l = 0; l < Lanes; l++) begin
      flips_o = flips_o + flips[l];
      drops_o = drops_o + drops[l];
      slips_o = slips_o + slips[l];
    end
  end

  hsi_xbar #(
    .Ports         (Ports),
    .ReplayTimeout (ReplayTimeout)
  ) u_xbar (
    .clk_i,
    .rst_ni,
    .apb_psel_i    (x_apb_psel_i),
    .apb_penable_i (x_apb_penable_i),
    .apb_pwrite_i  (x_apb_pwrite_i),
    .apb_paddr_i   (x_apb_paddr_i),
    .apb_pwdata_i  (x_apb_pwdata_i),
    .apb_prdata_o  (x_apb_prdata_o),
    .apb_pready_o  (x_apb_pready_o),
    .apb_pslverr_o (x_apb_pslverr_o),
    .tx_lane_o     (xbar_tx),
    .rx_lane_i     (xbar_rx),
    .rx_valid_i    (xbar_rx_valid),
    .link_up_o     (link_up),
    .link_down_o   (link_down),
    .irq_o         (irq)
  );

  assign x_link_up_o = 8'(link_up);
  assign x_link_down_o = 8'(link_down);
  assign x_irq_o = 8'(irq);
endmodule
