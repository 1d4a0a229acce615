// The generator's packed formats on the RTL (tb/tools/gen/demo_pkg.sv): each word in is cast to
// its struct and its fields come out; the fields in are packed into a word out. So the
// SystemVerilog layout and the TypeScript codec can be compared both ways.
`default_nettype none

module demo_format
  import demo_pkg::*;
(
  input  wire logic [DemoFrameWidth-1:0] frame_i,
  output      logic [2:0]                frame_mode_o,
  output      logic [11:0]               frame_seq_o,
  output      logic [7:0]                frame_kind_o,
  output      logic [10:0]               frame_byte_count_o,
  output      logic                      frame_last_o,
  input  wire logic [2:0]                frame_mode_i,
  input  wire logic [11:0]               frame_seq_i,
  input  wire logic [7:0]                frame_kind_i,
  input  wire logic [10:0]               frame_byte_count_i,
  input  wire logic                      frame_last_i,
  output      logic [DemoFrameWidth-1:0] frame_o,
  input  wire logic [DemoWideWidth-1:0]  wide_i,
  output      logic [31:0]               wide_lo_o,
  output      logic [8:0]                wide_mid_o,
  output      logic [28:0]               wide_hi_o,
  output      logic [DemoWideWidth-1:0]  wide_o
);
  demo_frame_t frame_in, frame_out;
  demo_wide_t  wide_in, wide_out;

  assign frame_in           = demo_frame_t'(frame_i);
  assign frame_mode_o       = frame_in.mode;
  assign frame_seq_o        = frame_in.seq;
  assign frame_kind_o       = frame_in.kind;
  assign frame_byte_count_o = frame_in.byte_count;
  assign frame_last_o       = frame_in.last;
  // The gaps are not fields: nothing reads them.
  logic unused_gaps;
  assign unused_gaps = ^{frame_in.reserved_44_41, frame_in.reserved_39_39, frame_in.reserved_19_17, frame_in.reserved_4_3};

  always_comb begin
    frame_out            = '0;
    frame_out.mode       = demo_mode_e'(frame_mode_i);
    frame_out.seq        = frame_seq_i;
    frame_out.kind       = demo_kind_e'(frame_kind_i);
    frame_out.byte_count = frame_byte_count_i;
    frame_out.last       = frame_last_i;
  end
  assign frame_o = frame_out;

  assign wide_in    = demo_wide_t'(wide_i);
  assign wide_lo_o  = wide_in.lo;
  assign wide_mid_o = wide_in.mid;
  assign wide_hi_o  = wide_in.hi;
  assign wide_out   = wide_in;
  assign wide_o     = wide_out;
endmodule
