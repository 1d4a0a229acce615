/**
 * rtl/flash/spi_flash_ctrl at transaction level: what each operation (a CSR command or a stream
 * request, the same op codes) does to the part, and what it returns. The part is a
 * {@link SpiNor}; the SPI transactions issued are recorded (WIP polls left out: their number
 * depends on time) so a bus checker can compare them with what the RTL put on the wire.
 */
import { crc32 } from '../common/crc.js';
import { BLOCK_BYTES, FlashErr, FlashOp, PAGE_BYTES, SECTOR_BYTES, SpiNorCmd } from './spi_flash_pkg.js';
import { SpiNor } from './spi_nor.js';

/** One operation. */
export interface FlashRequest {
  /** The op code (a test may send one that is not a {@link FlashOp} value: `13 as FlashOp`). */
  readonly op: FlashOp;
  /** 24-bit flash address. */
  readonly addr: number;
  /** Bytes to read, program or CRC (24 bits); ignored by the other ops. */
  readonly len: number;
  /** Program data: `len` bytes. */
  readonly data?: Uint8Array;
}

/** What an operation returns at its face. */
export interface FlashResult {
  readonly err: FlashErr;
  /** Bytes read (none for CRC, erases, writes, or an error). */
  readonly data: Uint8Array;
  /** CRC-32 of every byte read, including a CRC op's (0 when none). */
  readonly crc: number;
}

/** One SPI transaction (CS# low to high), decoded. */
export interface SpiTransaction {
  readonly opcode: number;
  /** Address, for the commands that carry one. */
  readonly addr?: number;
  /** MOSI bytes after the header (program data). */
  readonly bytes: number;
}

/** Controller configuration (the CSRs the engine reads). */
export interface FlashConfig {
  /** WP_BASE: first protected byte. @defaultValue 0x100000 */
  wpBase: number;
  /** WP_LIMIT: last protected byte (the window is empty when below wpBase). @defaultValue 0xFFFFFF */
  wpLimit: number;
  /**
   * Whether the WIP poll of a write of this kind outlasts TIMEOUT (the model has no time; the
   * test knows the part's busy times and TIMEOUT). @defaultValue never
   */
  timesOut: (opcode: SpiNorCmd) => boolean;
}

const WRITES: ReadonlySet<FlashOp> = new Set([FlashOp.Program, FlashOp.SectorErase, FlashOp.BlockErase, FlashOp.ChipErase]);

/** True for ops that change the array (auto WREN, WIP poll, write protection). */
export function isWriteOp(op: FlashOp): boolean {
  return WRITES.has(op);
}

/** The bytes a write touches: [lo, hi] (hi may pass 16 MiB for a program that would wrap). */
export function writeSpan(op: FlashOp, addr: number, len: number, sizeBytes = 1 << 24): [number, number] {
  switch (op) {
    case FlashOp.SectorErase:
      return [addr & ~(SECTOR_BYTES - 1), (addr & ~(SECTOR_BYTES - 1)) + SECTOR_BYTES - 1];
    case FlashOp.BlockErase:
      return [addr & ~(BLOCK_BYTES - 1), (addr & ~(BLOCK_BYTES - 1)) + BLOCK_BYTES - 1];
    case FlashOp.ChipErase:
      return [0, sizeBytes - 1];
    default:
      return [addr, addr + len - 1];
  }
}

/**
 * The write-protect rule: a write is refused when it touches [wpBase, wpLimit] or reaches past
 * the part's last byte (the part decodes only its own size: such an address would alias into
 * low memory, past the window).
 * @defaultValue sizeBytes 16 MiB
 */
export function protectHit(op: FlashOp, addr: number, len: number, cfg: Pick<FlashConfig, 'wpBase' | 'wpLimit'>, sizeBytes = 1 << 24): boolean {
  const [lo, hi] = writeSpan(op, addr, len, sizeBytes);
  return hi >= sizeBytes || (cfg.wpBase <= cfg.wpLimit && lo <= cfg.wpLimit && hi >= cfg.wpBase);
}

const OPCODE: Partial<Record<FlashOp, SpiNorCmd>> = {
  [FlashOp.Read]: SpiNorCmd.Read,
  [FlashOp.Crc]: SpiNorCmd.Read,
  [FlashOp.FastRead]: SpiNorCmd.FastRead,
  [FlashOp.Program]: SpiNorCmd.Pp,
  [FlashOp.SectorErase]: SpiNorCmd.Se,
  [FlashOp.BlockErase]: SpiNorCmd.Be,
  [FlashOp.ChipErase]: SpiNorCmd.Ce,
  [FlashOp.ReadStatus]: SpiNorCmd.Rdsr,
  [FlashOp.ReadId]: SpiNorCmd.Rdid,
  [FlashOp.WriteEnable]: SpiNorCmd.Wren,
  [FlashOp.WriteDisable]: SpiNorCmd.Wrdi,
};

