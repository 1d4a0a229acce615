// Testbench top of the flash block: spi_flash_ctrl on a spi_nor_model, with the SPI bus brought
// out for the protocol checker, the model's power-loss input, and a bypass (bb_en_i) through
// which a test drives the part's pins itself (directed tests of the part alone).
`default_nettype none

module flash_tb
  import spi_flash_pkg::*;
#(
  parameter int unsigned SizeBytes = 1 << 18,  // flash capacity
  parameter int unsigned TppCycles = 600,      // page program time
  parameter int unsigned TseCycles = 2000,     // sector erase time
  parameter int unsigned TbeCycles = 5000,     // block erase time
  parameter int unsigned TceCycles = 12000,    // chip erase time
  parameter int unsigned FifoWords = 64        // controller FIFO depth in words
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
  output      logic        irq_o,
  input  wire logic        s_axis_req_tvalid_i,
  output      logic        s_axis_req_tready_o,
  input  wire logic [FlashReqWidth-1:0] s_axis_req_tdata_i,
  output      logic        m_axis_rsp_tvalid_o,
  input  wire logic        m_axis_rsp_tready_i,
  output      logic [FlashRspWidth-1:0] m_axis_rsp_tdata_o,
  input  wire logic        s_axis_tvalid_i,
  output      logic        s_axis_tready_o,
  input  wire logic [7:0]  s_axis_tdata_i,
  output      logic        m_axis_tvalid_o,
  input  wire logic        m_axis_tready_i,
  output      logic [7:0]  m_axis_tdata_o,
  output      logic        m_axis_tlast_o,
  output      logic        spi_cs_no,
  output      logic        spi_sclk_o,
  output      logic        spi_mosi_o,
  output      logic        spi_miso_o,
  input  wire logic        bb_en_i,
  input  wire logic        bb_cs_ni,
  input  wire logic        bb_sclk_i,
  input  wire logic        bb_mosi_i,
  input  wire logic        power_loss_i,
  input  wire logic [31:0] power_loss_seed_i,
  output      logic        wip_o
);
  logic ctrl_cs_n, ctrl_sclk, ctrl_mosi;

  spi_flash_ctrl #(.FifoWords(FifoWords), .FlashBytes(SizeBytes)) u_ctrl (
    .clk_i, .rst_ni,
    .apb_psel_i, .apb_penable_i, .apb_pwrite_i, .apb_paddr_i, .apb_pwdata_i, .apb_prdata_o, .apb_pready_o,
    .apb_pslverr_o, .irq_o,
    .s_axis_req_tvalid_i, .s_axis_req_tready_o, .s_axis_req_tdata_i, .m_axis_rsp_tvalid_o, .m_axis_rsp_tready_i,
    .m_axis_rsp_tdata_o,
    .s_axis_tvalid_i, .s_axis_tready_o, .s_axis_tdata_i,
    .m_axis_tvalid_o, .m_axis_tready_i, .m_axis_tdata_o, .m_axis_tlast_o,
    .spi_cs_no (ctrl_cs_n),
    .spi_sclk_o(ctrl_sclk),
    .spi_mosi_o(ctrl_mosi),
    .spi_miso_i(spi_miso_o)
  );

  assign spi_cs_no  = bb_en_i ? bb_cs_ni : ctrl_cs_n;
  assign spi_sclk_o = bb_en_i ? bb_sclk_i : ctrl_sclk;
  assign spi_mosi_o = bb_en_i ? bb_mosi_i : ctrl_mosi;

  spi_nor_model #(
    .SizeBytes(SizeBytes),
    .TppCycles(TppCycles),
    .TseCycles(TseCycles),
    .TbeCycles(TbeCycles),
    .TceCycles(TceCycles)
  ) u_nor (
    .clk_i,
    .spi_cs_ni (spi_cs_no),
    .spi_sclk_i(spi_sclk_o),
    .spi_mosi_i(spi_mosi_o),
    .spi_miso_o(spi_miso_o),
    .power_loss_i,
    .power_loss_seed_i,
    .wip_o
  );
endmodule
