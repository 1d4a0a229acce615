// CRC-32 (IEEE 802.3: polynomial 04C11DB7h reflected, init FFFFFFFFh, final xor FFFFFFFFh) of
// the bytes on the flash controller's read path, one byte per cycle: the image checker's engine
// ("123456789" gives CBF43926h, as models/common/crc.ts).
// Clock/reset: clk_i, asynchronous active-low rst_ni. init_i restarts the CRC (an empty
// message, crc_o = 0); valid_i adds data_i; crc_o is the CRC of the bytes since init_i.
`default_nettype none

module spi_flash_crc32 (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        init_i,
  input  wire logic        valid_i,
  input  wire logic [7:0]  data_i,
  output      logic [31:0] crc_o
);
  logic [31:0] crc_q, crc_d;

  // Bit-serial form of the reflected CRC, unrolled over the eight bits of a byte.
  function automatic logic [31:0] crc_byte(logic [31:0] c, logic [7:0] d);
    logic [31:0] r = c ^ {24'h0, d};
    for (int i = 0; i < 8; i++) r = r[0] ? (r >> 1) ^ 32'hedb88320 : r >> 1;
    return r;
  endfunction

  always_comb begin
    crc_d = crc_q;
    if (init_i) crc_d = 32'hffffffff;
    else if (valid_i) crc_d = crc_byte(crc_q, data_i);
  end

  assign crc_o = ~crc_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) crc_q <= 32'hffffffff;
    else crc_q <= crc_d;
  end
endmodule
