// Synchronous FIFO: a first-word-fall-through queue of Depth entries of Width bits with
// valid/ready on both sides, a level output and a synchronous clear.
// Clock/reset: clk_i, asynchronous active-low rst_ni. Write side wvalid_i/wready_o/wdata_i
// (wready_o low when full), read side rvalid_o/rready_i/rdata_o (rdata_o is the head while
// rvalid_o). clr_i empties the queue; a write in the same cycle is dropped.
`default_nettype none

module sync_fifo #(
  parameter int unsigned Width = 8,   // bits per entry
  parameter int unsigned Depth = 16,  // entries, at least 2
  localparam int unsigned LevelWidth = $clog2(Depth + 1)
) (
  input  wire logic                  clk_i,
  input  wire logic                  rst_ni,
  input  wire logic                  clr_i,
  input  wire logic                  wvalid_i,
  output      logic                  wready_o,
  input  wire logic [Width-1:0]      wdata_i,
  output      logic                  rvalid_o,
  input  wire logic                  rready_i,
  output      logic [Width-1:0]      rdata_o,
  output      logic [LevelWidth-1:0] level_o
);
  localparam int unsigned PtrWidth = $clog2(Depth);

  if (Depth < 2) begin : gen_bad_depth
    $error("sync_fifo: Depth must be at least 2, got %0d", Depth);
  end

  logic [Width-1:0]      mem_q [Depth];
  logic [PtrWidth-1:0]   wptr_q, wptr_d, rptr_q, rptr_d;
  logic [LevelWidth-1:0] level_q, level_d;
  logic                  push, pop;

  // Pointers wrap at Depth, which need not be a power of two.
  function automatic logic [PtrWidth-1:0] next_ptr(logic [PtrWidth-1:0] p);
    return (p == PtrWidth'(Depth - 1)) ? '0 : p + 1'b1;
  endfunction

  assign wready_o = level_q != LevelWidth'(Depth);
  assign rvalid_o = level_q != '0;
  assign rdata_o  = mem_q[rptr_q];
  assign level_o  = level_q;
  assign push     = wvalid_i && wready_o && !clr_i;
  assign pop      = rvalid_o && rready_i && !clr_i;

  always_comb begin
    wptr_d  = wptr_q;
    rptr_d  = rptr_q;
    level_d = level_q;
    if (clr_i) begin
      wptr_d  = '0;
      rptr_d  = '0;
      level_d = '0;
    end else begin
      if (push) wptr_d = next_ptr(wptr_q);
      if (pop) rptr_d = next_ptr(rptr_q);
      unique case ({push, pop})
        2'b10:   level_d = level_q + 1'b1;
        2'b01:   level_d = level_q - 1'b1;
        default: ;
      endcase
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

  // Storage needs no reset: an entry is read only after it was written.
  always_ff @(posedge clk_i) begin
    if (push) mem_q[wptr_q] <= wdata_i;
  end
endmodule
