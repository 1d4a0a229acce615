// Bridge fixture for the determinism test: every kind of harness agent on one clock. An
// AXI-Stream slice (source, sink, monitor), the APB register file (wait states, pslverr) and a
// serial line through a flop, side by side.
`default_nettype none

module mixed (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [7:0]  s_axis_tdata_i,
  input  wire logic        s_axis_tlast_i,
  input  wire logic        s_axis_tvalid_i,
  output      logic        s_axis_tready_o,
  output      logic [7:0]  m_axis_tdata_o,
  output      logic        m_axis_tlast_o,
  output      logic        m_axis_tvalid_o,
  input  wire logic        m_axis_tready_i,
  output      logic [31:0] beats_o,
  input  wire logic        apb_psel_i,
  input  wire logic        apb_penable_i,
  input  wire logic        apb_pwrite_i,
  input  wire logic [11:0] apb_paddr_i,
  input  wire logic [31:0] apb_pwdata_i,
  output      logic [31:0] apb_prdata_o,
  output      logic        apb_pready_o,
  output      logic        apb_pslverr_o,
  input  wire logic        line_i,
  output      logic        line_o
);
  axis_slice #(.DataWidth(8)) u_slice (
    .clk_i, .rst_ni,
    .s_axis_tdata_i, .s_axis_tlast_i, .s_axis_tvalid_i, .s_axis_tready_o,
    .m_axis_tdata_o, .m_axis_tlast_o, .m_axis_tvalid_o, .m_axis_tready_i,
    .beats_o
  );

  apb_regfile u_regs (
    .clk_i, .rst_ni,
    .apb_psel_i, .apb_penable_i, .apb_pwrite_i, .apb_paddr_i, .apb_pwdata_i,
    .apb_prdata_o, .apb_pready_o, .apb_pslverr_o
  );

  line_loop u_line (.clk_i, .line_i, .line_o);
endmodule
