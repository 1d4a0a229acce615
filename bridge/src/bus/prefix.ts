import { UnknownSignalError } from '../errors.js';
import { SignalHandle } from '../handle.js';
import { closestText } from '../names.js';

type AnySignal = SignalHandle<number> | SignalHandle<bigint>;

/**
 * Finds `<prefix>_<name>` on a DUT, with or without its `_i`/`_o` suffix (DESIGN.md section 3).
 * Returns undefined for an optional signal that is absent; throws, listing what the DUT has
 * under the prefix, for a required one.
 */
export function bind(dut: object, prefix: string, name: string, required: boolean): AnySignal | undefined {
  return find(dut, `${prefix}_${name}`, required, prefix);
}

/**
 * The signal `name` itself, with or without its suffix (a serial line: `uart_tx`); `prefer`
 * picks the suffix tried first: a driver drives an input (`_i`), a monitor watches an output.
 */
export function bindSignal(dut: object, name: string, prefer: 'i' | 'o'): AnySignal {
  return find(dut, name, true, name, prefer)!;
}

function find(dut: object, base: string, required: boolean, prefix: string, prefer: 'i' | 'o' = 'i'): AnySignal | undefined {
  const all = dut as Record<string, unknown>;
  const other = prefer === 'i' ? 'o' : 'i';
  for (const n of [base, `${base}_${prefer}`, `${base}_${other}`]) {
    if (Object.prototype.hasOwnProperty.call(all, n)) {
      const h = all[n];
      if (h instanceof SignalHandle) return h as AnySignal;
    }
  }
  if (!required) return undefined;
  const have = Object.keys(all).filter((k) => k.startsWith(prefix));
  throw new UnknownSignalError(`no ${base}[_i|_o] on the DUT (${have.length ? `under '${prefix}' it has: ${have.join(', ')}` : `nothing under '${prefix}'${closestText(base, Object.keys(all))}`})`);
}

