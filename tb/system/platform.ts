/**
 * The management firmware's platform on the RTL (models/mgmt/platform.ts): the cell's APB port
 * through the bridge's APB master, its interrupt as the master's wait step followed by what the
 * wake-up reads (one round trip per wake-up, however long the wait), and time as the clock's edge count.
 */
import type { ApbMaster, Simulator } from '../../bridge/src/index.js';
import type { Platform, Wake } from '../../models/mgmt/platform.js';
import { apbPort, transfer } from '../common/apb_port.js';

/** What an MP on the RTL runs on. */
export interface RtlPlatformPins {
  /** The cell's APB master, opened with the cell's interrupt as its condition. */
  readonly apb: ApbMaster;
  /** The clock's period in simulation time steps. */
  readonly periodSteps: bigint;
}

/** `pins` as the firmware's {@link Platform}: a wake-up is one APB batch, its wait step first. */
export function rtlPlatform(sim: Simulator<unknown>, pins: RtlPlatformPins): Platform {
  return {
    regs: apbPort(pins.apb),
    now: () => Number(sim.now / pins.periodSteps),
    async waitInterrupt(timeoutCycles, then): Promise<Wake> {
      const [woke, ...regs] = await pins.apb.batch([{ kind: 'wait', value: 1, timeoutCycles: Math.max(1, Math.ceil(timeoutCycles)) }, ...then.map(transfer)]);
      return { irq: woke!.data === 1, regs };
    },
  };
}
