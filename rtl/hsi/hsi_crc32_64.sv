// CRC-32 of IEEE 802.3 (polynomial 04C11DB7h reflected, init FFFFFFFFh, final xor FFFFFFFFh;
// "123456789" gives CBF43926h, as models/common/crc.ts) over up to 64 bits per cycle: the frame
// check of the HSI's frames, fed a beat at a time.
// Clock/reset: clk_i, asynchronous active-low rst_ni. A beat is valid_i with data_i, whose low
// bytes_m1_i + 1 bytes count, byte 0 (data_i[7:0], the AXI-Stream order) first, bit 0 of each
// byte first. init_i starts a new message (with valid_i, the beat is its first). crc_o is the
// CRC of the message so far, from the cycle after its last beat (an empty message gives 0).
`default_nettype none

module hsi_crc32_64 (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        init_i,
  input  wire logic        valid_i,
  input  wire logic [63:0] data_i,
  input  wire logic [2:0]  bytes_m1_i,  // valid bytes - 1: every code is a legal count
  output      logic [31:0] crc_o
);
  localparam logic [31:0] Poly = 32'hedb88320;  // 04C11DB7h reflected

  // The register after n bytes is linear in {data, register}: row i of the n-byte matrix
  // selects the bits whose parity is bit i. The matrices are computed here, at elaboration, by
  // running the bit-serial CRC on each unit vector; at run time a beat is 32 parities of a
  // 96-bit AND with constant masks. A loop over the data bits at run time would instead be a
  // 64-step chain of dependent shifts and conditional XORs on every beat: in a plain Verilator
  // loop it ran at a third of this network's speed (bench/hsi_crc.ts, bench/out/hsi_crc.json).
  typedef logic [95:0] row_t;  // {data[63:0], register[31:0]}
  typedef row_t [31:0] matrix_t;
  typedef matrix_t [7:0] matrices_t;  // [n - 1]: the update by n bytes

  function automatic matrices_t update_matrices();
    matrices_t m;
    for (int n = 1; n <= 8; n++) begin
      logic [31:0] col[96];  // the register after n bytes from unit vector j of {data, register}
      for (int j = 0; j < 96; j++) begin
        logic [31:0] r = j < 32 ? 32'd1 << j : 32'd0;
        logic [63:0] d = j < 32 ? 64'd0 : 64'd1 << (j - 32);
        for (int b = 0; b < 8 * n; b++) begin
          r = (r >> 1) ^ ((r[0] ^ d[b]) ? Poly : 32'd0);
        end
        col[j] = r;
      end
      // Rows are put together apart and written whole: Verilator's constant evaluator is slow
      // on writes into a value as wide as m (bit by bit, linting this file took 6 s, not 0.7).
      for (int i = 0; i < 32; i++) begin
        row_t row = '0;
        for (int j = 0; j < 96; j++) row[j] = col[j][i];
        m[n-1][i] = row;
      end
    end
    return m;
  endfunction

  localparam matrices_t Update = update_matrices();

  function automatic logic [31:0] apply(matrix_t m, row_t x);
    logic [31:0] r;
    for (int i = 0; i < 32; i++) r[i] = ^(m[i] & x);
    return r;
  endfunction

  logic [31:0] crc_q, crc_d, base;
  row_t        v;

  always_comb begin
    base = init_i ? 32'hffffffff : crc_q;
    v = {data_i, base};
    crc_d = base;
    // One branch per count, so each matrix is a constant where it is used (a run-time index
    // into Update would select its masks bit by bit on every beat).
    if (valid_i) begin
      unique case (bytes_m1_i)
        3'd0: crc_d = apply(Update[0], v);
        3'd1: crc_d = apply(Update[1], v);
        3'd2: crc_d = apply(Update[2], v);
        3'd3: crc_d = apply(Update[3], v);
        3'd4: crc_d = apply(Update[4], v);
        3'd5: crc_d = apply(Update[5], v);
        3'd6: crc_d = apply(Update[6], v);
        default: crc_d = apply(Update[7], v);
      endcase
    end
  end

  assign crc_o = ~crc_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) crc_q <= 32'hffffffff;
    else crc_q <= crc_d;
  end
endmodule
