/**
 * The management firmware's platform on the RTL (models/mgmt/platform.ts): the cell's APB port
 * through the bridge's APB master, its interrupt as a wait-until in the harness (one round trip
 * per wake-up, however long the wait), and time as the clock's edge count.
 */
import { ClockCycles, First, type ApbMaster, type SignalHandle, type Simulator, Until } from '../../bridge/src/index.js';
import type { Platform } from '../../models/mgmt/platform.js';
import { apbPort } from '../common/apb_port.js';

/** What an MP on the RTL runs on. */
export interface RtlPlatformPins {
  readonly clock: SignalHandle<number>;
  readonly irq: SignalHandle<number>;
  readonly apb: ApbMaster;
  /** The clock's period in simulation time steps. */
  readonly periodSteps: bigint;
}

/** `pins` as the firmware's {@link Platform}. */
export function rtlPlatform(sim: Simulator<unknown>, pins: RtlPlatformPins): Platform {
  return {
    regs: apbPort(pins.apb),
    now: () => Number(sim.now / pins.periodSteps),
    async waitInterrupt(timeoutCycles: number): Promise<boolean> {
      if (pins.irq.value === 1) return true;
      if (timeoutCycles <= 0) return false;
      const r = await First(Until(pins.clock, pins.irq, 1), ClockCycles(pins.clock, Math.ceil(timeoutCycles)));
      return r.index === 0;
    },
  };
}
