// Synchronous FIFO with valid/ready on both sides, a level output and a synchronous clear
// (the UART flushes its TX FIFO on a collision). Storage is a flop array: the depths used here
// are small, and flops keep the read data valid in the cycle rvalid_o rises.
// Clock/reset: clk_i, asynchronous active-low rst_ni.
`default_nettype none

module sync_fifo #(
  parameter int unsigned Width = 8,   // bits per entry
  parameter int unsigned Depth = 16,  // entries, a power of two
  localparam int unsigned PtrW = $clog2(Depth),
  localparam int unsigned LevelW = $clog2(Depth + 1)
) (
  input  wire logic              clk_i,
  input  wire logic              rst_ni,
  input  wire logic              clr_i,     // empties the FIFO; a write in the same cycle is dropped
  input  wire logic              wvalid_i,
  output      logic              wready_o,  // not full
  input  wire logic [Width-1:0]  wdata_i,
  output      logic              rvalid_o,  // not empty
  input  wire logic              rready_i,
  output      logic [Width-1:0]  rdata_o,
  output      logic [LevelW-1:0] level_o
);
  if (Depth < 2 || (Depth & (Depth - 1)) != 0) begin : gen_bad_depth
    $error("%m: Depth must be a power of two, at least 2");
  end

  logic [Width-1:0]  mem_q [Depth];
  logic [PtrW-1:0]   wptr_q, wptr_d, rptr_q, rptr_d;
  logic [LevelW-1:0] level_q, level_d;
  logic              push, pop;

  assign wready_o = level_q != LevelW'(Depth);
  assign rvalid_o = level_q != '0;
  assign rdata_o  = mem_q[rptr_q];
  assign level_o  = level_q;
  assign push     = wvalid_i && wready_o && !clr_i;
  assign pop      = rready_i && rvalid_o && !clr_i;

  always_comb begin
    wptr_d  = wptr_q + PtrW'(push);
    rptr_d  = rptr_q + PtrW'(pop);
    level_d = level_q + LevelW'(push) - LevelW'(pop);
    if (clr_i) begin
      wptr_d  = '0;
      rptr_d  = '0;
      level_d = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      level_q <= '0;
    end else begin
      wptr_q  <= wptr_d;
      rptr_q  <= rptr_d;
      level_q <= level_d;
    end
  end

  // The array has no reset: entries are only read after they were written.
  always_ff @(posedge clk_i) begin
    if (push) mem_q[wptr_q] <= wdata_i;
  end
endmodule
