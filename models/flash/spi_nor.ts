/**
 * The SPI NOR part of tb/hdl/spi_nor_model.sv at transaction level: the same commands, status
 * bits and rules (program clears bits only, erase sets FFh, a PP wraps inside its page, WEL
 * gates writes, CS# off a byte boundary drops a write, only RDSR while busy), without time: a
 * program or erase stays pending until {@link SpiNor.complete} (the caller knows when WIP
 * cleared, e.g. from the RDSR bytes it saw). Opcodes, the status register and the page, sector
 * and block sizes come from the flash description (spi_flash_pkg.ts).
 */
import { BLOCK_BYTES, PAGE_BYTES, SECTOR_BYTES, SpiNorCmd, SpiNorStatus } from './spi_flash_pkg.js';

/** Status register bits, from the description's {@link SpiNorStatus}. */
export const STATUS_WIP = SpiNorStatus.word({ wip: 1, wel: 0 });
export const STATUS_WEL = SpiNorStatus.word({ wip: 0, wel: 1 });

/** Options of {@link SpiNor}, the RTL model's parameters. */
export interface SpiNorOptions {
  /** Capacity, a power of two from 64 KiB to 16 MiB. @defaultValue 1 MiB */
  readonly sizeBytes?: number;
  /** @defaultValue 0xEF */
  readonly manufacturerId?: number;
  /** @defaultValue 0x40 */
  readonly memoryType?: number;
}

/** A program or erase in progress: the region it changes and, for a program, the page data. */
export interface SpiNorBusy {
  readonly kind: 'program' | 'erase';
  /** Command that started it. */
  readonly opcode: SpiNorCmd;
  readonly base: number;
  readonly bytes: number;
  /** PP data by offset in the page, FFh where nothing was sent. */
  readonly page: Uint8Array;
}

/** MISO of a byte the part does not drive meaningfully (command and address phases). */
export const MISO_UNDEFINED = -1;

/** The part. `mem` is its array (what the RTL model's `mem_q` holds). */
export class SpiNor {
  readonly mem: Uint8Array;
  readonly sizeBytes: number;
  readonly id: readonly [number, number, number];
  private welQ = false;
  private busyQ: SpiNorBusy | undefined;
  // The command under CS#.
  private selected = false;
  private n = 0;
  private opcode = 0;
  private ignore = true;
  private addr = 0;
  private out = MISO_UNDEFINED;
  private page = new Uint8Array(PAGE_BYTES);

  constructor(options: SpiNorOptions = {}) {
    this.sizeBytes = options.sizeBytes ?? 1 << 20;
    if (this.sizeBytes < 1 << 16 || this.sizeBytes > 1 << 24 || (this.sizeBytes & (this.sizeBytes - 1)) !== 0) {
      throw new RangeError(`SpiNor: sizeBytes must be a power of two from 64 KiB to 16 MiB, got ${this.sizeBytes}`);
    }
    this.mem = new Uint8Array(this.sizeBytes).fill(0xff);
    this.id = [options.manufacturerId ?? 0xef, options.memoryType ?? 0x40, Math.log2(this.sizeBytes)];
  }

  /** Write enable latch. */
  get wel(): boolean {
    return this.welQ;
  }

  /** The program or erase in progress (WIP), if any. */
  get busy(): SpiNorBusy | undefined {
    return this.busyQ;
  }

  /** The status register: WEL and WIP. */
  status(): number {
    return (this.welQ ? STATUS_WEL : 0) | (this.busyQ ? STATUS_WIP : 0);
  }

  /** CS# falls: a new command begins. */
  select(): void {
    this.selected = true;
    this.n = 0;
    this.ignore = false;
    this.out = MISO_UNDEFINED;
    this.page.fill(0xff);
  }

