import { defineTop } from '../../bridge/src/index.js';
import type { ApbFifoDut } from './gen/apb_fifo.js';
import type { ApbRegfileDut } from './gen/apb_regfile.js';
import type { AxisSliceDut } from './gen/axis_slice.js';
import type { CounterDut } from './gen/counter.js';
import type { GenLoopDut } from './gen/gen_loop.js';
import type { LineLoopDut } from './gen/line_loop.js';
import type { MixedDut } from './gen/mixed.js';
import type { TickerDut } from './gen/ticker.js';

const counterSources = ['tb/bridge/hdl/counter_core.sv', 'tb/bridge/hdl/counter.sv'];

/** The bridge's main fixture: edges, wide values, internal/forceable signals, a memory. */
export const counter = defineTop<CounterDut>({
  name: 'counter',
  sources: counterSources,
  config: ['tb/bridge/hdl/counter.vlt'],
});

/** The same counter with `$fatal` when it reaches 5. */
export const counterFatal = defineTop<CounterDut>({
  name: 'counter_fatal',
  module: 'counter',
  sources: counterSources,
  config: ['tb/bridge/hdl/counter.vlt'],
  parameters: { FatalAt: 5 },
});

/** A top with its own time (--timing): delays, a clock in HDL, `$finish`. */
export const ticker = defineTop<TickerDut>({
  name: 'ticker',
  sources: ['tb/bridge/hdl/ticker.sv'],
  config: ['tb/bridge/hdl/ticker.vlt'],
  timing: true,
});

/** The demo and benchmark DUT: an 8-bit AXI-Stream register slice with a beat counter. */
export const axisSlice = defineTop<AxisSliceDut>({
  name: 'axis_slice',
  sources: ['rtl/common/axis_slice.sv'],
});

/** An APB register file for the APB transactor (apb_* ports as DESIGN.md section 3 names them). */
export const apbRegfile = defineTop<ApbRegfileDut>({
  name: 'apb_regfile',
  sources: ['tb/bridge/hdl/apb_regfile.sv'],
});

/** The same register file with a bug in register 5. */
export const apbRegfileBroken = defineTop<ApbRegfileDut>({
  name: 'apb_regfile_broken',
  module: 'apb_regfile',
  sources: ['tb/bridge/hdl/apb_regfile.sv'],
  parameters: { Broken: "1'b1" },  // sized: the parameter is a bit
});

/** A byte FIFO with an event register and an interrupt, for the APB master's wait, drain and write-from. */
export const apbFifo = defineTop<ApbFifoDut>({ name: 'apb_fifo', sources: ['tb/bridge/hdl/apb_fifo.sv'] });


/** A serial line through one flop, for the serial source and sink. */
export const lineLoop = defineTop<LineLoopDut>({ name: 'line_loop', sources: ['tb/bridge/hdl/line_loop.sv'] });

/** Every harness agent at once (AXI-Stream, APB, serial): the determinism test's DUT. */
export const mixed = defineTop<MixedDut>({
  name: 'mixed',
  sources: ['rtl/common/axis_slice.sv', 'tb/bridge/hdl/apb_regfile.sv', 'tb/bridge/hdl/line_loop.sv', 'tb/bridge/hdl/mixed.sv'],
});

/** Instances inside generate blocks: `dut['g_cell[1]'].u_cell`, `dut['g_cell[1]'].g_extra.u_cell`. */
export const genLoop = defineTop<GenLoopDut>({
  name: 'gen_loop',
  sources: ['tb/bridge/hdl/gen_loop_cell.sv', 'tb/bridge/hdl/gen_loop.sv'],
  config: ['tb/bridge/hdl/gen_loop.vlt'],
});