const addr3 = (a: number): number[] => [(a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff];

/** The controller's engine and its part. */
export class SpiFlashCtrl {
  readonly cfg: FlashConfig;
  /** Every SPI transaction issued but the WIP polls, in order. */
  readonly transactions: SpiTransaction[] = [];
  /** The part may still be busy (a poll timed out): the next operation polls first. */
  private unsure = false;

  constructor(readonly chip: SpiNor, cfg: Partial<FlashConfig> = {}) {
    this.cfg = { wpBase: 0x100000, wpLimit: 0xffffff, timesOut: () => false, ...cfg };
  }

  private send(mosi: number[], header: number): number[] {
    const miso = this.chip.transaction(mosi);
    this.transactions.push({ opcode: mosi[0]!, ...(header > 1 ? { addr: (mosi[1]! << 16) | (mosi[2]! << 8) | mosi[3]! } : {}), bytes: mosi.length - header });
    return miso.slice(header);
  }

  /** RDSR until WIP clears; false on a timeout (the part is left busy). */
  private poll(): boolean {
    const busy = this.chip.busy;
    if (busy && this.cfg.timesOut(busy.opcode)) {
      this.unsure = true;
      return false;
    }
    this.chip.complete();
    this.unsure = false;
    return true;
  }

  /** Runs one operation to its end. */
  execute(req: FlashRequest): FlashResult {
    const none = (err: FlashErr): FlashResult => ({ err, data: new Uint8Array(0), crc: 0 });
    const opcode = OPCODE[req.op];
    if (opcode === undefined) return none(FlashErr.Command);
    const write = isWriteOp(req.op);
    const sized = [FlashOp.Read, FlashOp.FastRead, FlashOp.Crc, FlashOp.Program].includes(req.op);
    if (sized && req.len === 0) return none(FlashErr.None);  // nothing to do, whatever the address
    if (write && protectHit(req.op, req.addr, req.len, this.cfg, this.chip.sizeBytes)) return none(FlashErr.Protect);
    // After a timeout the part may still be busy: the engine polls first (the model assumes
    // the part is done by then).
    if (this.unsure) {
      this.chip.complete();
      this.unsure = false;
    }
    switch (req.op) {
      case FlashOp.Read:
      case FlashOp.FastRead:
      case FlashOp.Crc:
      case FlashOp.ReadStatus:
      case FlashOp.ReadId: {
        const header = req.op === FlashOp.FastRead ? 5 : req.op === FlashOp.ReadStatus || req.op === FlashOp.ReadId ? 1 : 4;
        const n = req.op === FlashOp.ReadStatus ? 1 : req.op === FlashOp.ReadId ? 3 : req.len;
        const mosi = header === 1 ? [opcode] : [opcode, ...addr3(req.addr), ...(header === 5 ? [0] : [])];
        const data = Uint8Array.from(this.send([...mosi, ...new Array<number>(n).fill(0)], header));
        return { err: FlashErr.None, data: req.op === FlashOp.Crc ? new Uint8Array(0) : data, crc: crc32(data) };
      }
      case FlashOp.WriteEnable:
      case FlashOp.WriteDisable:
        this.send([opcode], 1);
        return none(FlashErr.None);
      case FlashOp.Program: {
        const data = req.data ?? new Uint8Array(0);
        if (data.length !== req.len) throw new Error(`SpiFlashCtrl: a program of ${req.len} bytes needs ${req.len} data bytes, got ${data.length}`);
        // Split on page boundaries: no PP crosses a 256-byte page.
        for (let at = 0; at < data.length;) {
          const a = (req.addr + at) & 0xffffff;
          const n = Math.min(PAGE_BYTES - (a & (PAGE_BYTES - 1)), data.length - at);
          this.send([SpiNorCmd.Wren], 1);
          this.send([opcode, ...addr3(a), ...data.subarray(at, at + n)], 4);
          at += n;
          if (!this.poll()) return none(FlashErr.Timeout);
        }
        return none(FlashErr.None);
      }
      default: {
        this.send([SpiNorCmd.Wren], 1);
        if (opcode === SpiNorCmd.Ce) this.send([opcode], 1);
        else this.send([opcode, ...addr3(req.addr)], 4);
        return none(this.poll() ? FlashErr.None : FlashErr.Timeout);
      }
    }
  }
}
