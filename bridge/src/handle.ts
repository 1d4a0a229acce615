import { SignalAccessError, UnknownSignalError } from './errors.js';
import { closestText } from './names.js';
import { Dir, type SignalInfo } from './signals.js';

/** What a handle needs from its simulator (kept small so handles stay cheap). */
export interface SignalOwner {
  readValue(id: number): number | bigint;
  deposit(id: number, value: number | bigint | boolean): void;
  force(id: number, value: number | bigint | boolean): void;
  release(id: number): void;
  readMemory(id: number, offset: number, count: number): Promise<MemoryData>;
  writeMemory(id: number, offset: number, data: MemoryData | ArrayLike<number>): Promise<void>;
}

/** Elements of a memory: a typed array sized to the element width. */
export type MemoryData = Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

/**
 * A signal of the DUT. `value` reads the snapshot that came with the last trigger (never a
 * stale or unsampled value); assigning it deposits the value at the next resume, as cocotb 2.x
 * does. Signals up to 32 bits are `number`, wider ones `bigint`.
 */
export class SignalHandle<T extends number | bigint> {
  constructor(
    /** The simulator this signal belongs to. */
    readonly owner: SignalOwner,
    /** Index in the signal table. */
    readonly id: number,
    readonly info: SignalInfo,
  ) {}

  /** Hierarchical name below the top. */
  get name(): string {
    return this.info.name;
  }

  get width(): number {
    return this.info.width;
  }

  get value(): T {
    return this.owner.readValue(this.id) as T;
  }

  set value(v: T | number | boolean) {
    this.owner.deposit(this.id, v);
  }

  /** Holds the signal at `v` until {@link release} (top inputs, or `forceable` internals). */
  force(v: T | number | boolean): void {
    this.owner.force(this.id, v);
  }

  release(): void {
    this.owner.release(this.id);
  }

  toString(): string {
    return `${this.info.name}[${this.info.width}]`;
  }
}

/** A public unpacked array (e.g. a flash model's storage), read and written in bulk. */
export class MemoryHandle<T extends number | bigint> {
  declare private readonly element?: T;
  constructor(
    /** The simulator this memory belongs to. */
    readonly owner: SignalOwner,
    readonly id: number,
    readonly info: SignalInfo,
  ) {}

  get name(): string {
    return this.info.name;
  }

  /** Number of elements. */
  get depth(): number {
    return this.info.depth;
  }

  /** Reads `count` elements from element `offset`. @defaultValue the whole memory */
  read(offset = 0, count = this.info.depth - offset): Promise<MemoryData> {
    return this.owner.readMemory(this.id, offset, count);
  }

  /** Writes `data` from element `offset`. */
  write(offset: number, data: MemoryData | ArrayLike<number>): Promise<void> {
    return this.owner.writeMemory(this.id, offset, data);
  }
}

/** Any handle of a top. */
export type AnyHandle = SignalHandle<number> | SignalHandle<bigint> | MemoryHandle<number> | MemoryHandle<bigint>;

// Names that tooling probes on any object (await, vitest's pretty-printer, JSON): not signals.
const PROBED = new Set(['then', 'toJSON', 'asymmetricMatch', '$$typeof', 'nodeType', 'constructor', 'inspect']);

/**
 * Builds the `dut` object: one property per port, nested objects per instance. Reading a name
 * the top does not have throws {@link UnknownSignalError} with the closest names.
 */
export function buildDut(top: string, handles: readonly AnyHandle[]): Record<string, unknown> {
  const make = (scope: string): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    return new Proxy(obj, {
      get(target, prop, receiver) {
        if (typeof prop === 'symbol' || prop in target || PROBED.has(prop)) return Reflect.get(target, prop, receiver);
        const where = scope ? `${top}.${scope}` : top;
        throw new UnknownSignalError(
          `${where} has no signal '${prop}'${closestText(prop, Object.keys(target))}; internal signals ` +
            `must be public_flat_rw in the top's .vlt`,
        );
      },
      set() {
        throw new SignalAccessError(`assign to dut.<signal>.value, not to dut.<signal>`);
      },
    });
  };
  const root = make('');
  const scopes = new Map<string, Record<string, unknown>>([['', root]]);
  for (const h of handles) {
    const parts = h.info.name.split('.');
    let path = '';
    let node = root;
    for (const p of parts.slice(0, -1)) {
      path = path ? `${path}.${p}` : p;
      let next = scopes.get(path);
      if (!next) {
        next = make(path);
        scopes.set(path, next);
        // defineProperty has no trap: it lands on the proxy's target.
        Reflect.defineProperty(node, p, { value: next, enumerable: true });
      }
      node = next;
    }
    Reflect.defineProperty(node, parts.at(-1)!, { value: h, enumerable: true });
  }
  return root;
}

/** True for ports (always in the snapshot). */
export function isPort(info: SignalInfo): boolean {
  return info.dir !== Dir.Internal;
}
