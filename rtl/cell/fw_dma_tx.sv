// The firmware DMA's sender: the image from flash to vc 1 frames. For each frame of
// [start_i, len_i) it reads up to 512 bytes from flash once, into a frame buffer, then sends the
// frame (the offset, u32 little-endian, then the bytes) to every cell of mask_i in turn, lowest
// first; frame k has gone to every destination before frame k + 1 is read, so the slowest
// receiver (its vc 1 credits) paces the send. mask_i is read at each destination, so a bit
// cleared during a send takes effect from the next destination on. While path_i is low (vc 1's
// path disabled, or the link not up) no frame starts. An abort stops the send at the next frame
// boundary (a frame the link has begun is finished) and raises error_set_o, as a failed read does.
// Clock/reset: clk_i, asynchronous active-low rst_ni. m_axis: the link's s_axis_vc1.
// flash_req/flash_rd/flash_rsp: one client lane of cell_flash_arb.
`default_nettype none

module fw_dma_tx
  import spi_flash_pkg::*;
(
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        go_i,           // TX_GO (ignored while busy)
  input  wire logic        abort_i,        // TX_ABORT
  input  wire logic [15:0] mask_i,         // TX_MASK
  input  wire logic [24:0] start_i,        // TX_START
  input  wire logic [24:0] len_i,          // TX_LEN
  input  wire logic        path_i,         // PATH_EN.VC1 and the link up
  output      logic        busy_o,
  output      logic        done_set_o,
  output      logic        error_set_o,
  output      logic [24:0] progress_o,
  output      logic [63:0] m_axis_tdata_o,
  output      logic [7:0]  m_axis_tkeep_o,
  output      logic        m_axis_tlast_o,
  output      logic [7:0]  m_axis_tdest_o,
  output      logic        m_axis_tvalid_o,
  input  wire logic        m_axis_tready_i,
  output      logic        flash_req_tvalid_o,
  input  wire logic        flash_req_tready_i,
  output      logic [FlashReqWidth-1:0] flash_req_tdata_o,
  input  wire logic        flash_rd_tvalid_i,
  output      logic        flash_rd_tready_o,
  input  wire logic [7:0]  flash_rd_tdata_i,
  input  wire logic        flash_rsp_tvalid_i,
  output      logic        flash_rsp_tready_o,
  input  wire logic [FlashRspWidth-1:0] flash_rsp_tdata_i
);
  import cell_pkg::FwFrameBytes;
  import cell_pkg::FwFrameOffsetBytes;

  localparam int unsigned Beats = (FwFrameOffsetBytes + FwFrameBytes + 7) / 8;

  typedef enum logic [2:0] {StIdle, StNext, StReq, StRead, StPick, StSend} st_e;
  st_e         st_q, st_d;
  logic [63:0] buf_q [Beats];
  logic [24:0] progress_q, progress_d;
  logic [9:0]  n_q, n_d;          // image bytes of the frame in flight (1..512)
  logic [9:0]  idx_q, idx_d;      // read: the next byte of the frame; send: the next beat
  logic [4:0]  dest_q, dest_d;    // the destination the frame goes to next (16: none left)
  logic        abort_q, abort_d;
  logic [24:0] left;
  logic [9:0]  raw, frame_bytes, last_beat;
  logic [4:0]  pick;
  logic        found;
  flash_rsp_t  rsp;
  logic        unused_rsp;

  assign left        = len_i - progress_q;
  assign raw         = idx_q + 10'(FwFrameOffsetBytes);
  assign frame_bytes = n_q + 10'(FwFrameOffsetBytes);
  assign last_beat   = (frame_bytes - 10'd1) >> 3;
  assign rsp         = flash_rsp_t'(flash_rsp_tdata_i);
  // The frame's bytes travel on the read stream; their CRC is not needed.
  assign unused_rsp  = ^{rsp.crc, rsp.reserved_7_2};

  // The lowest destination of the mask from dest_q on.
  always_comb begin
    pick  = 5'd16;
    found = 1'b0;
    for (int unsigned d = 0; d < 16; d++) begin
      if (!found && 5'(d) >= dest_q && mask_i[d]) begin
        found = 1'b1;
        pick  = 5'(d);
      end
    end
  end

  always_comb begin
    st_d        = st_q;
    progress_d  = progress_q;
    n_d         = n_q;
    idx_d       = idx_q;
    dest_d      = dest_q;
    abort_d     = abort_q || (abort_i && st_q != StIdle);
    done_set_o  = 1'b0;
    error_set_o = 1'b0;
    unique case (st_q)
      StIdle: if (go_i) begin
        st_d       = StNext;
        progress_d = start_i;
        abort_d    = 1'b0;
      end
      StNext: begin
        if (abort_q) begin
          st_d        = StIdle;
          error_set_o = 1'b1;
        end else if (progress_q >= len_i) begin
          st_d       = StIdle;
          done_set_o = 1'b1;
        end else begin
          st_d = StReq;
          n_d  = left > 25'(FwFrameBytes) ? 10'(FwFrameBytes) : left[9:0];
        end
      end
      StReq: if (flash_req_tready_i) begin
        st_d  = StRead;
        idx_d = '0;
      end
      // Read bytes come before the response; an error brings a response and no bytes.
      StRead: begin
        if (flash_rd_tvalid_i) idx_d = idx_q + 10'd1;
        if (flash_rsp_tvalid_i) begin
          if (rsp.err != FlashErrNone) begin
            st_d        = StIdle;
            error_set_o = 1'b1;
          end else begin
            st_d   = StPick;
            dest_d = '0;
          end
        end
      end
      StPick: begin
        if (!found) begin
          st_d       = StNext;
          progress_d = progress_q + 25'(n_q);
        end else if (abort_q) begin
          st_d        = StIdle;
          error_set_o = 1'b1;
        end else if (path_i) begin
          st_d   = StSend;
          dest_d = pick;
          idx_d  = '0;
        end
      end
      StSend: if (m_axis_tready_i) begin
        idx_d = idx_q + 10'd1;
        if (idx_q == last_beat) begin
          st_d   = StPick;
          dest_d = dest_q + 5'd1;
        end
      end
      default: st_d = StIdle;
    endcase
  end

  assign flash_req_tvalid_o = st_q == StReq;
  assign flash_req_tdata_o  = flash_req_t'{len: 24'(n_q), addr: progress_q[23:0], reserved_7_4: '0, op: FlashOpRead};
  assign flash_rd_tready_o  = st_q == StRead;
  assign flash_rsp_tready_o = st_q == StRead;

  // Beat 0 opens with the offset; the buffer holds the image bytes from payload byte 4 on.
  always_comb begin
    m_axis_tdata_o = buf_q[idx_q[6:0]];
    if (idx_q == '0) m_axis_tdata_o[31:0] = {7'h0, progress_q};
  end
  assign m_axis_tvalid_o = st_q == StSend;
  assign m_axis_tlast_o  = idx_q == last_beat;
  assign m_axis_tkeep_o  = m_axis_tlast_o ? 8'hff >> (3'd7 - 3'(frame_bytes - 10'd1)) : 8'hff;
  assign m_axis_tdest_o  = {3'h0, dest_q};

  assign busy_o     = st_q != StIdle;
  assign progress_o = progress_q;

  always_ff @(posedge clk_i) begin
    if (st_q == StRead && flash_rd_tvalid_i) buf_q[raw[9:3]][8*raw[2:0] +: 8] <= flash_rd_tdata_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q       <= StIdle;
      progress_q <= '0;
      n_q        <= '0;
      idx_q      <= '0;
      dest_q     <= '0;
      abort_q    <= 1'b0;
    end else begin
      st_q       <= st_d;
      progress_q <= progress_d;
      n_q        <= n_d;
      idx_q      <= idx_d;
      dest_q     <= dest_d;
      abort_q    <= abort_d;
    end
  end
endmodule
