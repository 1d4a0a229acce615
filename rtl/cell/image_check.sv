// The image checker (rtl/cell/README.md, image_check_desc.json): START reads the 24 header bytes
// at flash offset 0 through the stream face, their first 20 through a CRC-32 unit, and judges the
// header: all FFh is missing; a bad magic, a bad hdr_crc32 or a body reaching past the image
// region is a corrupt header. A good header is followed by one CRC request over the body (the
// flash CRC unit: the body never leaves the flash block); a CRC that differs from body_crc32, or
// a failed read, is a corrupt body, else the image is valid.
// Clock/reset: clk_i, asynchronous active-low rst_ni. apb_*: the checker's 256-byte window.
// flash_req/flash_rd/flash_rsp: one client lane of cell_flash_arb. done_set_o: a check finished.
`default_nettype none

module image_check
  import spi_flash_pkg::*;
  import image_check_pkg::*;
#(
  parameter int unsigned ImageRegionBytes = cell_pkg::ImageRegionBytes  // the image region at offset 0
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
  output      logic        done_set_o,
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
  typedef enum logic [2:0] {StIdle, StHdrReq, StHdr, StBodyReq, StBody} st_e;
  st_e           st_q, st_d;
  logic [191:0]  hdr_q, hdr_d;
  logic [4:0]    idx_q, idx_d;     // header bytes read so far
  image_status_e result_q, result_d;
  logic [31:0]   version_q, version_d, len_q, len_d, crc_q, crc_d, crc_read_q, crc_read_d;
  logic          start, ctrl_we, hdr_crc_init, hdr_crc_valid;
  logic [31:0]   hdr_crc;
  image_header_t hdr;
  flash_rsp_t    rsp;
  logic          done, done_flag, unused;
  // The sticky DONE is the firmware's; hdr_version and flags are reported by nobody (judged by nobody).
  assign unused = ^{done_flag, hdr.hdr_version, hdr.flags, rsp.reserved_7_2};

  image_check_reg_top u_regs (
    .clk_i,
    .rst_ni,
    .apb_psel_i,
    .apb_penable_i,
    .apb_pwrite_i,
    .apb_paddr_i,
    .apb_pwdata_i,
    .apb_prdata_o,
    .apb_pready_o,
    .apb_pslverr_o,
    .ctrl_start_o        (start),
    .ctrl_we_o           (ctrl_we),
    .status_busy_i       (st_q != StIdle),
    .status_done_set_i   (done),
    .status_done_o       (done_flag),
    .status_result_i     (result_q),
    .fw_version_value_i  (version_q),
    .body_len_value_i    (len_q),
    .body_crc_value_i    (crc_q),
    .crc_read_value_i    (crc_read_q),
    .region_bytes_i      (25'(ImageRegionBytes))
  );

  // hdr_crc32 covers the 20 header bytes before it.
  spi_flash_crc32 u_hdr_crc (
    .clk_i,
    .rst_ni,
    .init_i  (hdr_crc_init),
    .valid_i (hdr_crc_valid),
    .data_i  (flash_rd_tdata_i),
    .crc_o   (hdr_crc)
  );

  assign hdr           = image_header_t'(hdr_q);
  assign rsp           = flash_rsp_t'(flash_rsp_tdata_i);
  assign hdr_crc_init  = st_q == StHdrReq;
  assign hdr_crc_valid = st_q == StHdr && flash_rd_tvalid_i && idx_q < 5'(ImageHdrCrcBytes);

  always_comb begin
    st_d       = st_q;
    hdr_d      = hdr_q;
    idx_d      = idx_q;
    result_d   = result_q;
    version_d  = version_q;
    len_d      = len_q;
    crc_d      = crc_q;
    crc_read_d = crc_read_q;
    done       = 1'b0;
    unique case (st_q)
      StIdle: if (ctrl_we && start) st_d = StHdrReq;
      StHdrReq: if (flash_req_tready_i) begin
        st_d  = StHdr;
        idx_d = '0;
      end
      // Read bytes come before the response; an error brings a response and no bytes.
      StHdr: begin
        if (flash_rd_tvalid_i) begin
          hdr_d[8*idx_q +: 8] = flash_rd_tdata_i;
          idx_d = idx_q + 5'd1;
        end
        if (flash_rsp_tvalid_i) begin
          st_d = StIdle;
          done = 1'b1;
          {version_d, len_d, crc_d, crc_read_d} = '0;
          if (rsp.err != FlashErrNone) result_d = ImageStatusCorruptHeader;
          else if (&hdr_q) result_d = ImageStatusMissing;
          else if (hdr.magic != ImageMagic || hdr.hdr_crc32 != hdr_crc
                   || 33'(ImageHeaderBytes) + 33'(hdr.body_len) > 33'(ImageRegionBytes)) result_d = ImageStatusCorruptHeader;
          else begin
            st_d = StBodyReq;
            done = 1'b0;
          end
        end
      end
      StBodyReq: if (flash_req_tready_i) st_d = StBody;
      StBody: if (flash_rsp_tvalid_i) begin
        st_d       = StIdle;
        done       = 1'b1;
        version_d  = hdr.fw_version;
        len_d      = hdr.body_len;
        crc_d      = hdr.body_crc32;
        crc_read_d = rsp.crc;
        result_d   = rsp.err == FlashErrNone && rsp.crc == hdr.body_crc32 ? ImageStatusValid : ImageStatusCorruptBody;
      end
      default: st_d = StIdle;
    endcase
  end

  assign flash_req_tvalid_o = st_q == StHdrReq || st_q == StBodyReq;
  assign flash_req_tdata_o  = st_q == StHdrReq
      ? flash_req_t'{len: 24'(ImageHeaderBytes), addr: 24'h0, reserved_7_4: '0, op: FlashOpRead}
      : flash_req_t'{len: hdr.body_len[23:0], addr: 24'(ImageHeaderBytes), reserved_7_4: '0, op: FlashOpCrc};
  assign flash_rd_tready_o  = st_q == StHdr;
  assign flash_rsp_tready_o = st_q == StHdr || st_q == StBody;
  assign done_set_o         = done;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q       <= StIdle;
      hdr_q      <= '0;
      idx_q      <= '0;
      result_q   <= ImageStatusUnchecked;
      version_q  <= '0;
      len_q      <= '0;
      crc_q      <= '0;
      crc_read_q <= '0;
    end else begin
      st_q       <= st_d;
      hdr_q      <= hdr_d;
      idx_q      <= idx_d;
      result_q   <= result_d;
      version_q  <= version_d;
      len_q      <= len_d;
      crc_q      <= crc_d;
      crc_read_q <= crc_read_d;
    end
  end
endmodule
