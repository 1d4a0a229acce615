// Bridge fixture for the signal table: packed structs, enums, packed arrays and a memory, so the
// widths taken from Verilator's XML are checked against what SystemVerilog says.
`default_nettype none

module types_top (
  input  wire logic            clk_i,
  input  wire logic [3:0][7:0] packed_i,
  output      logic [31:0]     packed_o
);
  typedef enum logic [2:0] { StIdle, StBusy, StDone } state_e;
  typedef struct packed {
    logic [4:0]  tag;
    state_e      state;
    logic [10:0] len;
  } hdr_t;

  hdr_t            hdr_q;
  logic [63:0]     mem [4];
  integer          n_q;

  always_ff @(posedge clk_i) begin
    hdr_q <= '{tag: packed_i[0][4:0], state: StBusy, len: {3'b0, packed_i[1]}};
    n_q   <= n_q + 1;
  end
  assign packed_o = {packed_i[3], packed_i[2], hdr_q.len[7:0], mem[0][7:0]};
endmodule
