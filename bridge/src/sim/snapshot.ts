import { SignalAccessError, UnknownSignalError } from '../errors.js';
import { MemoryHandle, type AnyHandle, SignalHandle, type SignalOwner } from '../handle.js';
import { closestText, dutPath } from '../names.js';
import type { Decoder } from '../protocol.js';
import { Dir, SigFlag, type SignalInfo } from '../signals.js';

export interface TableEntry extends SignalInfo {
  readonly forceable: boolean;
}

/**
 * The top's signal table and the snapshot of its values that came with the last reply: ports
 * always, then the watched internals, in watch order. Reads cost nothing; a signal outside the
 * snapshot is an error that says how to add it.
 */
export class Snapshot {
  readonly table: readonly TableEntry[];
  readonly handles: readonly AnyHandle[];
  private readonly byName: Map<string, AnyHandle>;
  private ids: number[] = [];
  private readonly offsets: Int32Array;
  private words_: Uint32Array = new Uint32Array(0);

  /** Reads the signal table of a HELLO_OK reply. */
  constructor(owner: SignalOwner, private readonly top: string, hello: Decoder) {
    const n = hello.u32();
    const table: TableEntry[] = [];
    for (let i = 0; i < n; i++) {
      const name = hello.str();
      const width = hello.u32();
      const depth = hello.u32();
      const dir = hello.u8() as Dir;
      const flags = hello.u8();
      hello.u16();
      table.push({ name, width, depth, dir, writable: (flags & SigFlag.Writable) !== 0, forceable: (flags & SigFlag.Forceable) !== 0 });
    }
    this.table = table;
    this.handles = table.map((info, id) =>
      info.depth ? (new MemoryHandle(owner, id, info) as AnyHandle) : (new SignalHandle(owner, id, info) as AnyHandle),
    );
    this.byName = new Map(this.handles.map((h) => [h.info.name, h]));
    this.offsets = new Int32Array(table.length);
    this.reset();
  }

  /** A handle by hierarchical name (`'u_core.state_q'`). */
  lookup(name: string): AnyHandle {
    const h = this.byName.get(name);
    if (!h) throw new UnknownSignalError(`top '${this.top}' has no signal '${name}'${closestText(name, this.byName.keys())}`);
    return h;
  }

  /** Signals in the snapshot, in its order. */
  get count(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return this.offsets[id]! >= 0;
  }

  /** Adds `id` to every snapshot from the next reply on. */
  add(id: number): void {
    this.ids.push(id);
    this.layout();
  }

  /** Back to the ports alone (a restart drops the watches). */
  reset(): void {
    this.ids = this.table.flatMap((s, i) => (s.dir !== Dir.Internal ? [i] : []));
    this.layout();
  }

  /** The values of a reply, in snapshot order. */
  update(words: Uint32Array): void {
    this.words_ = words;
  }

  /** The raw words, for the digest. */
  get words(): Uint32Array {
    return this.words_;
  }

  read(id: number): number | bigint {
    const off = this.offsets[id]!;
    const info = this.table[id]!;
    if (off < 0) {
      throw new SignalAccessError(`${info.name} is not in the snapshot: call \`await sim.watch(${dutPath(info.name)})\` once, then every trigger brings its value`);
    }
    if (info.width <= 32) return this.words_[off]!;
    let v = 0n;
    for (let i = Math.ceil(info.width / 32) - 1; i >= 0; i--) v = (v << 32n) | BigInt(this.words_[off + i]!);
    return v;
  }

  /** Encodes `value` for signal `id` as little-endian words, checking it fits. */
  encode(id: number, value: number | bigint | boolean): Uint32Array {
    const info = this.table[id]!;
    const w = info.width;
    let v: bigint;
    if (typeof value === 'boolean') v = value ? 1n : 0n;
    else if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new SignalAccessError(`${info.name}: ${value} is not an integer`);
      v = BigInt(value);
    } else v = value;
    const limit = 1n << BigInt(w);
    if (v < 0n && v >= -(limit >> 1n)) v += limit;  // two's complement for signed values
    if (v < 0n || v >= limit) {
      throw new SignalAccessError(`${info.name}: value ${value} (0x${(typeof value === 'boolean' ? Number(value) : value).toString(16)}) does not fit in ${w} bits`);
    }
    const out = new Uint32Array(Math.ceil(w / 32));
    if (w <= 32) out[0] = Number(v);
    else for (let i = 0; i < out.length; i++, v >>= 32n) out[i] = Number(v & 0xffffffffn);
    return out;
  }

  /** The memory `id`, checked: elements [offset, offset + count) inside it. */
  memory(id: number, offset: number, count: number): SignalInfo {
    const info = this.table[id]!;
    if (!info.depth) throw new SignalAccessError(`${info.name} is not a memory`);
    if (!Number.isInteger(offset) || !Number.isInteger(count) || offset < 0 || count < 0 || offset + count > info.depth) {
      throw new SignalAccessError(`${info.name}: elements [${offset}, ${offset + count}) lie outside its ${info.depth} elements`);
    }
    return info;
  }

  /** Word offsets: ports in table order, then watched signals in watch order. */
  private layout(): void {
    this.offsets.fill(-1);
    let off = 0;
    for (const id of this.ids) {
      this.offsets[id] = off;
      off += Math.ceil(this.table[id]!.width / 32);
    }
  }
}
