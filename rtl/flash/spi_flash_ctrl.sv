// SPI NOR flash controller (DESIGN.md section 3, flash): one command engine with two faces.
// - CSR face (the management processor): the APB register block spi_flash_reg_top (map in
//   rtl/flash/README.md), a TX FIFO of words to program and an RX FIFO of words read; a CMD
//   write starts an operation with ADDR and LEN; STATUS reports done and errors.
// - Stream face (firmware DMA, image checker), four AXI-Stream ports: requests on s_axis_req
//   (one flash_req_t beat of spi_flash_pkg, the CSR op codes), program bytes on s_axis, bytes
//   read on m_axis (tlast on the last), and one flash_rsp_t beat per request on m_axis_rsp
//   (the result and the CRC-32 of the bytes read).
// Requests of the two faces are served whole; a pending CSR command goes first, and a stream
// request is taken only once the previous response has been, which leaves the CSR face a cycle
// after every stream operation: neither face waits for more than one operation of the other.
// Clock/reset: clk_i, asynchronous active-low rst_ni. SPI mode 0 on spi_*.
`default_nettype none

module spi_flash_ctrl
  import spi_flash_pkg::*;
#(
  parameter int unsigned FifoWords = 64,       // depth of the TX and RX FIFOs in 32-bit words (2..64, a power of two)
  parameter int unsigned FlashBytes = 1 << 24  // size of the part (a power of two, 4 KiB..16 MiB): writes beyond it are refused
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
  input  wire logic        spi_miso_i
);
  localparam int unsigned LevelWidth = $clog2(FifoWords + 1);

  if (FifoWords < 2 || FifoWords > 64 || (FifoWords & (FifoWords - 1)) != 0) begin : gen_bad_fifo
    $error("%m: FifoWords must be a power of two in 2..64 (STATUS levels are 7 bits), got %0d", FifoWords);
  end

  // Register block.
  logic [7:0]  ctrl_div;
  logic        ctrl_tx_clr, ctrl_rx_clr, ctrl_we;
  logic [23:0] addr_addr, len_len, wp_base, wp_limit;
  logic [3:0]  cmd_op;
  logic        cmd_we;
  logic        status_done, status_err_protect, status_err_timeout, status_err_command, status_tx_overflow;
  logic [31:0] rxdata_data, txdata_data, timeout_cycles;
  logic        rxdata_re, txdata_we;
  logic [31:0] crc_q, crc_d;

  // The CSR face's command, latched at the CMD write until the engine takes it.
  logic        csr_pend_q, csr_pend_d;
  flash_op_e   csr_op_q, csr_op_d;
  logic [23:0] csr_addr_q, csr_addr_d, csr_len_q, csr_len_d;
  logic        csr_run_q, csr_run_d;  // the engine runs a CSR command
  logic        stream_q, stream_d;    // the engine's operation came from the stream face
  logic        csr_busy, csr_done, pick_stream, req_valid, cmd_short;
  logic        rsp_valid_q, rsp_valid_d;
  flash_rsp_t  rsp_data_q, rsp_data_d;
  flash_req_t  req;

  // Engine.
  logic        cmd_valid, cmd_ready;
  flash_op_e   cmd_op_sel;
  logic [23:0] cmd_addr_sel, cmd_len_sel;
  logic        wr_valid, wr_ready, wr_last, rd_valid, rd_ready, rd_last, done;
  logic [7:0]  wr_data, rd_data;
  flash_err_e  err;
  logic [31:0] crc;

  // FIFOs and the byte/word conversions of the CSR face.
  logic                  txf_wready, txf_rvalid, txf_rready, rxf_wvalid, rxf_wready, rxf_rvalid;
  logic [31:0]           txf_rdata, rxf_wdata, rxf_rdata;
  logic [LevelWidth-1:0] txf_level, rxf_level;
  logic [1:0]            tx_idx_q, tx_idx_d;   // next byte of the TX head word
  logic [1:0]            rx_idx_q, rx_idx_d;   // bytes gathered for the next RX word
  logic [23:0]           rx_acc_q, rx_acc_d;
  logic                  csr_wr_take, csr_rd_take, rx_word_done;

  spi_flash_reg_top u_regs (
    .clk_i                   (clk_i),
    .rst_ni                  (rst_ni),
    .apb_psel_i              (apb_psel_i),
    .apb_penable_i           (apb_penable_i),
    .apb_pwrite_i            (apb_pwrite_i),
    .apb_paddr_i             (apb_paddr_i),
    .apb_pwdata_i            (apb_pwdata_i),
    .apb_prdata_o            (apb_prdata_o),
    .apb_pready_o            (apb_pready_o),
    .apb_pslverr_o           (apb_pslverr_o),
    .ctrl_div_o              (ctrl_div),
    .ctrl_tx_clr_o           (ctrl_tx_clr),
    .ctrl_rx_clr_o           (ctrl_rx_clr),
    .ctrl_we_o               (ctrl_we),
    .addr_addr_o             (addr_addr),
    .len_len_o               (len_len),
    .cmd_op_o                (cmd_op),
    .cmd_we_o                (cmd_we),
    .status_busy_i           (csr_busy),
    .status_done_set_i       (csr_done),
    .status_done_o           (status_done),
    .status_err_protect_set_i(csr_done && err == FlashErrProtect),
    .status_err_protect_o    (status_err_protect),
    .status_err_timeout_set_i(csr_done && err == FlashErrTimeout),
    .status_err_timeout_o    (status_err_timeout),
    .status_err_command_set_i((csr_done && err == FlashErrCommand) || (cmd_we && (csr_busy || cmd_short))),
    .status_err_command_o    (status_err_command),
    .status_tx_overflow_set_i(txdata_we && !txf_wready),
    .status_tx_overflow_o    (status_tx_overflow),
    .status_tx_level_i       (7'(txf_level)),
    .status_rx_level_i       (7'(rxf_level)),
    .rxdata_data_i           (rxdata_data),
    .rxdata_re_o             (rxdata_re),
    .txdata_data_o           (txdata_data),
    .txdata_we_o             (txdata_we),
    .wp_base_addr_o          (wp_base),
    .wp_limit_addr_o         (wp_limit),
    .timeout_cycles_o        (timeout_cycles),
    .crc_value_i             (crc_q)
  );

  // The error flags are read by software only; DONE is the interrupt.
  logic unused_status;
  assign unused_status = ^{status_err_protect, status_err_timeout, status_err_command, status_tx_overflow, req.reserved_7_4};
  assign irq_o = status_done;

  // A CSR PROGRAM needs all its bytes in the TX FIFO when CMD is written: with fewer it would
  // wait for data nobody sends, so it is refused like a CMD while busy.
  assign cmd_short = flash_op_e'(cmd_op) == FlashOpProgram && len_len > 24'({txf_level, 2'b00});

  // Arbitration: a whole operation at a time, the CSR face first (see the header).
  assign csr_busy    = csr_pend_q || csr_run_q;
  assign req         = flash_req_t'(s_axis_req_tdata_i);
  assign req_valid   = s_axis_req_tvalid_i && !rsp_valid_q;
  assign pick_stream = req_valid && !csr_pend_q;
  assign cmd_valid   = csr_pend_q || req_valid;
  assign cmd_op_sel  = pick_stream ? req.op : csr_op_q;
  assign cmd_addr_sel = pick_stream ? req.addr : csr_addr_q;
  assign cmd_len_sel = pick_stream ? req.len : csr_len_q;
  assign s_axis_req_tready_o = cmd_ready && pick_stream;
  assign csr_done    = done && !stream_q;

  always_comb begin
    csr_pend_d    = csr_pend_q;
    csr_op_d      = csr_op_q;
    csr_addr_d    = csr_addr_q;
    csr_len_d     = csr_len_q;
    csr_run_d     = csr_run_q;
    stream_d      = stream_q;
    crc_d         = crc_q;
    rsp_valid_d   = rsp_valid_q && !m_axis_rsp_tready_i;
    rsp_data_d    = rsp_data_q;
    if (done && stream_q) begin
      rsp_valid_d    = 1'b1;
      rsp_data_d     = '0;
      rsp_data_d.err = err;
      rsp_data_d.crc = crc;
    end
    if (cmd_we && !csr_busy && !cmd_short) begin
      csr_pend_d = 1'b1;
      csr_op_d   = flash_op_e'(cmd_op);
      csr_addr_d = addr_addr;
      csr_len_d  = len_len;
    end
    if (cmd_valid && cmd_ready) begin
      stream_d      = pick_stream;
      if (!pick_stream) begin
        csr_pend_d = 1'b0;
        csr_run_d  = 1'b1;
      end
    end
    if (csr_done) begin
      csr_run_d = 1'b0;
      crc_d     = crc;
    end
  end

  // Stream face.
  assign m_axis_rsp_tvalid_o = rsp_valid_q;
  assign m_axis_rsp_tdata_o  = rsp_data_q;
  assign s_axis_tready_o = stream_q && wr_ready;
  assign m_axis_tvalid_o = stream_q && rd_valid;
  assign m_axis_tdata_o  = rd_data;
  assign m_axis_tlast_o  = rd_last;

  // CSR face, TX: bytes of the head word in order; the word goes when its last byte or the
  // operation's last byte is taken (the rest of a partial last word is dropped).
  assign csr_wr_take = !stream_q && wr_valid && wr_ready;
  assign txf_rready  = csr_wr_take && (tx_idx_q == 2'd3 || wr_last);
  assign tx_idx_d    = ctrl_we && ctrl_tx_clr ? 2'd0 : txf_rready ? 2'd0 : csr_wr_take ? tx_idx_q + 2'd1 : tx_idx_q;

  // CSR face, RX: bytes gathered little-endian; a word is pushed when full or at the last byte.
  assign rx_word_done = rx_idx_q == 2'd3 || rd_last;
  assign csr_rd_take  = !stream_q && rd_valid && (!rx_word_done || rxf_wready);
  assign rxf_wvalid   = csr_rd_take && rx_word_done;
  always_comb begin
    rx_acc_d  = rx_acc_q;
    rx_idx_d  = rx_idx_q;
    rxf_wdata = {rd_data, rx_acc_q};
    unique case (rx_idx_q)
      2'd0:    rxf_wdata = {24'h0, rd_data};
      2'd1:    rxf_wdata = {16'h0, rd_data, rx_acc_q[7:0]};
      2'd2:    rxf_wdata = {8'h0, rd_data, rx_acc_q[15:0]};
      default: ;
    endcase
    if (ctrl_we && ctrl_rx_clr) begin
      rx_idx_d = 2'd0;
      rx_acc_d = 24'h0;
    end else if (csr_rd_take) begin
      rx_idx_d = rx_word_done ? 2'd0 : rx_idx_q + 2'd1;
      unique case (rx_idx_q)
        2'd0:    rx_acc_d[7:0] = rd_data;
        2'd1:    rx_acc_d[15:8] = rd_data;
        2'd2:    rx_acc_d[23:16] = rd_data;
        default: ;
      endcase
    end
  end
  assign rxdata_data = rxf_rvalid ? rxf_rdata : 32'h0;

  // Engine wiring: the face of the running operation owns its data paths.
  assign wr_valid = stream_q ? s_axis_tvalid_i : txf_rvalid;
  assign wr_data  = stream_q ? s_axis_tdata_i : txf_rdata[8 * tx_idx_q +: 8];
  assign rd_ready = stream_q ? m_axis_tready_i : csr_rd_take;

  if (FlashBytes < 4096 || FlashBytes > (1 << 24) || (FlashBytes & (FlashBytes - 1)) != 0) begin : gen_bad_size
    $error("%m: FlashBytes must be a power of two in 4 KiB..16 MiB, got %0d", FlashBytes);
  end

  spi_flash_engine #(.FlashBytes(FlashBytes)) u_engine (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .cmd_valid_i(cmd_valid),
    .cmd_ready_o(cmd_ready),
    .cmd_op_i   (cmd_op_sel),
    .cmd_addr_i (cmd_addr_sel),
    .cmd_len_i  (cmd_len_sel),
    .div_i      (ctrl_div),
    .wp_base_i  (wp_base),
    .wp_limit_i (wp_limit),
    .timeout_i  (timeout_cycles),
    .wr_valid_i (wr_valid),
    .wr_ready_o (wr_ready),
    .wr_data_i  (wr_data),
    .wr_last_o  (wr_last),
    .rd_valid_o (rd_valid),
    .rd_ready_i (rd_ready),
    .rd_data_o  (rd_data),
    .rd_last_o  (rd_last),
    .done_o     (done),
    .err_o      (err),
    .crc_o      (crc),
    .spi_cs_no  (spi_cs_no),
    .spi_sclk_o (spi_sclk_o),
    .spi_mosi_o (spi_mosi_o),
    .spi_miso_i (spi_miso_i)
  );

  sync_fifo #(
    .Width(32),
    .Depth(FifoWords)
  ) u_tx_fifo (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clr_i   (ctrl_we && ctrl_tx_clr),
    .wvalid_i(txdata_we),
    .wready_o(txf_wready),
    .wdata_i (txdata_data),
    .rvalid_o(txf_rvalid),
    .rready_i(txf_rready),
    .rdata_o (txf_rdata),
    .level_o (txf_level)
  );

  sync_fifo #(
    .Width(32),
    .Depth(FifoWords)
  ) u_rx_fifo (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clr_i   (ctrl_we && ctrl_rx_clr),
    .wvalid_i(rxf_wvalid),
    .wready_o(rxf_wready),
    .wdata_i (rxf_wdata),
    .rvalid_o(rxf_rvalid),
    .rready_i(rxdata_re),
    .rdata_o (rxf_rdata),
    .level_o (rxf_level)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      csr_pend_q    <= 1'b0;
      csr_op_q      <= flash_op_e'(4'd0);
      csr_addr_q    <= 24'd0;
      csr_len_q     <= 24'd0;
      csr_run_q     <= 1'b0;
      stream_q      <= 1'b0;
      crc_q         <= 32'd0;
      rsp_valid_q   <= 1'b0;
      rsp_data_q    <= '0;
      tx_idx_q      <= 2'd0;
      rx_idx_q      <= 2'd0;
      rx_acc_q      <= 24'd0;
    end else begin
      csr_pend_q    <= csr_pend_d;
      csr_op_q      <= csr_op_d;
      csr_addr_q    <= csr_addr_d;
      csr_len_q     <= csr_len_d;
      csr_run_q     <= csr_run_d;
      stream_q      <= stream_d;
      crc_q         <= crc_d;
      rsp_valid_q   <= rsp_valid_d;
      rsp_data_q    <= rsp_data_d;
      tx_idx_q      <= tx_idx_d;
      rx_idx_q      <= rx_idx_d;
      rx_acc_q      <= rx_acc_d;
    end
  end
endmodule
