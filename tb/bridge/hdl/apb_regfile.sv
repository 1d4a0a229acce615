// Bridge fixture: an APB3 register file of 16 x 32-bit registers (word addresses 0x00..0x3C).
// Every second access inserts one wait state; an address at 0x40 or above answers pslverr.
// Broken = 1 flips bit 0 of what register 5 stores: a bug the transactor tests must catch.
`default_nettype none

module apb_regfile #(
  parameter bit Broken = 1'b0  // inject the register-5 bug
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
  output      logic        apb_pslverr_o
);
  logic [31:0] regs_q [16];
  logic        wait_q;     // the wait state of this access has been served
  logic        toggle_q;   // every second access waits

  wire  access  = apb_psel_i && apb_penable_i;
  wire  invalid = apb_paddr_i >= 12'h040;
  wire  [3:0] index = apb_paddr_i[5:2];

  assign apb_pready_o  = !access || !toggle_q || wait_q;
  assign apb_pslverr_o = access && apb_pready_o && invalid;
  assign apb_prdata_o  = (access && !invalid) ? regs_q[index] : 32'h0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wait_q   <= 1'b0;
      toggle_q <= 1'b0;
      for (int i = 0; i < 16; i++) regs_q[i] <= 32'h0;
    end else if (access) begin
      if (apb_pready_o) begin
        wait_q   <= 1'b0;
        toggle_q <= !toggle_q;
        if (apb_pwrite_i && !invalid) regs_q[index] <= (Broken && index == 4'd5) ? apb_pwdata_i ^ 32'h1 : apb_pwdata_i;
      end else begin
        wait_q <= 1'b1;
      end
    end
  end
endmodule
