import { UsageError } from './errors.js';

/** Time units of triggers and clocks; `step` is the simulator's precision. */
export type TimeUnit = 'step' | 'fs' | 'ps' | 'ns' | 'us' | 'ms' | 's';

const EXPONENT: Record<Exclude<TimeUnit, 'step'>, number> = { fs: -15, ps: -12, ns: -9, us: -6, ms: -3, s: 0 };

/**
 * Converts `value` in `unit` to simulator steps (10^precision s each). A time that is not a
 * whole number of steps is an error, not silently rounded.
 */
export function toSteps(value: number | bigint, unit: TimeUnit, precision: number): bigint {
  if (unit === 'step') return BigInt(value);
  const shift = EXPONENT[unit] - precision;
  if (typeof value === 'bigint') {
    if (shift >= 0) return value * 10n ** BigInt(shift);
    const div = 10n ** BigInt(-shift);
    if (value % div !== 0n) throw new UsageError(`${value} ${unit} is not a whole number of steps (10^${precision} s)`);
    return value / div;
  }
  const steps = value * 10 ** shift;
  const rounded = Math.round(steps);
  if (Math.abs(steps - rounded) > 1e-9 * Math.max(1, Math.abs(steps))) {
    throw new UsageError(`${value} ${unit} is not a whole number of steps (10^${precision} s)`);
  }
  return BigInt(rounded);
}

/** Converts steps to `unit` (a float). */
export function fromSteps(steps: bigint, unit: TimeUnit, precision: number): number {
  if (unit === 'step') return Number(steps);
  return Number(steps) * 10 ** (precision - EXPONENT[unit]);
}
