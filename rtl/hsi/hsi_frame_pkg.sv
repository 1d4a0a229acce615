// Byte counts of a frame's data blocks from its length, shared by the transmitter (EOF count,
// CRC beats), the receiver (the same checks) and the receive buffer (the last beat's tkeep), so
// the three agree by construction.
`default_nettype none

package hsi_frame_pkg;
  // Bytes valid in the last data block of a frame of len bytes (len 1..1024), from len's three
  // low bits: 1..8.
  function automatic logic [3:0] last_bytes(input logic [2:0] len_low);
    return 4'(len_low) + (len_low == 3'd0 ? 4'd8 : 4'd0);
  endfunction

  // Bytes - 1 of data block `beat` (0 first) of a frame of len bytes: 7 but in the last block.
  function automatic logic [2:0] beat_bytes_m1(input logic [10:0] len, input logic [7:0] beat);
    logic [10:0] remaining = len - {beat, 3'b000};
    return remaining >= 11'd8 ? 3'd7 : 3'(remaining - 11'd1);
  endfunction
endpackage
