// SPI mode 0 byte shifter of the flash controller: SCLK idles low, MOSI changes on the falling
// edge and is sampled by the part on the rising edge; SCLK = clk_i / (2 * (div_i + 1)).
// Clock/reset: clk_i, asynchronous active-low rst_ni.
// Byte interface: a byte is taken when tx_valid_i && tx_ready_o; tx_ready_o is high when idle
// and in the cycle of the last falling edge of a byte, so bytes offered in time follow back to
// back with no gap in SCLK. Each byte received pulses rx_valid_o the cycle after that edge.
// MISO is sampled at the end of each high phase (the falling edge), where the part has held the
// bit for the whole high phase. CS# belongs to the caller (spi_flash_engine).
`default_nettype none

module spi_flash_phy (
  input  wire logic       clk_i,
  input  wire logic       rst_ni,
  input  wire logic [7:0] div_i,
  input  wire logic       tx_valid_i,
  output      logic       tx_ready_o,
  input  wire logic [7:0] tx_data_i,
  output      logic       rx_valid_o,
  output      logic [7:0] rx_data_o,
  output      logic       active_o,
  output      logic       spi_sclk_o,
  output      logic       spi_mosi_o,
  input  wire logic       spi_miso_i
);
  logic       active_q, active_d;
  logic       sclk_q, sclk_d;
  logic [7:0] cnt_q, cnt_d;    // clk_i cycles into the current half period
  logic [2:0] bit_q, bit_d;    // bits left after the current one
  logic [7:0] tx_q, tx_d;      // MOSI shift register: bit 7 is on the wire
  logic [7:0] rx_q, rx_d;
  logic       rx_valid_q, rx_valid_d;
  logic       half_end, byte_end;

  assign half_end   = cnt_q == div_i;
  assign byte_end   = active_q && sclk_q && half_end && bit_q == 3'd0;
  assign tx_ready_o = !active_q || byte_end;
  assign rx_valid_o = rx_valid_q;
  assign rx_data_o  = rx_q;
  assign active_o   = active_q;
  assign spi_sclk_o = sclk_q;
  assign spi_mosi_o = tx_q[7];

  always_comb begin
    active_d   = active_q;
    sclk_d     = sclk_q;
    cnt_d      = cnt_q;
    bit_d      = bit_q;
    tx_d       = tx_q;
    rx_d       = rx_q;
    rx_valid_d = 1'b0;
    if (active_q) begin
      cnt_d = half_end ? 8'd0 : cnt_q + 8'd1;
      if (half_end) begin
        sclk_d = !sclk_q;
        if (sclk_q) begin
          // Falling edge: take MISO, put the next bit on MOSI.
          rx_d  = {rx_q[6:0], spi_miso_i};
          tx_d  = {tx_q[6:0], 1'b0};
          bit_d = bit_q - 3'd1;
          if (bit_q == 3'd0) begin
            rx_valid_d = 1'b1;
            active_d   = 1'b0;
          end
        end
      end
    end
    if (tx_valid_i && tx_ready_o) begin
      active_d = 1'b1;
      sclk_d   = 1'b0;
      cnt_d    = 8'd0;
      bit_d    = 3'd7;
      tx_d     = tx_data_i;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q   <= 1'b0;
      sclk_q     <= 1'b0;
      cnt_q      <= 8'd0;
      bit_q      <= 3'd0;
      tx_q       <= 8'd0;
      rx_q       <= 8'd0;
      rx_valid_q <= 1'b0;
    end else begin
      active_q   <= active_d;
      sclk_q     <= sclk_d;
      cnt_q      <= cnt_d;
      bit_q      <= bit_d;
      tx_q       <= tx_d;
      rx_q       <= rx_d;
      rx_valid_q <= rx_valid_d;
    end
  end
endmodule
