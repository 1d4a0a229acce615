/**
 * The register-map runtime shared by every block's generated `models/<block>/regs.ts`: the
 * description types and a transaction-level model of the APB register block the generator
 * writes (rtl/<block>/<block>_reg_top.sv), so both follow one description.
 */

/** Access of a register field: read-write, read-only (driven by the hardware), write-only. */
export type Access = 'rw' | 'ro' | 'wo';

export interface FieldDesc {
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
  readonly access: Access;
  /** @defaultValue 0 */
  readonly reset?: number;
  readonly doc?: string;
}

export interface RegisterDesc {
  readonly name: string;
  /** Byte offset in the block's 256-byte window, a multiple of 4. */
  readonly offset: number;
  readonly fields: readonly FieldDesc[];
  readonly doc?: string;
}

/** One block's register map (the JSON under rtl/<block>/). */
export interface RegisterMap {
  readonly block: string;
  readonly registers: readonly RegisterDesc[];
}

const mask = (f: FieldDesc): number => (f.width === 32 ? 0xffffffff : ((1 << f.width) - 1) << f.lsb) >>> 0;

/** The reset value of a register. */
export function resetValue(r: RegisterDesc): number {
  return r.fields.reduce((v, f) => (v | (((f.reset ?? 0) << f.lsb) & mask(f))) >>> 0, 0);
}

/** Result of an APB access to the register block. */
export interface RegAccess {
  readonly data: number;
  readonly slverr: boolean;
}

/**
 * The register block at transaction level: rw fields store what is written, ro fields read the
 * hardware's value, wo fields read as 0; an offset with no register answers pslverr.
 */
export class RegBlockModel {
  private readonly stored = new Map<number, number>();
  private readonly hw = new Map<string, number>();

  constructor(readonly map: RegisterMap) {
    for (const r of map.registers) this.stored.set(r.offset, resetValue(r));
  }

  private reg(offset: number): RegisterDesc | undefined {
    return this.map.registers.find((r) => r.offset === offset);
  }

  /** Sets what the hardware drives on a read-only field (`REG.FIELD`). */
  setHw(reg: string, field: string, value: number): void {
    this.hw.set(`${reg}.${field}`, value >>> 0);
  }

  write(offset: number, data: number): RegAccess {
    const r = this.reg(offset);
    if (!r) return { data: 0, slverr: true };
    let v = this.stored.get(offset)!;
    for (const f of r.fields) {
      if (f.access === 'ro') continue;
      v = ((v & ~mask(f)) | (data & mask(f))) >>> 0;
    }
    this.stored.set(offset, v);
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
    return { data: v, slverr: false };
  }

  /** The value a writable field holds (what reg2hw drives). */
  field(reg: string, field: string): number {
    const r = this.map.registers.find((x) => x.name === reg)!;
    const f = r.fields.find((x) => x.name === field)!;
    return ((this.stored.get(r.offset)! & mask(f)) >>> f.lsb) >>> 0;
  }
}
