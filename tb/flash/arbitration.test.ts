// The arbitration rule of spi_flash_ctrl at the cycle where it matters: a CSR command and a
// stream request that become pending in the same idle cycle. The README's rule is "the CSR face
// first", so the CSR's RDID must reach the chip before the stream's RDSR. The bus is driven by
// hand (APB phases and the request's tvalid), one round trip per edge, to land both together.
import { expect } from 'vitest';
import { ClockCycles, Clock, SampledStream, Until } from '../../bridge/src/index.js';
import { simTest } from '../../bridge/src/vitest.js';
import { FLASH_OFFSET, FlashOp, FlashReq, SpiNorCmd } from '../../models/flash/spi_flash_pkg.js';
import { flashTb } from './tops.js';

const test = simTest(flashTb, { simTimeout: [1, 'ms'] });

test('a CSR command and a stream request pending in the same idle cycle: the CSR goes first', async ({ sim, dut }) => {
  for (const s of [dut.bb_en_i, dut.power_loss_i, dut.apb_psel_i, dut.apb_penable_i, dut.s_axis_req_tvalid_i, dut.s_axis_tvalid_i]) s.value = 0;
  dut.bb_cs_ni.value = 1;
  dut.m_axis_rsp_tready_i.value = 1;
  dut.m_axis_tready_i.value = 1;
  dut.rst_ni.value = 0;
  new Clock(dut.clk_i, 10, 'ns').start();
  await ClockCycles(dut.clk_i, 2);
  dut.rst_ni.value = 1;
  const bus = SampledStream.open(sim, { clock: dut.clk_i, signals: [dut.spi_cs_no, dut.spi_sclk_o, dut.spi_mosi_o] });
  await ClockCycles(dut.clk_i, 2);
  // APB setup phase, then access phase: CMD is taken at the end of the access cycle.
  dut.apb_psel_i.value = 1;
  dut.apb_pwrite_i.value = 1;
  dut.apb_paddr_i.value = FLASH_OFFSET.CMD;
  dut.apb_pwdata_i.value = FlashOp.ReadId;
  await ClockCycles(dut.clk_i, 1);
  dut.apb_penable_i.value = 1;
  await ClockCycles(dut.clk_i, 1);
  // The cycle the CSR command is pending: the stream request arrives with it.
  dut.apb_psel_i.value = 0;
  dut.apb_penable_i.value = 0;
  dut.s_axis_req_tvalid_i.value = 1;
  dut.s_axis_req_tdata_i.value = FlashReq.encode({ op: FlashOp.ReadStatus, addr: 0, len: 0 });
  await Until(dut.clk_i, dut.s_axis_req_tready_o, 1);
  await ClockCycles(dut.clk_i, 1);
  dut.s_axis_req_tvalid_i.value = 0;
  await ClockCycles(dut.clk_i, 400);
  bus.close();
  // Decode the first byte of each CS# low period (mode 0: MOSI sampled on SCLK rising).
  const opcodes: number[] = [];
  let prev = { cs: 1, sclk: 0 };
  let bits: number[] = [];
  for await (const b of bus) {
    const [cs, sclk, mosi] = [b.column(dut.spi_cs_no), b.column(dut.spi_sclk_o), b.column(dut.spi_mosi_o)];
    for (let i = 0; i < b.cycles.length; i++) {
      const now = { cs: Number(cs[i]), sclk: Number(sclk[i]) };
      if (prev.cs === 1 && now.cs === 0) bits = [];
      if (now.cs === 0 && prev.sclk === 0 && now.sclk === 1 && bits.length < 8) {
        bits.push(Number(mosi[i]));
        if (bits.length === 8) opcodes.push(bits.reduce((v, x) => (v << 1) | x, 0));
      }
      prev = now;
    }
  }
  expect(opcodes.map((o) => SpiNorCmd[o]), 'opcodes on the bus, in order').toEqual([SpiNorCmd[SpiNorCmd.Rdid], SpiNorCmd[SpiNorCmd.Rdsr]]);
});
