/**
 * The register-map runtime shared by every block's generated `models/<block>/<prefix>_pkg.ts`:
 * the description types, the field positions the generated code exports ({@link Bits}), and a
 * transaction-level model of the APB register block the generator writes
 * (rtl/<block>/<prefix>_reg_top.sv), so both follow one description (tools/, DESIGN.md 6).
 */

/**
 * Access of a register field: read-write, read-only (driven by the hardware), write-only, or
 * write-1-to-clear (an event flag the hardware sets).
 */
export type Access = 'rw' | 'ro' | 'wo' | 'w1c';

export interface FieldDesc {
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
  readonly access: Access;
  /** @defaultValue 0 */
  readonly reset?: number;
  readonly doc?: string;
  /** The description's enum whose codes the field carries (its width is the enum's). */
  readonly enum?: string;
}

export interface RegisterDesc {
  readonly name: string;
  /** Byte offset in the block's 256-byte window, a multiple of 4. */
  readonly offset: number;
  readonly fields: readonly FieldDesc[];
  readonly doc?: string;
  /**
   * A write pulses `<reg>_we_o`, and its `wo` fields are not stored but carry the write data
   * (a command or a FIFO push). @defaultValue false
   */
  readonly writeStrobe?: boolean;
  /** A read pulses `<reg>_re_o` (e.g. a FIFO pop). @defaultValue false */
  readonly readStrobe?: boolean;
}

/** One block's register map (the JSON under rtl/<block>/). */
export interface RegisterMap {
  readonly block: string;
  readonly registers: readonly RegisterDesc[];
}

const mask = (f: { lsb: number; width: number }): number => (f.width === 32 ? 0xffffffff : ((1 << f.width) - 1) << f.lsb) >>> 0;

/**
 * Where a field sits in its 32-bit register: the generated code exports one per field
 * (`FLASH_STATUS.RX_LEVEL`), so drivers and tests name bits instead of typing positions.
 */
export interface Bits {
  readonly lsb: number;
  readonly width: number;
  /** The field's bits in place. */
  readonly mask: number;
  /** The field's value in a register value. */
  get(reg: number): number;
  /** `value` in the field's place (bits beyond its width dropped). */
  put(value: number): number;
}

/** The {@link Bits} of a field at [lsb + width - 1 : lsb]. */
export function bits(lsb: number, width: number): Bits {
  const m = mask({ lsb, width });
  return {
    lsb,
    width,
    mask: m,
    get: (reg) => ((reg & m) >>> lsb) >>> 0,
    put: (value) => ((value << lsb) & m) >>> 0,
  };
}

/** The reset value of a register. */
export function resetValue(r: RegisterDesc): number {
  return r.fields.reduce((v, f) => (v | (((f.reset ?? 0) << f.lsb) & mask(f))) >>> 0, 0);
}

/** Result of an APB access to the register block. */
export interface RegAccess {
  readonly data: number;
  readonly slverr: boolean;
}

/** What a block does on its strobe registers (the model of the logic behind `_we_o`/`_re_o`). */
export interface RegBlockHooks {
  /** A write to a `writeStrobe` register, with the whole write data. */
  onWrite?(reg: string, data: number): void;
  /** A read of a `readStrobe` register, after the value was taken. */
  onRead?(reg: string): void;
}

/** One register of a {@link RegBlockModel}: what it stores, what the hardware drives on its ro fields. */
interface RegState {
  readonly desc: RegisterDesc;
  /** The stored value (rw, w1c and, in a register without a write strobe, wo fields). */
  stored: number;
  /** The ro fields' hardware values, in place. */
  hw: number;
  /** The bits a read takes from {@link stored} (neither ro nor wo) and from {@link hw} (ro). */
  readonly storedRead: number;
  readonly hwRead: number;
  /** The bits a write stores, and the w1c bits it clears where it writes 1 (the rest keep their value). */
  readonly storeBits: number;
  readonly w1cBits: number;
}

/** A field's place in its register's state, found by `REG.FIELD`. */
interface FieldSlot {
  readonly regName: string;
  readonly fieldName: string;
  readonly reg: RegState;
  readonly lsb: number;
  readonly mask: number;
  /** The field named right after this one the last time (see {@link RegBlockModel.slot}). */
  next: FieldSlot | undefined;
}

