// The HSI's wire constants that the PCS needs: the 64b/66b sync headers (DESIGN.md section 3:
// `01` data / `10` control in transmission order, bit 0 first, so data is 2'b10 in a [1:0]
// vector) and the block size. Hand-written until the HSI has its description: they move into
// the generated package then (tools/), with the control block types and frame formats.
// models/hsi/hsi_pkg.ts holds the same values; tb/hsi/pkg.test.ts checks that they agree.
`default_nettype none

package hsi_pkg;
  // Each user takes what it needs of the package; the rest is not unused by mistake.
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned PayloadBits = 64;  // scrambled payload of a block
  localparam int unsigned BlockBits = 66;  // sync header [1:0] + payload [65:2], bit 0 first on the lane
  localparam logic [1:0] SyncData = 2'b10;  // `01` on the lane: a data block
  localparam logic [1:0] SyncCtrl = 2'b01;  // `10` on the lane: a control block
  /* verilator lint_on UNUSEDPARAM */
endpackage
