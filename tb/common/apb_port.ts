// The register port of a block on the RTL: the bridge's APB master behind the models'
// RegPort, so a driver of models/ runs on the RTL unchanged.
import type { ApbMaster, ApbTransfer } from '../../bridge/src/index.js';
import type { RegOp, RegPort, RegResult } from '../../models/common/reg_port.js';

// An ApbResult already carries its completion time as a non-enumerable `time` (and `cycle`), and a
// drain's `reads`.
/** `op` as the APB master's transfer. */
export function transfer(op: RegOp): ApbTransfer {
  switch (op.kind) {
    case 'read': return { kind: 'read', addr: op.offset };
    case 'write': return { kind: 'write', addr: op.offset, data: op.data };
    case 'writeFrom': return { kind: 'writeFrom', addr: op.offset, back: op.back, mask: op.mask };
    case 'drain': return { kind: 'drain', addr: op.offset, while: op.while, max: op.max };
  }
}

/**
 * `apb` as a {@link RegPort}. A batch is the APB master's: the harness runs the transfers back to
 * back and the test resumes once, after the last.
 */
export function apbPort(apb: ApbMaster): RegPort {
  return {
    read: (offset) => apb.read(offset),
    write: (offset, data) => apb.write(offset, data),
    batch: (ops): Promise<RegResult[]> => apb.batch(ops.map(transfer)),
  };
}
