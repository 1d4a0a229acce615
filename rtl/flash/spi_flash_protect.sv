// Write-protect check of the flash controller: does a write touch [wp_base_i, wp_limit_i]
// (inclusive; empty when wp_limit_i < wp_base_i)? A program covers [addr_i, addr_i + len_i - 1],
// an erase its whole sector, block or (chip_i) the whole part. A write reaching past the part's
// last byte is refused too: the part decodes only its own size, so such an address would alias
// into low memory and slip past the window. Combinational.
`default_nettype none

module spi_flash_protect
  import spi_flash_pkg::*;
#(
  parameter int unsigned FlashBytes = 1 << 24  // size of the part: a power of two, at most 16 MiB
) (
  input  wire logic [23:0] addr_i,
  input  wire logic [23:0] len_i,     // bytes of a program (len_i >= 1: the engine never asks
                                      // about an empty one); unused for erases
  input  wire logic        sector_i,  // SE: the 4 KiB sector of addr_i
  input  wire logic        block_i,   // BE: the 64 KiB block of addr_i
  input  wire logic        chip_i,    // CE: everything
  input  wire logic [23:0] wp_base_i,
  input  wire logic [23:0] wp_limit_i,
  output      logic        hit_o
);
  localparam int unsigned SectorBits = $clog2(SectorBytes), BlockBits = $clog2(BlockBytes);

  logic [24:0] lo, hi;  // first and last byte touched (hi may pass 16 MiB)

  always_comb begin
    lo = {1'b0, addr_i};
    hi = {1'b0, addr_i} + {1'b0, len_i} - 25'd1;
    if (sector_i) begin
      lo = {1'b0, addr_i[23:SectorBits], SectorBits'(0)};
      hi = {1'b0, addr_i[23:SectorBits], {SectorBits{1'b1}}};
    end
    if (block_i) begin
      lo = {1'b0, addr_i[23:BlockBits], BlockBits'(0)};
      hi = {1'b0, addr_i[23:BlockBits], {BlockBits{1'b1}}};
    end
    if (chip_i) begin
      lo = 25'h0;
      hi = 25'(FlashBytes - 1);
    end
    hit_o = hi >= 25'(FlashBytes) || (wp_base_i <= wp_limit_i && lo <= {1'b0, wp_limit_i} && hi >= {1'b0, wp_base_i});
  end
endmodule
