import { defineTop } from '../../bridge/src/index.js';
import type { DemoFormatDut } from './gen/demo_format.js';
import type { DemoRegTopDut } from './gen/demo_reg_top.js';

/** The register block generated from tb/tools/hdl/demo_desc.json (make types writes gen/). */
export const demoRegs = defineTop<DemoRegTopDut>({
  name: 'demo_reg_top',
  sources: ['tb/tools/gen/demo_reg_top.sv'],
});

/** The same description's packed formats, unpacked and packed by the generated package. */
export const demoFormat = defineTop<DemoFormatDut>({
  name: 'demo_format',
  sources: ['tb/tools/gen/demo_pkg.sv', 'tb/tools/hdl/demo_format.sv'],
});
