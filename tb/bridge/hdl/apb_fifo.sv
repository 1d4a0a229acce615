// Bridge fixture: a byte FIFO behind APB with an event register and an interrupt, the shape of a
// UART's receive side, for the APB master's wait, drain and write-from steps.
//   0x0 read: pops; prdata = {23'b0, valid, byte} (valid 0 when empty)
//   0x4 read: EVENTS (bit 0: a byte was pushed); write: ones clear
//   0x8 read: the number of bytes held
// irq_o is high while an event is set. The test pushes bytes on push_i / push_data_i.
`default_nettype none

module apb_fifo #(
  parameter int unsigned Depth = 16
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  input  wire logic        push_i,
  input  wire logic [7:0]  push_data_i,
  output      logic        irq_o,
  input  wire logic        apb_psel_i,
  input  wire logic        apb_penable_i,
  input  wire logic        apb_pwrite_i,
  input  wire logic [11:0] apb_paddr_i,
  /* verilator lint_off UNUSEDSIGNAL */  // only bit 0 clears
  input  wire logic [31:0] apb_pwdata_i,
  /* verilator lint_on UNUSEDSIGNAL */
  output      logic [31:0] apb_prdata_o,
  output      logic        apb_pready_o,
  output      logic        apb_pslverr_o
);
  localparam int unsigned Aw = $clog2(Depth);

  logic [7:0]  mem_q [Depth];
  logic [Aw:0] count_q;
  logic [Aw-1:0] rd_q, wr_q;
  logic        event_q;

  wire access = apb_psel_i && apb_penable_i;
  wire pop    = access && !apb_pwrite_i && apb_paddr_i == 12'h000 && count_q != 0;
  wire clear  = access && apb_pwrite_i && apb_paddr_i == 12'h004 && apb_pwdata_i[0];
  wire take   = push_i && count_q != (Aw+1)'(Depth);

  assign apb_pready_o  = 1'b1;
  assign apb_pslverr_o = 1'b0;
  assign irq_o         = event_q;

  always_comb begin
    unique case (apb_paddr_i)
      12'h000: apb_prdata_o = {23'b0, count_q != 0, count_q != 0 ? mem_q[rd_q] : 8'h00};
      12'h004: apb_prdata_o = {31'b0, event_q};
      12'h008: apb_prdata_o = 32'(count_q);
      default: apb_prdata_o = 32'h0;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      count_q <= '0;
      rd_q    <= '0;
      wr_q    <= '0;
      event_q <= 1'b0;
    end else begin
      if (take) begin
        mem_q[wr_q] <= push_data_i;
        wr_q        <= wr_q + 1'b1;
      end
      if (pop) rd_q <= rd_q + 1'b1;
      count_q <= count_q + (Aw+1)'(take) - (Aw+1)'(pop);
      // A push in the same cycle as the clear stays seen: no event is lost between.
      event_q <= take || (event_q && !clear);
    end
  end
endmodule
