// Command engine of the SPI NOR flash controller: turns one operation (op, address, length)
// into JEDEC SPI transactions. Before PP/SE/BE/CE it checks the write-protect window (a hit
// never reaches the part), sends WREN, and afterwards polls WIP with RDSR until it clears or
// timeout_i cycles pass; a program is split so that no PP crosses a 256-byte page. After a
// timeout the part may still be busy, so the next operation first polls WIP.
// Clock/reset: clk_i, asynchronous active-low rst_ni.
// Interfaces: cmd_* (one operation at a time, valid/ready), wr_* (program bytes, valid/ready;
// wr_last_o marks the operation's last byte as it is taken), rd_* (bytes read, valid/ready,
// rd_last_o on the last), done_o (one cycle, with err_o and crc_o: the CRC-32 of the bytes
// read), spi_* to the part through spi_flash_phy. Op codes, results and JEDEC opcodes:
// spi_flash_pkg (spi_flash_desc.json).
`default_nettype none

module spi_flash_engine
  import spi_flash_pkg::*;
#(
  parameter int unsigned FlashBytes = 1 << 24  // size of the part: writes beyond it are refused
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        cmd_valid_i,
  output      logic        cmd_ready_o,
  input  wire flash_op_e   cmd_op_i,
  input  wire logic [23:0] cmd_addr_i,
  input  wire logic [23:0] cmd_len_i,
  input  wire logic [7:0]  div_i,
  input  wire logic [23:0] wp_base_i,
  input  wire logic [23:0] wp_limit_i,
  input  wire logic [31:0] timeout_i,
  input  wire logic        wr_valid_i,
  output      logic        wr_ready_o,
  input  wire logic [7:0]  wr_data_i,
  output      logic        wr_last_o,
  output      logic        rd_valid_o,
  input  wire logic        rd_ready_i,
  output      logic [7:0]  rd_data_o,
  output      logic        rd_last_o,
  output      logic        done_o,
  output      flash_err_e  err_o,
  output      logic [31:0] crc_o,
  output      logic        spi_cs_no,
  output      logic        spi_sclk_o,
  output      logic        spi_mosi_o,
  input  wire logic        spi_miso_i
);
  typedef enum logic [2:0] { StIdle, StCsLow, StCsHigh, StDrain, StDone } state_e;

  // The transaction under CS# low: a WIP poll, the WREN before a write, or the operation itself.
  typedef enum logic [1:0] { TxPoll, TxWren, TxMain } txn_e;

  // What follows the CS# high gap.
  typedef enum logic [1:0] { NextTxn, NextDrain, NextDone } next_e;

  localparam int unsigned OutDepth = 4;
  localparam int unsigned PageBits = $clog2(PageBytes);

  state_e      state_q, state_d;
  txn_e        txn_q, txn_d;
  next_e       next_q, next_d;
  flash_op_e   op_q, op_d;
  flash_err_e  err_q, err_d;
  logic [23:0] addr_q, addr_d;       // next byte to program
  logic [23:0] len_q, len_d;         // program bytes not yet taken
  logic [2:0]  hdr_q, hdr_d;         // header bytes sent
  logic [2:0]  hdr_len;
  logic [23:0] tx_left_q, tx_left_d; // data bytes still to clock
  logic [2:0]  skip_q, skip_d;       // received bytes to drop (the header's)
  logic [23:0] rx_left_q, rx_left_d; // data bytes still to receive
  logic        pre_q, pre_d;         // this poll precedes the operation
  logic        wait_q, wait_d;       // a status byte is on the wire
  logic        stop_q, stop_d;       // the poll has its answer (ready or timed out)
  logic        unsure_q, unsure_d;   // the part may be busy (after a timeout)
  logic [31:0] poll_q, poll_d;       // cycles since the poll began
  logic [8:0]  gap_q, gap_d;
  logic        cs_q, cs_d;

  logic        is_write, is_read, protect_hit, end_txn;
  logic [7:0]  opcode, hdr_byte;
  logic        tx_valid, tx_ready, rx_valid, phy_active;
  logic [7:0]  tx_data, rx_data;
  logic        out_push, out_ready;
  logic [2:0]  out_level;
  logic        crc_init, crc_valid;
  logic [23:0] page_left;            // bytes from addr_q to the end of its page
  spi_nor_status_t rx_status;        // a received byte read as the part's status
  // Never full when a byte arrives: a read byte starts only with room for it (tx_valid).
  logic        unused_out_ready;
  assign unused_out_ready = out_ready;

  // The header of a transaction: opcode, address, and the dummy byte of FAST_READ.
  function automatic spi_nor_cmd_e op_opcode(flash_op_e op);
    unique case (op)
      FlashOpRead, FlashOpCrc: return SpiNorCmdRead;
      FlashOpFastRead:         return SpiNorCmdFastRead;
      FlashOpProgram:          return SpiNorCmdPp;
      FlashOpSectorErase:      return SpiNorCmdSe;
      FlashOpBlockErase:       return SpiNorCmdBe;
      FlashOpChipErase:        return SpiNorCmdCe;
      FlashOpReadStatus:       return SpiNorCmdRdsr;
      FlashOpReadId:           return SpiNorCmdRdid;
      FlashOpWriteEnable:      return SpiNorCmdWren;
      default:                 return SpiNorCmdWrdi;
    endcase
  endfunction

  function automatic logic [2:0] op_header(flash_op_e op);
    unique case (op)
      FlashOpRead, FlashOpCrc, FlashOpProgram, FlashOpSectorErase, FlashOpBlockErase: return 3'd4;
      FlashOpFastRead:                                                                return 3'd5;
      default:                                                                        return 3'd1;
    endcase
  endfunction

  assign is_write = op_q inside {FlashOpProgram, FlashOpSectorErase, FlashOpBlockErase, FlashOpChipErase};
  assign is_read  = op_q inside {FlashOpRead, FlashOpFastRead, FlashOpCrc, FlashOpReadStatus, FlashOpReadId};

  always_comb begin
    unique case (txn_q)
      TxPoll:  opcode = SpiNorCmdRdsr;
      TxWren:  opcode = SpiNorCmdWren;
      default: opcode = op_opcode(op_q);
    endcase
    hdr_len = txn_q == TxMain ? op_header(op_q) : 3'd1;
    unique case (hdr_q)
      3'd0:    hdr_byte = opcode;
      3'd1:    hdr_byte = addr_q[23:16];
      3'd2:    hdr_byte = addr_q[15:8];
      3'd3:    hdr_byte = addr_q[7:0];
      default: hdr_byte = 8'h00;
    endcase
  end

  // Write protection of the incoming command.
  spi_flash_protect #(.FlashBytes(FlashBytes)) u_protect (
    .addr_i    (cmd_addr_i),
    .len_i     (cmd_len_i),
    .sector_i  (cmd_op_i == FlashOpSectorErase),
    .block_i   (cmd_op_i == FlashOpBlockErase),
    .chip_i    (cmd_op_i == FlashOpChipErase),
    .wp_base_i (wp_base_i),
    .wp_limit_i(wp_limit_i),
    .hit_o     (protect_hit)
  );

  // Bytes offered to the phy: the header, then program data, read dummies or status polls.
  always_comb begin
    tx_valid   = 1'b0;
    tx_data    = 8'h00;
    wr_ready_o = 1'b0;
    wr_last_o  = 1'b0;
    if (state_q == StDrain) begin
      wr_ready_o = 1'b1;
      wr_last_o  = len_q == 24'd1;
    end else if (state_q == StCsLow) begin
      if (hdr_q != hdr_len) begin
        tx_valid = 1'b1;
        tx_data  = hdr_byte;
      end else if (txn_q == TxPoll) begin
        tx_valid = !wait_q && !stop_q && skip_q == 3'd0 && !phy_active;
      end else if (tx_left_q != 24'd0 && op_q == FlashOpProgram) begin
        tx_valid   = wr_valid_i;
        tx_data    = wr_data_i;
        wr_ready_o = tx_ready;
        wr_last_o  = len_q == 24'd1;
      end else if (tx_left_q != 24'd0) begin
        // Room in the output queue for this byte and the one finishing.
        tx_valid = 3'(out_level) + 3'(phy_active) + 3'(rx_valid) < 3'(OutDepth);
      end
    end
  end

  assign page_left = 24'(PageBytes) - 24'(addr_q[PageBits-1:0]);
  assign rx_status = spi_nor_status_t'(rx_data);
  // Only WIP decides a poll (WEL is the part's business).
  logic unused_rx_status;
  assign unused_rx_status = ^{rx_status.reserved_7_2, rx_status.wel};

  assign end_txn = hdr_q == hdr_len && tx_left_q == 24'd0 && !phy_active && !rx_valid &&
                   (txn_q != TxPoll || stop_q);

  always_comb begin
    state_d   = state_q;
    txn_d     = txn_q;
    next_d    = next_q;
    op_d      = op_q;
    err_d     = err_q;
    addr_d    = addr_q;
    len_d     = len_q;
    hdr_d     = hdr_q;
    tx_left_d = tx_left_q;
    skip_d    = skip_q;
    rx_left_d = rx_left_q;
    pre_d     = pre_q;
    wait_d    = wait_q;
    stop_d    = stop_q;
    unsure_d  = unsure_q;
    poll_d    = poll_q;
    gap_d     = gap_q;
    cs_d      = cs_q;
    out_push  = 1'b0;
    crc_init  = 1'b0;
    crc_valid = 1'b0;
    done_o    = 1'b0;
    cmd_ready_o = state_q == StIdle;

    // Starting a transaction: its header and data counts.
    if (state_q == StIdle || (state_q == StCsHigh && gap_q == 9'd0 && next_q == NextTxn)) begin
      hdr_d  = 3'd0;
      skip_d = 3'd0;
      wait_d = 1'b0;
      stop_d = 1'b0;
      poll_d = 32'd0;
    end

    unique case (state_q)
      StIdle: begin
        if (cmd_valid_i) begin
          op_d     = cmd_op_i;
          addr_d   = cmd_addr_i;
          len_d    = cmd_len_i;
          err_d    = FlashErrNone;
          pre_d    = unsure_q;
          crc_init = 1'b1;
          state_d  = StDone;
          if (!(cmd_op_i inside {[FlashOpRead : FlashOpCrc]})) begin
            err_d = FlashErrCommand;
          end else if (cmd_op_i inside {FlashOpRead, FlashOpFastRead, FlashOpCrc, FlashOpProgram} && cmd_len_i == 24'd0) begin
            // Nothing to read or write: done at once, whatever the address.
          end else if (cmd_op_i inside {FlashOpProgram, FlashOpSectorErase, FlashOpBlockErase, FlashOpChipErase} && protect_hit) begin
            err_d = FlashErrProtect;
            if (cmd_op_i == FlashOpProgram) state_d = StDrain;
          end else begin
            state_d = StCsLow;
            cs_d    = 1'b0;
            txn_d   = unsure_q ? TxPoll : cmd_op_i inside {FlashOpProgram, FlashOpSectorErase, FlashOpBlockErase, FlashOpChipErase} ? TxWren : TxMain;
          end
        end
      end

      StCsLow: begin
        if (txn_q == TxPoll) poll_d = poll_q + 32'd1;
        if (tx_valid && tx_ready) begin
          if (hdr_q != hdr_len) begin
            hdr_d  = hdr_q + 3'd1;
            skip_d = skip_d + 3'd1;
            // The last header byte: the data phase of the main transaction begins.
            if (hdr_q + 3'd1 == hdr_len && txn_q == TxMain) begin
              unique case (op_q)
                FlashOpProgram:    tx_left_d = page_left < len_q ? page_left : len_q;
                FlashOpReadStatus: tx_left_d = 24'd1;
                FlashOpReadId:     tx_left_d = 24'd3;
                FlashOpRead, FlashOpFastRead, FlashOpCrc: tx_left_d = len_q;
                default:           tx_left_d = 24'd0;
              endcase
              rx_left_d = is_read ? tx_left_d : 24'd0;
            end
          end else if (txn_q == TxPoll) begin
            wait_d = 1'b1;
          end else begin
            tx_left_d = tx_left_q - 24'd1;
            if (op_q == FlashOpProgram) begin
              len_d  = len_q - 24'd1;
              addr_d = addr_q + 24'd1;
            end
          end
        end
        if (rx_valid) begin
          if (skip_q != 3'd0) begin
            skip_d = skip_d - 3'd1;
          end else if (txn_q == TxPoll) begin
            wait_d = 1'b0;
            if (!rx_status.wip) begin
              stop_d = 1'b1;
            end else if (poll_q >= timeout_i) begin
              stop_d = 1'b1;
              err_d  = FlashErrTimeout;
            end
          end else if (rx_left_q != 24'd0) begin
            rx_left_d = rx_left_q - 24'd1;
            crc_valid = 1'b1;
            out_push  = op_q != FlashOpCrc;
          end
        end
        if (end_txn) begin
          cs_d    = 1'b1;
          state_d = StCsHigh;
          gap_d   = {div_i, 1'b1};
          next_d  = NextTxn;
          unique case (txn_q)
            TxPoll: begin
              unsure_d = err_q == FlashErrTimeout;
              if (err_q == FlashErrTimeout) next_d = op_q == FlashOpProgram && len_q != 24'd0 ? NextDrain : NextDone;
              else if (pre_q) txn_d = is_write ? TxWren : TxMain;
              else if (op_q == FlashOpProgram && len_q != 24'd0) txn_d = TxWren;
              else next_d = NextDone;
              pre_d = 1'b0;
            end
            TxWren:  txn_d = TxMain;
            default: begin
              if (is_write) txn_d = TxPoll;
              else next_d = NextDone;
            end
          endcase
        end
      end

      StCsHigh: begin
        if (gap_q != 9'd0) begin
          gap_d = gap_q - 9'd1;
        end else begin
          unique case (next_q)
            NextTxn: begin
              state_d = StCsLow;
              cs_d    = 1'b0;
            end
            NextDrain: state_d = StDrain;
            default:   state_d = StDone;
          endcase
        end
      end

      StDrain: begin
        if (wr_valid_i) len_d = len_q - 24'd1;
        if (wr_valid_i && len_q == 24'd1) state_d = StDone;
      end

      StDone: begin
        // Every byte read has left the output queue before the operation is reported done.
        if (out_level == 3'd0) begin
          done_o  = 1'b1;
          state_d = StIdle;
        end
      end

      default: state_d = StIdle;
    endcase
  end

  assign err_o     = err_q;
  assign spi_cs_no = cs_q;

  spi_flash_phy u_phy (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .div_i     (div_i),
    .tx_valid_i(tx_valid),
    .tx_ready_o(tx_ready),
    .tx_data_i (tx_data),
    .rx_valid_o(rx_valid),
    .rx_data_o (rx_data),
    .active_o  (phy_active),
    .spi_sclk_o(spi_sclk_o),
    .spi_mosi_o(spi_mosi_o),
    .spi_miso_i(spi_miso_i)
  );

  spi_flash_crc32 u_crc (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .init_i (crc_init),
    .valid_i(crc_valid),
    .data_i (rx_data),
    .crc_o  (crc_o)
  );

  sync_fifo #(
    .Width(9),
    .Depth(OutDepth)
  ) u_out (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clr_i   (1'b0),
    .wvalid_i(out_push),
    .wready_o(out_ready),
    .wdata_i ({rx_left_q == 24'd1, rx_data}),
    .rvalid_o(rd_valid_o),
    .rready_i(rd_ready_i),
    .rdata_o ({rd_last_o, rd_data_o}),
    .level_o (out_level)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= StIdle;
      txn_q     <= TxMain;
      next_q    <= NextDone;
      op_q      <= FlashOpRead;
      err_q     <= FlashErrNone;
      addr_q    <= 24'd0;
      len_q     <= 24'd0;
      hdr_q     <= 3'd0;
      tx_left_q <= 24'd0;
      skip_q    <= 3'd0;
      rx_left_q <= 24'd0;
      pre_q     <= 1'b0;
      wait_q    <= 1'b0;
      stop_q    <= 1'b0;
      unsure_q  <= 1'b0;
      poll_q    <= 32'd0;
      gap_q     <= 9'd0;
      cs_q      <= 1'b1;
    end else begin
      state_q   <= state_d;
      txn_q     <= txn_d;
      next_q    <= next_d;
      op_q      <= op_d;
      err_q     <= err_d;
      addr_q    <= addr_d;
      len_q     <= len_d;
      hdr_q     <= hdr_d;
      tx_left_q <= tx_left_d;
      skip_q    <= skip_d;
      rx_left_q <= rx_left_d;
      pre_q     <= pre_d;
      wait_q    <= wait_d;
      stop_q    <= stop_d;
      unsure_q  <= unsure_d;
      poll_q    <= poll_d;
      gap_q     <= gap_d;
      cs_q      <= cs_d;
    end
  end
endmodule
