// A register slice on an AXI-Stream of the crossbar: two entries, so it passes a beat per cycle,
// and tready and tvalid come from registers. Between a link's buffer and the crossbar it cuts
// the combinational path a link's ready/valid would otherwise close through the crossbar's
// arbitration (each buffer computes its tvalid and its tready in one process).
// Clock/reset: clk_i, asynchronous active-low rst_ni.
`default_nettype none

module hsi_xbar_slice (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic [63:0] s_axis_tdata_i,
  input  wire logic [7:0]  s_axis_tkeep_i,
  input  wire logic        s_axis_tlast_i,
  input  wire logic [7:0]  s_axis_tdest_i,
  input  wire logic [7:0]  s_axis_tid_i,
  input  wire logic        s_axis_tvalid_i,
  output      logic        s_axis_tready_o,
  output      logic [63:0] m_axis_tdata_o,
  output      logic [7:0]  m_axis_tkeep_o,
  output      logic        m_axis_tlast_o,
  output      logic [7:0]  m_axis_tdest_o,
  output      logic [7:0]  m_axis_tid_o,
  output      logic        m_axis_tvalid_o,
  input  wire logic        m_axis_tready_i
);
  localparam int unsigned Bits = 64 + 8 + 1 + 8 + 8;

  logic [1:0][Bits-1:0] mem_q;
  logic [1:0]           count_q, count_d;
  logic                 wr_q, wr_d, rd_q, rd_d, push, pop;

  always_comb begin
    s_axis_tready_o = count_q != 2'd2;
    m_axis_tvalid_o = count_q != 2'd0;
    {m_axis_tdata_o, m_axis_tkeep_o, m_axis_tlast_o, m_axis_tdest_o, m_axis_tid_o} = mem_q[rd_q];
  end

  // Apart from the outputs, which must not depend on the inputs.
  always_comb begin
    push = s_axis_tvalid_i && s_axis_tready_o;
    pop = m_axis_tvalid_o && m_axis_tready_i;
    count_d = count_q + 2'(push) - 2'(pop);
    wr_d = wr_q ^ push;
    rd_d = rd_q ^ pop;
  end

  always_ff @(posedge clk_i) begin
    if (push) mem_q[wr_q] <= {s_axis_tdata_i, s_axis_tkeep_i, s_axis_tlast_i, s_axis_tdest_i, s_axis_tid_i};
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      count_q <= '0;
      wr_q <= 1'b0;
      rd_q <= 1'b0;
    end else begin
      count_q <= count_d;
      wr_q <= wr_d;
      rd_q <= rd_d;
    end
  end
endmodule
