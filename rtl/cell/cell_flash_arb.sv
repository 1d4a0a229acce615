// The flash controller's one stream face shared by Clients stream clients (the cell: image
// checker, DMA sender, DMA receiver). An operation is granted whole: the arbiter forwards one
// client's request, then routes the controller's program bytes, read bytes and response to and
// from that client only, until the client has taken its response; so each client sees its own
// read data and result and never another's. Grants rotate (the client after the last one first),
// so no client waits for more than Clients - 1 operations of the others.
// Clock/reset: clk_i, asynchronous active-low rst_ni. Client side: the controller's four stream
// ports, one lane per client (s_axis_req, s_axis, m_axis, m_axis_rsp; rsp and read data are
// shared wires, their valids are per client); controller side: flash_req, flash_wr (program
// bytes), flash_rd (read bytes), flash_rsp.
`default_nettype none

module cell_flash_arb
  import spi_flash_pkg::*;
#(
  parameter int unsigned Clients = 3  // stream clients, at least 2
) (
  input  wire logic                                clk_i,
  input  wire logic                                rst_ni,
  input  wire logic [Clients-1:0]                  s_axis_req_tvalid_i,
  output      logic [Clients-1:0]                  s_axis_req_tready_o,
  input  wire logic [Clients-1:0][FlashReqWidth-1:0] s_axis_req_tdata_i,
  output      logic [Clients-1:0]                  m_axis_rsp_tvalid_o,
  input  wire logic [Clients-1:0]                  m_axis_rsp_tready_i,
  output      logic [FlashRspWidth-1:0]            m_axis_rsp_tdata_o,
  input  wire logic [Clients-1:0]                  s_axis_tvalid_i,
  output      logic [Clients-1:0]                  s_axis_tready_o,
  input  wire logic [Clients-1:0][7:0]             s_axis_tdata_i,
  output      logic [Clients-1:0]                  m_axis_tvalid_o,
  input  wire logic [Clients-1:0]                  m_axis_tready_i,
  output      logic [7:0]                          m_axis_tdata_o,
  output      logic                                m_axis_tlast_o,
  output      logic                                flash_req_tvalid_o,
  input  wire logic                                flash_req_tready_i,
  output      logic [FlashReqWidth-1:0]            flash_req_tdata_o,
  input  wire logic                                flash_rsp_tvalid_i,
  output      logic                                flash_rsp_tready_o,
  input  wire logic [FlashRspWidth-1:0]            flash_rsp_tdata_i,
  output      logic                                flash_wr_tvalid_o,
  input  wire logic                                flash_wr_tready_i,
  output      logic [7:0]                          flash_wr_tdata_o,
  input  wire logic                                flash_rd_tvalid_i,
  output      logic                                flash_rd_tready_o,
  input  wire logic [7:0]                          flash_rd_tdata_i,
  input  wire logic                                flash_rd_tlast_i
);
  localparam int unsigned IdxW = $clog2(Clients);

  if (Clients < 2) begin : gen_bad_clients
    $error("%m: Clients must be at least 2, got %0d", Clients);
  end

  logic            busy_q, busy_d;    // an operation is granted and its response not yet taken
  logic [IdxW-1:0] owner_q, owner_d;  // the granted client, or the last one while idle
  logic [IdxW-1:0] pick;
  logic            any;

  // The first requesting client after the last owner.
  always_comb begin
    pick = owner_q;
    any  = 1'b0;
    for (int unsigned c = 0; c < Clients; c++) begin
      if (!any && c > int'(owner_q) && s_axis_req_tvalid_i[c]) begin
        any  = 1'b1;
        pick = IdxW'(c);
      end
    end
    for (int unsigned c = 0; c < Clients; c++) begin
      if (!any && c <= int'(owner_q) && s_axis_req_tvalid_i[c]) begin
        any  = 1'b1;
        pick = IdxW'(c);
      end
    end
  end

  always_comb begin
    busy_d              = busy_q;
    owner_d             = owner_q;
    s_axis_req_tready_o = '0;
    m_axis_rsp_tvalid_o = '0;
    s_axis_tready_o     = '0;
    m_axis_tvalid_o     = '0;
    flash_req_tvalid_o  = !busy_q && any;
    flash_req_tdata_o   = s_axis_req_tdata_i[pick];
    flash_wr_tvalid_o   = busy_q && s_axis_tvalid_i[owner_q];
    flash_wr_tdata_o    = s_axis_tdata_i[owner_q];
    flash_rd_tready_o   = busy_q && m_axis_tready_i[owner_q];
    flash_rsp_tready_o  = busy_q && m_axis_rsp_tready_i[owner_q];
    if (!busy_q) begin
      s_axis_req_tready_o[pick] = any && flash_req_tready_i;
      if (any && flash_req_tready_i) begin
        busy_d  = 1'b1;
        owner_d = pick;
      end
    end else begin
      s_axis_tready_o[owner_q]     = flash_wr_tready_i;
      m_axis_tvalid_o[owner_q]     = flash_rd_tvalid_i;
      m_axis_rsp_tvalid_o[owner_q] = flash_rsp_tvalid_i;
      if (flash_rsp_tvalid_i && m_axis_rsp_tready_i[owner_q]) busy_d = 1'b0;
    end
  end

  assign m_axis_tdata_o     = flash_rd_tdata_i;
  assign m_axis_tlast_o     = flash_rd_tlast_i;
  assign m_axis_rsp_tdata_o = flash_rsp_tdata_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      owner_q <= IdxW'(Clients - 1);
    end else begin
      busy_q  <= busy_d;
      owner_q <= owner_d;
    end
  end
endmodule
