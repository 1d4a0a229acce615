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

/**
 * The register block at transaction level: rw fields store what is written, ro fields read the
 * hardware's value, wo fields read as 0, w1c fields hold what {@link raise} set until a 1 is
 * written; an offset with no register answers pslverr.
 */
export class RegBlockModel {
  private readonly stored = new Map<number, number>();
  private readonly hw = new Map<string, number>();
  // Lookups by offset and by name, made once: models on hot paths (the fleet) read registers often.
  private readonly byOffset = new Map<number, RegisterDesc>();
  private readonly byName = new Map<string, [RegisterDesc, FieldDesc]>();

  constructor(readonly map: RegisterMap, private readonly hooks: RegBlockHooks = {}) {
    for (const r of map.registers) {
      this.stored.set(r.offset, resetValue(r));
      this.byOffset.set(r.offset, r);
      for (const f of r.fields) this.byName.set(`${r.name}.${f.name}`, [r, f]);
    }
  }

  private reg(offset: number): RegisterDesc | undefined {
    return this.byOffset.get(offset);
  }

  /** Sets what the hardware drives on a read-only field (`REG.FIELD`). */
  setHw(reg: string, field: string, value: number): void {
    this.hw.set(`${reg}.${field}`, value >>> 0);
  }

  /** Sets bits of a w1c field, as the hardware's `_set_i` does. */
  raise(reg: string, field: string, bits = 1): void {
    const [r, f] = this.find(reg, field);
    this.stored.set(r.offset, (this.stored.get(r.offset)! | ((bits << f.lsb) & mask(f))) >>> 0);
  }

  write(offset: number, data: number): RegAccess {
    const r = this.reg(offset);
    if (!r) return { data: 0, slverr: true };
    let v = this.stored.get(offset)!;
    for (const f of r.fields) {
      if (f.access === 'ro' || (f.access === 'wo' && r.writeStrobe)) continue;
      const next = f.access === 'w1c' ? v & ~data : data;
      v = ((v & ~mask(f)) | (next & mask(f))) >>> 0;
    }
    this.stored.set(offset, v);
    if (r.writeStrobe) this.hooks.onWrite?.(r.name, data >>> 0);
    return { data: 0, slverr: false };
  }

  read(offset: number): RegAccess {
    const r = this.reg(offset);
    if (!r) return { data: 0, slverr: true };
    let v = 0;
    for (const f of r.fields) {
      if (f.access === 'wo') continue;
      const src = f.access === 'ro' ? ((this.hw.get(`${r.name}.${f.name}`) ?? 0) << f.lsb) >>> 0 : this.stored.get(offset)!;
      v = (v | (src & mask(f))) >>> 0;
    }
    if (r.readStrobe) this.hooks.onRead?.(r.name);
    return { data: v, slverr: false };
  }

  /** The value a stored field holds (what its `_o` drives). */
  field(reg: string, field: string): number {
    const [r, f] = this.find(reg, field);
    return ((this.stored.get(r.offset)! & mask(f)) >>> f.lsb) >>> 0;
  }

  private find(reg: string, field: string): [RegisterDesc, FieldDesc] {
    const found = this.byName.get(`${reg}.${field}`);
    if (!found) throw new Error(`register map ${this.map.block} has no field ${reg}.${field}`);
    return found;
  }
}
