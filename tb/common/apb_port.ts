// The register port of a block on the RTL: the bridge's APB master behind the models'
// RegPort, so a driver of models/ runs on the RTL unchanged.
import type { ApbMaster, ApbResult } from '../../bridge/src/index.js';
import type { RegOp, RegPort, RegResult } from '../../models/common/reg_port.js';

// An ApbResult already carries its completion time as a non-enumerable `time` (and `cycle`).
const issue = (apb: ApbMaster, op: RegOp): Promise<ApbResult & RegResult> =>
  op.kind === 'read' ? apb.read(op.offset) : apb.write(op.offset, op.data);

/**
 * `apb` as a {@link RegPort}. A batch queues every transfer before awaiting any: the harness
 * runs them back to back and the test resumes once, after the last (the APB master has no
 * batch call of its own; transfers queued in one step are one round trip).
 */
export function apbPort(apb: ApbMaster): RegPort {
  return {
    read: (offset) => apb.read(offset),
    write: (offset, data) => apb.write(offset, data),
    batch: (ops) => Promise.all(ops.map((op) => issue(apb, op))),
  };
}
