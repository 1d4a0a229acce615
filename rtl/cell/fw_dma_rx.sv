// The firmware DMA's receiver: vc 1 frames from the HSI link into flash. Every frame is taken
// whole into one of two frame buffers and judged at its last beat; a frame is programmed only if
// the receiver is armed, the frame comes from src_i, the vc 1 path is enabled, it carries 1..512
// image bytes at an offset that is a multiple of 512, inside the image region and not past the
// next offset in order. Anything else is refused and counted, never written. A taken frame becomes
// one PROGRAM of its bytes at its offset (two whole pages, so a repeated frame rewrites the same
// bytes). The second buffer takes the next frame while a program runs, so the next PROGRAM is
// asked for as soon as the previous response is in: page programs follow back to back.
// Clock/reset: clk_i, asynchronous active-low rst_ni. s_axis: the link's m_axis_vc1 (tid = the
// frame's src). flash_req/flash_wr/flash_rsp: one client lane of cell_flash_arb.
`default_nettype none

module fw_dma_rx
  import spi_flash_pkg::*;
#(
  parameter int unsigned ImageRegionBytes = cell_pkg::ImageRegionBytes  // the image region at offset 0
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        arm_i,          // RX_ARM
  input  wire logic        disarm_i,       // RX_DISARM
  input  wire logic [3:0]  src_i,          // RX_SRC
  input  wire logic [24:0] start_i,        // RX_START
  input  wire logic [24:0] len_i,          // RX_LEN
  input  wire logic        path_i,         // PATH_EN.VC1
  output      logic        armed_o,
  output      logic        done_set_o,
  output      logic        error_set_o,
  output      logic [24:0] written_o,
  output      logic [15:0] refused_o,
  input  wire logic [63:0] s_axis_tdata_i,
  input  wire logic [7:0]  s_axis_tkeep_i,
  input  wire logic        s_axis_tlast_i,
  input  wire logic [7:0]  s_axis_tid_i,
  input  wire logic        s_axis_tvalid_i,
  output      logic        s_axis_tready_o,
  output      logic        flash_req_tvalid_o,
  input  wire logic        flash_req_tready_i,
  output      logic [FlashReqWidth-1:0] flash_req_tdata_o,
  output      logic        flash_wr_tvalid_o,
  input  wire logic        flash_wr_tready_i,
  output      logic [7:0]  flash_wr_tdata_o,
  input  wire logic        flash_rsp_tvalid_i,
  output      logic        flash_rsp_tready_o,
  input  wire logic [FlashRspWidth-1:0] flash_rsp_tdata_i
);
  import cell_pkg::FwFrameBytes;
  import cell_pkg::FwFrameOffsetBytes;

  // Beats of a whole frame (offset and 512 bytes); a longer one is refused, its extra beats dropped.
  localparam int unsigned Beats = (FwFrameOffsetBytes + FwFrameBytes + 7) / 8;

  if (ImageRegionBytes % FwFrameBytes != 0 || ImageRegionBytes > (1 << 24)) begin : gen_bad_region
    $error("%m: ImageRegionBytes must be a multiple of %0d up to 16 MiB, got %0d", FwFrameBytes, ImageRegionBytes);
  end

  logic [63:0] buf_q [2][Beats];

  // Receive side.
  logic        fill_q, fill_d;     // the buffer the next frame goes to
  logic [6:0]  beat_q, beat_d;     // beats of the frame so far (saturates at Beats)
  logic [10:0] bytes_q, bytes_d;   // payload bytes of the frame so far (a frame has at most 1024)
  logic [31:0] offset_q, offset_d;
  logic [7:0]  src_q, src_d;
  logic [1:0]  full_q, full_d;     // a buffer holds a frame taken and not yet programmed
  logic [24:0] slot_addr_q [2];
  logic [9:0]  slot_len_q [2];
  logic        take;
  logic [31:0] offset;
  logic [7:0]  src;
  logic [10:0] total;
  logic [10:0] data_len;
  logic        ok;

  // Receiver state.
  logic        armed_q, armed_d;
  logic [24:0] next_q, next_d;        // the next offset in order: frames up to it are taken
  logic [24:0] written_q, written_d;  // the end of the last frame programmed in order
  logic [15:0] refused_q, refused_d;

  // Program side.
  typedef enum logic [1:0] {StIdle, StData, StRsp} prog_st_e;
  prog_st_e    st_q, st_d;
  logic        prog_q, prog_d;     // the buffer being programmed
  logic [8:0]  idx_q, idx_d;       // next image byte of it to send
  logic [9:0]  raw;
  flash_rsp_t  rsp;
  logic [25:0] prog_end;  // a frame ends inside the region, below 2^24
  logic        unused_rsp;

  assign s_axis_tready_o = !full_q[fill_q];
  assign take     = s_axis_tvalid_i && s_axis_tready_o;
  assign offset   = beat_q == '0 ? s_axis_tdata_i[31:0] : offset_q;
  assign src      = beat_q == '0 ? s_axis_tid_i : src_q;
  assign total    = bytes_q + (s_axis_tlast_i ? 11'($countones(s_axis_tkeep_i)) : 11'd8);
  assign data_len = total - 11'(FwFrameOffsetBytes);
  assign ok = armed_q && src == {4'h0, src_i} && path_i
           && total > 11'(FwFrameOffsetBytes) && data_len <= 11'(FwFrameBytes)
           && offset[8:0] == '0
           && {1'b0, offset} + 33'(data_len) <= 33'(ImageRegionBytes)
           && offset <= {7'h0, next_q};

  always_comb begin
    fill_d    = fill_q;
    beat_d    = beat_q;
    bytes_d   = bytes_q;
    offset_d  = offset;
    src_d     = src;
    full_d    = full_q;
    armed_d   = armed_q;
    next_d    = next_q;
    written_d = written_q;
    refused_d = refused_q;
    st_d      = st_q;
    prog_d    = prog_q;
    idx_d     = idx_q;
    done_set_o  = 1'b0;
    error_set_o = 1'b0;
    if (take) begin
      beat_d  = beat_q == 7'(Beats) ? beat_q : beat_q + 7'd1;
      bytes_d = total;
      if (s_axis_tlast_i) begin
        beat_d  = '0;
        bytes_d = '0;
        if (ok) begin
          full_d[fill_q] = 1'b1;
          fill_d = !fill_q;
          if (offset[24:0] == next_q) next_d = next_q + 25'(data_len);
        end else begin
          refused_d = refused_q + 16'd1;
        end
      end
    end

    unique case (st_q)
      StIdle: if (full_q[prog_q] && flash_req_tready_i) begin
        st_d  = StData;
        idx_d = '0;
      end
      StData: if (flash_wr_tready_i) begin
        idx_d = idx_q + 9'd1;
        if (10'(idx_q) + 10'd1 == slot_len_q[prog_q]) st_d = StRsp;
      end
      StRsp: if (flash_rsp_tvalid_i) begin
        st_d   = StIdle;
        prog_d = !prog_q;
        full_d[prog_q] = 1'b0;
        if (armed_q) begin
          if (rsp.err != FlashErrNone) begin
            armed_d     = 1'b0;
            error_set_o = 1'b1;
          end else begin
            if (slot_addr_q[prog_q] <= written_q && 25'(prog_end) > written_q) written_d = 25'(prog_end);
            if (written_d >= len_i) begin
              armed_d    = 1'b0;
              done_set_o = 1'b1;
            end
          end
        end
      end
      default: st_d = StIdle;
    endcase

    if (disarm_i) armed_d = 1'b0;
    if (arm_i) begin
      armed_d   = 1'b1;
      next_d    = start_i;
      written_d = start_i;
    end
  end

  assign rsp      = flash_rsp_t'(flash_rsp_tdata_i);
  // A program reads nothing: its response's CRC is 0.
  assign unused_rsp = ^{rsp.crc, rsp.reserved_7_2, prog_end[25]};
  assign prog_end = {1'b0, slot_addr_q[prog_q]} + 26'(slot_len_q[prog_q]);
  // Image byte idx of the buffer is payload byte idx + 4 (after the offset).
  assign raw = 10'(idx_q) + 10'(FwFrameOffsetBytes);

  assign flash_req_tvalid_o = st_q == StIdle && full_q[prog_q];
  assign flash_req_tdata_o  = flash_req_t'{len: 24'(slot_len_q[prog_q]), addr: slot_addr_q[prog_q][23:0], reserved_7_4: '0, op: FlashOpProgram};
  assign flash_wr_tvalid_o  = st_q == StData;
  assign flash_wr_tdata_o   = buf_q[prog_q][raw[9:3]][8*raw[2:0] +: 8];
  assign flash_rsp_tready_o = st_q == StRsp;

  assign armed_o   = armed_q;
  assign written_o = written_q;
  assign refused_o = refused_q;

  always_ff @(posedge clk_i) begin
    if (take && beat_q < 7'(Beats)) buf_q[fill_q][beat_q] <= s_axis_tdata_i;
    if (take && s_axis_tlast_i && ok) begin
      slot_addr_q[fill_q] <= offset[24:0];
      slot_len_q[fill_q]  <= data_len[9:0];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fill_q    <= 1'b0;
      beat_q    <= '0;
      bytes_q   <= '0;
      offset_q  <= '0;
      src_q     <= '0;
      full_q    <= '0;
      armed_q   <= 1'b0;
      next_q    <= '0;
      written_q <= '0;
      refused_q <= '0;
      st_q      <= StIdle;
      prog_q    <= 1'b0;
      idx_q     <= '0;
    end else begin
      fill_q    <= fill_d;
      beat_q    <= beat_d;
      bytes_q   <= bytes_d;
      offset_q  <= offset_d;
      src_q     <= src_d;
      full_q    <= full_d;
      armed_q   <= armed_d;
      next_q    <= next_d;
      written_q <= written_d;
      refused_q <= refused_d;
      st_q      <= st_d;
      prog_q    <= prog_d;
      idx_q     <= idx_d;
    end
  end
endmodule
