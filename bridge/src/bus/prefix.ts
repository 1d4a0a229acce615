import { UnknownSignalError } from '../errors.js';
import { SignalHandle } from '../handle.js';

type AnySignal = SignalHandle<number> | SignalHandle<bigint>;

/**
 * Finds `<prefix>_<name>` on a DUT, with or without its `_i`/`_o` suffix (DESIGN.md section 3).
 * Returns undefined for an optional signal that is absent; throws, listing what the DUT has
 * under the prefix, for a required one.
 */
export function bind(dut: object, prefix: string, name: string, required: boolean): AnySignal | undefined {
  const all = dut as Record<string, unknown>;
  for (const n of [`${prefix}_${name}`, `${prefix}_${name}_i`, `${prefix}_${name}_o`]) {
    if (Object.prototype.hasOwnProperty.call(all, n)) {
      const h = all[n];
      if (h instanceof SignalHandle) return h as AnySignal;
    }
  }
  if (!required) return undefined;
  const have = Object.keys(all).filter((k) => k.startsWith(`${prefix}_`));
  throw new UnknownSignalError(`no ${prefix}_${name}[_i|_o] on the DUT (under '${prefix}_' it has: ${have.join(', ') || 'nothing'})`);
}

