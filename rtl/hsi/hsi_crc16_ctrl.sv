// CRC-16 of an HSI control block: CRC-16/DNP (polynomial 3D65h reflected, init 0000h, final
// xor FFFFh; "123456789" gives EA82h), over the DataBits of the block's payload that precede the
// CRC field, bit 0 first (byte 0 = data_i[7:0]). Combinational. Why this CRC-16 (distance 6 on
// a 64-bit payload, where CCITT's 1021h has 4): rtl/hsi/README.md.
`default_nettype none

module hsi_crc16_ctrl #(
  parameter int unsigned DataBits = 48  // covered bits: a 64-bit payload less its 16-bit CRC
) (
  input  wire logic [DataBits-1:0] data_i,
  output      logic [15:0]         crc_o
);
  if (DataBits % 8 != 0 || DataBits < 8 || DataBits > 128) begin : g_bad_width
    // 3D65h has order 151: up to 135 data bits its distance is 6, beyond them 2.
    $error("hsi_crc16_ctrl %m: DataBits must be whole bytes, 8..128");
  end

  localparam logic [15:0] Poly = 16'ha6bc;  // 3D65h reflected

  // crc_o = ~(M * data): row i of M selects the data bits whose parity is bit i (init 0 makes
  // the map linear). Computed at elaboration from the bit-serial CRC of each unit vector, so at
  // run time it is 16 parities, not a loop over the data bits.
  typedef logic [DataBits-1:0] row_t;
  typedef row_t [15:0] matrix_t;

  function automatic matrix_t crc_matrix();
    matrix_t m = '0;
    for (int j = 0; j < DataBits; j++) begin
      logic [15:0] r = 16'd0;
      for (int b = 0; b < DataBits; b++) begin
        r = (r >> 1) ^ ((r[0] ^ (b == j)) ? Poly : 16'd0);
      end
      for (int i = 0; i < 16; i++) m[i][j] = r[i];
    end
    return m;
  endfunction

  localparam matrix_t Crc = crc_matrix();

  always_comb begin
    for (int i = 0; i < 16; i++) crc_o[i] = ~^(Crc[i] & data_i);
  end
endmodule
