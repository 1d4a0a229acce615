// AXI-Stream register slice: one full register stage (s_axis_* -> m_axis_*) with a skid buffer,
// so tready is registered and a beat can move every cycle. Counts the beats accepted at the
// output for throughput measurements.
// Clock/reset: clk_i, asynchronous active-low rst_ni.
`default_nettype none

module axis_slice #(
  parameter int unsigned DataWidth = 8  // tdata bits
) (
  input  wire logic                 clk_i,
  input  wire logic                 rst_ni,
  input  wire logic [DataWidth-1:0] s_axis_tdata_i,
  input  wire logic                 s_axis_tlast_i,
  input  wire logic                 s_axis_tvalid_i,
  output      logic                 s_axis_tready_o,
  output      logic [DataWidth-1:0] m_axis_tdata_o,
  output      logic                 m_axis_tlast_o,
  output      logic                 m_axis_tvalid_o,
  input  wire logic                 m_axis_tready_i,
  output      logic [31:0]          beats_o
);
  if (DataWidth == 0) begin : gen_bad_width
    $error("%m: DataWidth must be at least 1");
  end

  logic [DataWidth-1:0] out_data_q, out_data_d, skid_data_q, skid_data_d;
  logic                 out_last_q, out_last_d, skid_last_q, skid_last_d;
  logic                 out_valid_q, out_valid_d, skid_valid_q, skid_valid_d;
  logic [31:0]          beats_q, beats_d;

  // The skid register catches the beat accepted in the cycle the output stalls, which is what
  // lets s_axis_tready_o come straight from a flop.
  assign s_axis_tready_o = !skid_valid_q;
  assign m_axis_tdata_o  = out_data_q;
  assign m_axis_tlast_o  = out_last_q;
  assign m_axis_tvalid_o = out_valid_q;
  assign beats_o         = beats_q;

  always_comb begin
    out_data_d   = out_data_q;
    out_last_d   = out_last_q;
    out_valid_d  = out_valid_q;
    skid_data_d  = skid_data_q;
    skid_last_d  = skid_last_q;
    skid_valid_d = skid_valid_q;
    beats_d      = beats_q;
    if (out_valid_q && m_axis_tready_i) beats_d = beats_q + 32'd1;
    if (!out_valid_q || m_axis_tready_i) begin
      // The output register is free: refill it, from the skid buffer first.
      if (skid_valid_q) begin
        out_data_d   = skid_data_q;
        out_last_d   = skid_last_q;
        out_valid_d  = 1'b1;
        skid_valid_d = 1'b0;
      end else begin
        out_data_d  = s_axis_tdata_i;
        out_last_d  = s_axis_tlast_i;
        out_valid_d = s_axis_tvalid_i;
      end
    end else if (s_axis_tvalid_i && s_axis_tready_o) begin
      skid_data_d  = s_axis_tdata_i;
      skid_last_d  = s_axis_tlast_i;
      skid_valid_d = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      out_data_q   <= '0;
      out_last_q   <= 1'b0;
      out_valid_q  <= 1'b0;
      skid_data_q  <= '0;
      skid_last_q  <= 1'b0;
      skid_valid_q <= 1'b0;
      beats_q      <= '0;
    end else begin
      out_data_q   <= out_data_d;
      out_last_q   <= out_last_d;
      out_valid_q  <= out_valid_d;
      skid_data_q  <= skid_data_d;
      skid_last_q  <= skid_last_d;
      skid_valid_q <= skid_valid_d;
      beats_q      <= beats_d;
    end
  end
endmodule
