// Behavioural JEDEC SPI NOR flash (simulation only): mode 0, 3-byte addresses, READ, FAST_READ,
// PP, SE, BE, CE, WREN, WRDI, RDSR, RDID (opcodes and the status register: spi_flash_pkg).
// Program clears bits only (old AND new), erase sets FFh, a PP wraps inside its 256-byte page,
// PP/SE/BE/CE need WEL and are dropped when CS# rises off a byte boundary, and while WIP only
// RDSR is answered. Busy times are clock cycles (parameters). models/flash/spi_nor.ts is the
// same device at transaction level.
// Clock: clk_i samples the SPI pins (SCLK must stay high and low for at least one clk_i cycle)
// and times WIP; MISO changes one clk_i cycle after the falling SCLK edge. No reset: the part
// powers up erased (or loaded from +<Plusarg>_load=<hex file>) and writes +<Plusarg>_dump=<file>
// at the end. mem_q is public (spi_nor_model.vlt) for the bridge's bulk memory access.
// Power loss: while power_loss_i is high the part is off; asserting it during a program or erase
// leaves every byte of that page or sector bitwise between its old and its intended content,
// chosen from power_loss_seed_i.
`default_nettype none
// The storage and page buffer are updated in place (blocking) by loops: a behavioural model.
/* verilator lint_off BLKSEQ */

module spi_nor_model
  import spi_flash_pkg::*;
#(
  parameter int unsigned SizeBytes      = 1 << 20,   // capacity: a power of two, 64 KiB..16 MiB
  parameter logic [7:0]  ManufacturerId = 8'hef,     // first RDID byte
  parameter logic [7:0]  MemoryType     = 8'h40,     // second RDID byte (the third is log2 size)
  parameter int unsigned TppCycles      = 1000,      // page program time
  parameter int unsigned TseCycles      = 4000,      // 4 KiB sector erase time
  parameter int unsigned TbeCycles      = 16000,     // 64 KiB block erase time
  parameter int unsigned TceCycles      = 64000,     // chip erase time
  parameter string       Plusarg        = "spi_nor"  // prefix of the load/dump plusargs
) (
  input  wire logic        clk_i,
  input  wire logic        spi_cs_ni,
  input  wire logic        spi_sclk_i,
  input  wire logic        spi_mosi_i,
  output      logic        spi_miso_o,
  input  wire logic        power_loss_i,
  input  wire logic [31:0] power_loss_seed_i,
  output      logic        wip_o
);
  localparam int unsigned AddrBits = $clog2(SizeBytes);

  if (SizeBytes < (1 << 16) || SizeBytes > (1 << 24) || (SizeBytes & (SizeBytes - 1)) != 0) begin : gen_bad_size
    $error("%m: SizeBytes must be a power of two from 64 KiB to 16 MiB, got %0d", SizeBytes);
  end

  typedef enum logic [1:0] { BusyPp, BusyErase } busy_e;

  logic [7:0]          mem_q [SizeBytes];
  logic [7:0]          page_q [PageBytes];     // PP data, FFh where nothing was sent
  logic                sclk_q, cs_nq;          // previous samples: edges
  logic [2:0]          bit_q;                  // rising edges of the current byte
  logic [6:0]          shift_q;
  logic [31:0]         nbytes_q;               // whole bytes of this command
  logic [7:0]          opcode_q;
  logic                ignore_q;               // this command is not answered
  logic [23:0]         addr_q;
  logic [7:0]          out_q;                  // the byte MISO shifts out
  logic                wel_q, wip_q;
  busy_e               busy_q;
  logic [31:0]         busy_left_q;
  logic [AddrBits-1:0] busy_base_q;            // first byte of the page or region being changed
  int unsigned         busy_bytes_q;           // its size
  logic                off_q;                  // powered off
  string               dump_file;

  assign wip_o = wip_q;

  function automatic spi_nor_status_t status();
    spi_nor_status_t s = '0;
    s.wel = wel_q;
    s.wip = wip_q;
    return s;
  endfunction

  function automatic logic [7:0] rdid(int unsigned n);
    unique case (n)
      0:       return ManufacturerId;
      1:       return MemoryType;
      2:       return 8'(AddrBits);
      default: return 8'h00;
    endcase
  endfunction

  initial begin
    string load_file;
    for (int unsigned i = 0; i < SizeBytes; i++) mem_q[i] = 8'hff;
    if ($value$plusargs({Plusarg, "_load=%s"}, load_file)) $readmemh(load_file, mem_q);
    if (!$value$plusargs({Plusarg, "_dump=%s"}, dump_file)) dump_file = "";
    sclk_q = 1'b0;
    cs_nq = 1'b1;
    bit_q = '0;
    nbytes_q = '0;
    ignore_q = 1'b1;
    wel_q = 1'b0;
    wip_q = 1'b0;
    busy_q = BusyPp;
    busy_left_q = '0;
    busy_base_q = '0;
    busy_bytes_q = 0;
    off_q = 1'b0;
    out_q = 8'h00;
    spi_miso_o = 1'b0;
  end

  final begin
    if (dump_file != "") $writememh(dump_file, mem_q);
  end

  // A byte completed on the rising edge: decode it and choose the next byte MISO sends.
  task automatic take_byte(input logic [7:0] b);
    int unsigned n = nbytes_q;
    if (n == 0) begin
      opcode_q <= b;
      // Busy: only RDSR is answered.
      ignore_q <= wip_q && b != SpiNorCmdRdsr;
      if (b == SpiNorCmdRdsr) out_q <= status();
      if (b == SpiNorCmdRdid) out_q <= rdid(0);
      // A new PP starts from an empty buffer (one in progress keeps its own: PP is ignored then).
      if (b == SpiNorCmdPp && !wip_q) for (int unsigned i = 0; i < PageBytes; i++) page_q[i] = 8'hff;
    end else if (!ignore_q) begin
      unique case (opcode_q)
        SpiNorCmdRdsr: out_q <= status();
        SpiNorCmdRdid: out_q <= rdid(n);
        SpiNorCmdRead, SpiNorCmdFastRead, SpiNorCmdPp, SpiNorCmdSe, SpiNorCmdBe: begin
          logic [23:0] a = addr_q;
          if (n <= 3) a = {a[15:0], b};
          addr_q <= a;
          // Read data: from the byte after the address (READ) or the dummy byte (FAST_READ).
          if ((opcode_q == SpiNorCmdRead && n >= 3) || (opcode_q == SpiNorCmdFastRead && n >= 4)) begin
            out_q <= mem_q[AddrBits'(a)];
            addr_q <= a + 1'b1;
          end
          if (opcode_q == SpiNorCmdPp && n >= 4) begin
            page_q[a[7:0]] = b;
            addr_q <= {a[23:8], a[7:0] + 8'd1};  // wraps inside the page
          end
        end
        default: ;
      endcase
    end
    nbytes_q <= n + 1;
  endtask

  task automatic start_busy(input busy_e kind, input logic [AddrBits-1:0] base, input int unsigned bytes,
                            input int unsigned cycles);
    wip_q <= 1'b1;
    busy_q <= kind;
    busy_base_q <= base;
    busy_bytes_q <= bytes;
    busy_left_q <= cycles;
  endtask

  // CS# rose: execute a write command that ended on a byte boundary.
  task automatic end_command();
    if (ignore_q || bit_q != 0) return;
    unique case (opcode_q)
      SpiNorCmdWren: if (nbytes_q == 1) wel_q <= 1'b1;
      SpiNorCmdWrdi: if (nbytes_q == 1) wel_q <= 1'b0;
      SpiNorCmdPp:   if (wel_q && nbytes_q >= 5) start_busy(BusyPp, AddrBits'(addr_q & ~24'(PageBytes - 1)), PageBytes, TppCycles);
      SpiNorCmdSe:   if (wel_q && nbytes_q == 4) start_busy(BusyErase, AddrBits'(addr_q & ~24'(SectorBytes - 1)), SectorBytes, TseCycles);
      SpiNorCmdBe:   if (wel_q && nbytes_q == 4) start_busy(BusyErase, AddrBits'(addr_q & ~24'(BlockBytes - 1)), BlockBytes, TbeCycles);
      SpiNorCmdCe:   if (wel_q && nbytes_q == 1) start_busy(BusyErase, '0, SizeBytes, TceCycles);
      default: ;
    endcase
  endtask

  // The end of a program or erase: all of it (complete) or, on power loss, a seeded part.
  task automatic finish_busy(input logic complete);
    logic [31:0] rnd = (power_loss_seed_i == 0) ? 32'h2545f491 : power_loss_seed_i;
    for (int unsigned i = 0; i < busy_bytes_q; i++) begin
      logic [AddrBits-1:0] a = busy_base_q + AddrBits'(i);
      logic [7:0] keep = 8'h00;  // bits the interrupted operation did not reach
      if (!complete) begin
        rnd ^= rnd << 13;
        rnd ^= rnd >> 17;
        rnd ^= rnd << 5;
        keep = rnd[7:0];
      end
      if (busy_q == BusyPp) mem_q[a] = mem_q[a] & (page_q[8'(i)] | keep);
      else mem_q[a] = mem_q[a] | ~keep;
    end
    wip_q <= 1'b0;
    wel_q <= 1'b0;
  endtask

  // A behavioural process: the storage is updated in place (blocking), the rest as registers.
  always @(posedge clk_i) begin
    if (power_loss_i) begin
      if (!off_q && wip_q) finish_busy(1'b0);
      off_q <= 1'b1;
      wip_q <= 1'b0;
      wel_q <= 1'b0;
      ignore_q <= 1'b1;
      spi_miso_o <= 1'b0;
    end else begin
      off_q <= 1'b0;
      if (wip_q) begin
        if (busy_left_q <= 1) finish_busy(1'b1);
        busy_left_q <= busy_left_q - 1;
      end
      if (!spi_cs_ni && cs_nq && !off_q) begin
        // CS# fell: a new command (a part that just powered up waits for the next one).
        bit_q <= '0;
        nbytes_q <= '0;
        ignore_q <= 1'b0;
        out_q <= 8'h00;
      end else if (!spi_cs_ni) begin
        if (spi_sclk_i && !sclk_q) begin
          bit_q <= bit_q + 1'b1;
          shift_q <= {shift_q[5:0], spi_mosi_i};
          if (bit_q == 3'd7) take_byte({shift_q[6:0], spi_mosi_i});
        end
        if (!spi_sclk_i && sclk_q && !ignore_q) spi_miso_o <= out_q[3'd7 - bit_q];
      end else if (!cs_nq) begin
        end_command();
        ignore_q <= 1'b1;
      end
    end
    sclk_q <= spi_sclk_i;
    cs_nq <= spi_cs_ni;
  end
endmodule
/* verilator lint_on BLKSEQ */