  /**
   * One whole byte on MOSI. Returns what the part drove on MISO during it (decided when the
   * previous byte ended, as in the RTL), or {@link MISO_UNDEFINED}.
   */
  shift(b: number): number {
    if (!this.selected) throw new Error('SpiNor.shift: CS# is high');
    const miso = this.out;
    const n = this.n++;
    if (n === 0) {
      this.opcode = b;
      this.ignore = !!this.busyQ && b !== SpiNorCmd.Rdsr;
      this.out = b === SpiNorCmd.Rdsr ? this.status() : b === SpiNorCmd.Rdid ? this.id[0] : MISO_UNDEFINED;
      return miso;
    }
    if (this.ignore) return miso;
    switch (this.opcode) {
      case SpiNorCmd.Rdsr:
        this.out = this.status();
        break;
      case SpiNorCmd.Rdid:
        this.out = this.id[n] ?? 0;
        break;
      case SpiNorCmd.Read:
      case SpiNorCmd.FastRead:
      case SpiNorCmd.Pp:
      case SpiNorCmd.Se:
      case SpiNorCmd.Be: {
        if (n <= 3) this.addr = ((this.addr << 8) | b) & 0xffffff;
        const first = this.opcode === SpiNorCmd.Read ? 3 : this.opcode === SpiNorCmd.FastRead ? 4 : Infinity;
        if (n >= first) {
          this.out = this.mem[this.addr & (this.sizeBytes - 1)]!;
          this.addr = (this.addr + 1) & 0xffffff;
        }
        if (this.opcode === SpiNorCmd.Pp && n >= 4) {
          this.page[this.addr & 0xff] = b;
          this.addr = (this.addr & 0xffff00) | ((this.addr + 1) & 0xff);  // wraps inside the page
        }
        break;
      }
      default:
        break;
    }
    return miso;
  }

  /** CS# rises after `extraBits` rising edges past the last whole byte (0: on a byte boundary). */
  deselect(extraBits = 0): void {
    this.selected = false;
    if (this.ignore || extraBits !== 0) return;
    const a = this.addr & (this.sizeBytes - 1);
    const start = (kind: SpiNorBusy['kind'], base: number, bytes: number): void => {
      this.busyQ = { kind, opcode: this.opcode, base, bytes, page: this.page.slice() };
    };
    switch (this.opcode) {
      case SpiNorCmd.Wren:
        if (this.n === 1) this.welQ = true;
        break;
      case SpiNorCmd.Wrdi:
        if (this.n === 1) this.welQ = false;
        break;
      case SpiNorCmd.Pp:
        if (this.welQ && this.n >= 5) start('program', a & ~(PAGE_BYTES - 1), PAGE_BYTES);
        break;
      case SpiNorCmd.Se:
        if (this.welQ && this.n === 4) start('erase', a & ~(SECTOR_BYTES - 1), SECTOR_BYTES);
        break;
      case SpiNorCmd.Be:
        if (this.welQ && this.n === 4) start('erase', a & ~(BLOCK_BYTES - 1), BLOCK_BYTES);
        break;
      case SpiNorCmd.Ce:
        if (this.welQ && this.n === 1) start('erase', 0, this.sizeBytes);
        break;
      default:
        break;
    }
  }

  /** One whole command: CS# low, `mosi`, CS# high. Returns the MISO byte of each MOSI byte. */
  transaction(mosi: ArrayLike<number>, extraBits = 0): number[] {
    this.select();
    const miso = Array.from(mosi, (b) => this.shift(b));
    this.deselect(extraBits);
    return miso;
  }

  /** The program or erase in progress finishes (WIP and WEL clear). */
  complete(): void {
    const b = this.busyQ;
    if (!b) return;
    for (let i = 0; i < b.bytes; i++) {
      const a = b.base + i;
      this.mem[a] = b.kind === 'program' ? this.mem[a]! & b.page[i]! : 0xff;
    }
    this.busyQ = undefined;
    this.welQ = false;
  }

  /**
   * Power goes: what was in progress is returned (its outcome is the RTL model's seeded choice;
   * reload `mem` from its dump), and the part forgets WEL, WIP and the command under way.
   */
  powerLoss(): SpiNorBusy | undefined {
    const b = this.busyQ;
    this.busyQ = undefined;
    this.welQ = false;
    this.selected = false;
    this.ignore = true;
    return b;
  }

  /** Backdoor: copies `data` into the array at `offset`. */
  load(data: ArrayLike<number>, offset = 0): void {
    this.mem.set(data, offset);
  }
}
