// The HSI crossbar: Ports ports, port p facing cell p, each a full hsi_link endpoint (so
// reliability is per hop). A DATA frame a port's link receives is routed by its dst to the
// output queue of port dst and its vc (hsi_xbar_ingress), where a round-robin arbiter per
// output and vc picks among the inputs (hsi_xbar_egress); the queue feeds that port's link,
// whose transmitter shares the lane round robin between the vcs. A frame for no port, or for a
// port whose link is not up, is dropped and counted at its input, never delivered elsewhere.
// Output queueing: a stalled output fills its own queue and its link's replay buffer, and holds
// an input only at the start of a frame for it once both are full (rtl/hsi/README.md).
// Clock/reset: clk_i, asynchronous active-low rst_ni. Lanes: port p's tx_lane_o[p], rx_lane_i[p],
// rx_valid_i[p] as on hsi_link. APB: port p's window at p * 0x200: its link's registers at
// +0x000 (hsi_reg_top), the crossbar's of the port at +0x100 (hsi_xbar_reg_top); an address
// beyond the last port answers pslverr. link_up_o, link_down_o, irq_o: each port link's.
`default_nettype none

module hsi_xbar #(
  parameter int unsigned Ports = 4,            // ports (cells), 2..16
  parameter int unsigned QueueFrames = 4,      // frames per output queue and vc; a power of 2, at least 2
  parameter int unsigned TxSlots = 8,          // each port link's replay-buffer frames per vc
  parameter int unsigned RxBuffers = 8,        // each port link's receive buffers per vc
  parameter int unsigned ReplayTimeout = 1024  // each port link's
) (
  input  wire logic                   clk_i,
  input  wire logic                   rst_ni,
  input  wire logic                   apb_psel_i,
  input  wire logic                   apb_penable_i,
  input  wire logic                   apb_pwrite_i,
  input  wire logic [12:0]            apb_paddr_i,
  input  wire logic [31:0]            apb_pwdata_i,
  output      logic [31:0]            apb_prdata_o,
  output      logic                   apb_pready_o,
  output      logic                   apb_pslverr_o,
  output      logic [Ports-1:0][65:0] tx_lane_o,
  input  wire logic [Ports-1:0][65:0] rx_lane_i,
  input  wire logic [Ports-1:0]       rx_valid_i,
  output      logic [Ports-1:0]       link_up_o,
  output      logic [Ports-1:0]       link_down_o,
  output      logic [Ports-1:0]       irq_o
);
  localparam int unsigned Vcs = hsi_pkg::Vcs;
  localparam int unsigned OccBits = $clog2(QueueFrames) + 1;

  if (Ports < 2 || Ports > 16) begin : g_bad_ports
    $error("hsi_xbar %m: Ports must be 2..16 (a port's window is 4 address bits), not %0d", Ports);
  end

  // Frames received by port p's link (rx_*, then in_* behind a slice) and to be sent by it
  // (out_* from the output queue, then tx_* behind a slice), by port and vc.
  logic [Ports-1:0][Vcs-1:0][63:0] rx_tdata, in_tdata, out_tdata, tx_tdata;
  logic [Ports-1:0][Vcs-1:0][7:0]  rx_tkeep, rx_tdest, rx_tid, in_tkeep, in_tdest, in_tid;
  logic [Ports-1:0][Vcs-1:0][7:0]  out_tkeep, out_tdest, out_tid, tx_tkeep, tx_tdest, tx_tid;
  logic [Ports-1:0][Vcs-1:0]       rx_tlast, rx_tvalid, rx_tready, in_tlast, in_tvalid, in_tready;
  logic [Ports-1:0][Vcs-1:0]       out_tlast, out_tvalid, out_tready, tx_tlast, tx_tvalid, tx_tready;
  // req[i][v][o]: input i's frame of vc v waits for output o; grant[o][v][i]: o takes its beats.
  logic [Ports-1:0][Vcs-1:0][Ports-1:0] req, grant;
  logic [Ports-1:0][Vcs-1:0]       in_grant, routed, bad_dst, down;
  logic [Ports-1:0][Vcs-1:0][OccBits-1:0] occupancy;
  logic [Ports-1:0][5:0][31:0]     count;

  // APB: the port and the window of the access.
  logic [3:0]                 port;
  logic                       xbar_window;
  logic [Ports-1:0][1:0]      psel;
  logic [Ports-1:0][1:0][31:0] prdata;
  logic [Ports-1:0][1:0]      pready, pslverr;
  logic [11:0]                paddr;

  always_comb begin
    port = apb_paddr_i[12:9];
    xbar_window = apb_paddr_i[8];
    paddr = {4'd0, apb_paddr_i[7:0]};
    psel = '0;
    for (int unsigned p = 0; p < Ports; p++) begin
      if (32'(port) == p) psel[p][xbar_window] = apb_psel_i;
    end
  end

  // Apart from the selects, which the answer depends on.
  always_comb begin
    apb_prdata_o = '0;
    apb_pready_o = 1'b1;
    apb_pslverr_o = apb_psel_i && apb_penable_i;
    for (int unsigned p = 0; p < Ports; p++) begin
      if (32'(port) == p) begin
        apb_prdata_o = prdata[p][xbar_window];
        apb_pready_o = pready[p][xbar_window];
        apb_pslverr_o = pslverr[p][xbar_window];
      end
    end
  end

  for (genvar p = 0; p < Ports; p++) begin : g_port
    hsi_link #(
      .TxSlots       (TxSlots),
      .RxBuffers     (RxBuffers),
      .ReplayTimeout (ReplayTimeout),
      .FollowPeer    (1'b1)
    ) u_link (
      .clk_i,
      .rst_ni,
      .apb_psel_i          (psel[p][0]),
      .apb_penable_i,
      .apb_pwrite_i,
      .apb_paddr_i         (paddr),
      .apb_pwdata_i,
      .apb_prdata_o        (prdata[p][0]),
      .apb_pready_o        (pready[p][0]),
      .apb_pslverr_o       (pslverr[p][0]),
      .tx_lane_o           (tx_lane_o[p]),
      .rx_lane_i           (rx_lane_i[p]),
      .rx_valid_i          (rx_valid_i[p]),
      .s_axis_vc0_tdata_i  (tx_tdata[p][0]),
      .s_axis_vc0_tkeep_i  (tx_tkeep[p][0]),
      .s_axis_vc0_tlast_i  (tx_tlast[p][0]),
      .s_axis_vc0_tdest_i  (tx_tdest[p][0]),
      .s_axis_vc0_tid_i    (tx_tid[p][0]),
      .s_axis_vc0_tvalid_i (tx_tvalid[p][0]),
      .s_axis_vc0_tready_o (tx_tready[p][0]),
      .s_axis_vc1_tdata_i  (tx_tdata[p][1]),
      .s_axis_vc1_tkeep_i  (tx_tkeep[p][1]),
      .s_axis_vc1_tlast_i  (tx_tlast[p][1]),
      .s_axis_vc1_tdest_i  (tx_tdest[p][1]),
      .s_axis_vc1_tid_i    (tx_tid[p][1]),
      .s_axis_vc1_tvalid_i (tx_tvalid[p][1]),
      .s_axis_vc1_tready_o (tx_tready[p][1]),
      .m_axis_vc0_tdata_o  (rx_tdata[p][0]),
      .m_axis_vc0_tkeep_o  (rx_tkeep[p][0]),
      .m_axis_vc0_tlast_o  (rx_tlast[p][0]),
      .m_axis_vc0_tdest_o  (rx_tdest[p][0]),
      .m_axis_vc0_tid_o    (rx_tid[p][0]),
      .m_axis_vc0_tvalid_o (rx_tvalid[p][0]),
      .m_axis_vc0_tready_i (rx_tready[p][0]),
      .m_axis_vc1_tdata_o  (rx_tdata[p][1]),
      .m_axis_vc1_tkeep_o  (rx_tkeep[p][1]),
      .m_axis_vc1_tlast_o  (rx_tlast[p][1]),
      .m_axis_vc1_tdest_o  (rx_tdest[p][1]),
      .m_axis_vc1_tid_o    (rx_tid[p][1]),
      .m_axis_vc1_tvalid_o (rx_tvalid[p][1]),
      .m_axis_vc1_tready_i (rx_tready[p][1]),
      .link_up_o           (link_up_o[p]),
      .link_down_o         (link_down_o[p]),
      .irq_o               (irq_o[p])
    );

    for (genvar v = 0; v < Vcs; v++) begin : g_vc
      hsi_xbar_slice u_rx_slice (
        .clk_i,
        .rst_ni,
        .s_axis_tdata_i  (rx_tdata[p][v]),
        .s_axis_tkeep_i  (rx_tkeep[p][v]),
        .s_axis_tlast_i  (rx_tlast[p][v]),
        .s_axis_tdest_i  (rx_tdest[p][v]),
        .s_axis_tid_i    (rx_tid[p][v]),
        .s_axis_tvalid_i (rx_tvalid[p][v]),
        .s_axis_tready_o (rx_tready[p][v]),
        .m_axis_tdata_o  (in_tdata[p][v]),
        .m_axis_tkeep_o  (in_tkeep[p][v]),
        .m_axis_tlast_o  (in_tlast[p][v]),
        .m_axis_tdest_o  (in_tdest[p][v]),
        .m_axis_tid_o    (in_tid[p][v]),
        .m_axis_tvalid_o (in_tvalid[p][v]),
        .m_axis_tready_i (in_tready[p][v])
      );

      hsi_xbar_slice u_tx_slice (
        .clk_i,
        .rst_ni,
        .s_axis_tdata_i  (out_tdata[p][v]),
        .s_axis_tkeep_i  (out_tkeep[p][v]),
        .s_axis_tlast_i  (out_tlast[p][v]),
        .s_axis_tdest_i  (out_tdest[p][v]),
        .s_axis_tid_i    (out_tid[p][v]),
        .s_axis_tvalid_i (out_tvalid[p][v]),
        .s_axis_tready_o (out_tready[p][v]),
        .m_axis_tdata_o  (tx_tdata[p][v]),
        .m_axis_tkeep_o  (tx_tkeep[p][v]),
        .m_axis_tlast_o  (tx_tlast[p][v]),
        .m_axis_tdest_o  (tx_tdest[p][v]),
        .m_axis_tid_o    (tx_tid[p][v]),
        .m_axis_tvalid_o (tx_tvalid[p][v]),
        .m_axis_tready_i (tx_tready[p][v])
      );

      // The inputs' beats of this vc as the egress sees them, and the requests for this output.
      logic [Ports-1:0][63:0] tdata;
      logic [Ports-1:0][7:0]  tkeep, tdest, tid;
      logic [Ports-1:0]       tlast, tvalid, req_here;
      always_comb begin
        for (int unsigned i = 0; i < Ports; i++) begin
          tdata[i] = in_tdata[i][v];
          tkeep[i] = in_tkeep[i][v];
          tdest[i] = in_tdest[i][v];
          tid[i] = in_tid[i][v];
          tlast[i] = in_tlast[i][v];
          tvalid[i] = in_tvalid[i][v];
          req_here[i] = req[i][v][p];
        end
        in_grant[p][v] = 1'b0;
        for (int unsigned o = 0; o < Ports; o++) in_grant[p][v] = in_grant[p][v] || grant[o][v][p];
      end

      hsi_xbar_ingress #(
        .Ports (Ports)
      ) u_ingress (
        .clk_i,
        .rst_ni,
        .s_axis_tvalid_i (in_tvalid[p][v]),
        .s_axis_tlast_i  (in_tlast[p][v]),
        .s_axis_tdest_i  (in_tdest[p][v]),
        .s_axis_tready_o (in_tready[p][v]),
        .up_i            (link_up_o),
        .req_o           (req[p][v]),
        .grant_i         (in_grant[p][v]),
        .routed_o        (routed[p][v]),
        .bad_dst_o       (bad_dst[p][v]),
        .down_o          (down[p][v])
      );

      hsi_xbar_egress #(
        .Ports       (Ports),
        .QueueFrames (QueueFrames)
      ) u_egress (
        .clk_i,
        .rst_ni,
        .req_i           (req_here),
        .grant_o         (grant[p][v]),
        .s_axis_tdata_i  (tdata),
        .s_axis_tkeep_i  (tkeep),
        .s_axis_tlast_i  (tlast),
        .s_axis_tdest_i  (tdest),
        .s_axis_tid_i    (tid),
        .s_axis_tvalid_i (tvalid),
        .m_axis_tdata_o  (out_tdata[p][v]),
        .m_axis_tkeep_o  (out_tkeep[p][v]),
        .m_axis_tlast_o  (out_tlast[p][v]),
        .m_axis_tdest_o  (out_tdest[p][v]),
        .m_axis_tid_o    (out_tid[p][v]),
        .m_axis_tvalid_o (out_tvalid[p][v]),
        .m_axis_tready_i (out_tready[p][v]),
        .occupancy_o     (occupancy[p][v])
      );
    end

    hsi_link_counters #(
      .Events (6)
    ) u_counters (
      .clk_i,
      .rst_ni,
      .event_i ({down[p], bad_dst[p], routed[p]}),
      .count_o (count[p])
    );

    // Both vcs' counters wrap mod 2^32, so their sum is the port's count mod 2^32.
    hsi_xbar_reg_top u_regs (
      .clk_i,
      .rst_ni,
      .apb_psel_i              (psel[p][1]),
      .apb_penable_i,
      .apb_pwrite_i,
      .apb_paddr_i             (paddr),
      .apb_pwdata_i,
      .apb_prdata_o            (prdata[p][1]),
      .apb_pready_o            (pready[p][1]),
      .apb_pslverr_o           (pslverr[p][1]),
      .routed_count_i          (count[p][0] + count[p][1]),
      .dropped_bad_dst_count_i (count[p][2] + count[p][3]),
      .dropped_down_count_i    (count[p][4] + count[p][5]),
      .occupancy_vc0_i         (8'(occupancy[p][0])),
      .occupancy_vc1_i         (8'(occupancy[p][1])),
      .config_ports_i          (8'(Ports)),
      .config_queue_frames_i   (8'(QueueFrames))
    );
  end
endmodule
