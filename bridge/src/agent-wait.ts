import type { Simulator } from './simulator.js';
import { AgentDone } from './triggers.js';

/**
 * Waits until agent data arrives (`register` receives the wake-up the data handler calls), or
 * until the agent has completed `target` transactions. The latter is a passive wait: it runs
 * time only when no other trigger does (Simulator.passiveWait), so streams and sinks fill in
 * batches instead of a round trip each.
 */
export async function awaitAgentData(sim: Simulator<unknown>, agent: number, target: number, register: (wake: () => void) => void): Promise<void> {
  const arrived = new Promise<void>((r) => register(r));
  const ready = sim.passiveWait(() => AgentDone(sim, agent, target));
  try {
    await Promise.race([arrived, ready.promise]);
  } finally {
    ready.cancel();
  }
}