/**
 * The register block at transaction level: rw fields store what is written, ro fields read the
 * hardware's value, wo fields read as 0, w1c fields hold what {@link raise} set until a 1 is
 * written; an offset with no register answers pslverr.
 */
export class RegBlockModel {
  // Lookups by offset and by register then field name, made once, with each field's bits: models
  // on hot paths (the fleet's UARTs, a character at a time and cell) read and drive registers often.
  private readonly byOffset = new Map<number, RegState>();
  private readonly byName = new Map<string, Map<string, FieldSlot>>();
  private last: FieldSlot | undefined;

  constructor(readonly map: RegisterMap, private readonly hooks: RegBlockHooks = {}) {
    for (const r of map.registers) {
      const bitsOf = (keep: (f: FieldDesc) => boolean): number => r.fields.filter(keep).reduce((m, f) => (m | mask(f)) >>> 0, 0);
      const reg: RegState = {
        desc: r, stored: resetValue(r), hw: 0,
        storedRead: bitsOf((f) => f.access !== 'ro' && f.access !== 'wo'),
        hwRead: bitsOf((f) => f.access === 'ro'),
        storeBits: bitsOf((f) => f.access === 'rw' || (f.access === 'wo' && !r.writeStrobe)),
        w1cBits: bitsOf((f) => f.access === 'w1c'),
      };
      this.byOffset.set(r.offset, reg);
      this.byName.set(r.name, new Map(r.fields.map((f) => [f.name, { regName: r.name, fieldName: f.name, reg, lsb: f.lsb, mask: mask(f), next: undefined }])));
    }
  }

  /** Sets what the hardware drives on a read-only field (`REG.FIELD`). */
  setHw(reg: string, field: string, value: number): void {
    const s = this.slot(reg, field);
    // A field the map lacks has no bits to drive.
    if (!s) return;
    s.reg.hw = ((s.reg.hw & ~s.mask) | (((value >>> 0) << s.lsb) & s.mask)) >>> 0;
  }

  /** Sets bits of a w1c field, as the hardware's `_set_i` does. */
  raise(reg: string, field: string, bits = 1): void {
    const s = this.find(reg, field);
    s.reg.stored = (s.reg.stored | ((bits << s.lsb) & s.mask)) >>> 0;
  }

  write(offset: number, data: number): RegAccess {
    const r = this.byOffset.get(offset);
    if (!r) return { data: 0, slverr: true };
    const v = r.stored;
    r.stored = ((v & ~(r.storeBits | r.w1cBits)) | (data & r.storeBits) | (v & ~data & r.w1cBits)) >>> 0;
    if (r.desc.writeStrobe) this.hooks.onWrite?.(r.desc.name, data >>> 0);
    return { data: 0, slverr: false };
  }

  read(offset: number): RegAccess {
    const r = this.byOffset.get(offset);
    if (!r) return { data: 0, slverr: true };
    const v = ((r.stored & r.storedRead) | (r.hw & r.hwRead)) >>> 0;
    if (r.desc.readStrobe) this.hooks.onRead?.(r.desc.name);
    return { data: v, slverr: false };
  }

  /** The value a stored field holds (what its `_o` drives). */
  field(reg: string, field: string): number {
    const s = this.find(reg, field);
    return ((s.reg.stored & s.mask) >>> s.lsb) >>> 0;
  }

  /**
   * The field `REG.FIELD`. A block's model names its fields in the same order each time it
   * updates them (a UART's status after every character), so the field named after the last one
   * the previous time is tried first: a hit costs two string compares (the callers' names are
   * literals, compared by identity), not two map lookups.
   */
  private slot(reg: string, field: string): FieldSlot | undefined {
    const guess = this.last?.next;
    if (guess !== undefined && guess.fieldName === field && guess.regName === reg) return (this.last = guess);
    const s = this.byName.get(reg)?.get(field);
    if (s === undefined) return undefined;
    if (this.last !== undefined) this.last.next = s;
    return (this.last = s);
  }

  private find(reg: string, field: string): FieldSlot {
    const found = this.slot(reg, field);
    if (!found) throw new Error(`register map ${this.map.block} has no field ${reg}.${field}`);
    return found;
  }
}
