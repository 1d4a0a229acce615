/**
 * The firmware's flash operations through the controller's CSR face, one at a time and
 * interrupt-driven (the controller's DONE), so a 400 000-cycle block erase never stops the
 * firmware from serving the bus meanwhile. Programs and reads are at most 256 bytes (one page,
 * the CSR FIFOs' depth); {@link eraseExtent} plans the erase of an image's extent.
 */
import { readOp, writeOp, type RegPort } from '../common/reg_port.js';
import { fromWords, toWords } from '../common/words.js';
import { readBytes } from '../flash/flash_driver.js';
import type { FlashRequest } from '../flash/spi_flash_ctrl.js';
import { BLOCK_BYTES, FLASH_OFFSET as R, FLASH_STATUS as S, FlashErr, FlashOp, PAGE_BYTES, SECTOR_BYTES } from '../flash/spi_flash_pkg.js';

const FLAGS = S.DONE.mask | S.ERR_PROTECT.mask | S.ERR_TIMEOUT.mask | S.ERR_COMMAND.mask | S.TX_OVERFLOW.mask;

interface Job {
  readonly req: FlashRequest;
  readonly done: (err: FlashErr, data: Uint8Array) => void;
}

/** The erases that cover [0, bytes): block erases for whole 64 KiB blocks, sector erases for the rest. */
export function eraseExtent(bytes: number): FlashRequest[] {
  const out: FlashRequest[] = [];
  let at = 0;
  for (; at + BLOCK_BYTES <= bytes; at += BLOCK_BYTES) out.push({ op: FlashOp.BlockErase, addr: at, len: 0 });
  for (; at < bytes; at += SECTOR_BYTES) out.push({ op: FlashOp.SectorErase, addr: at, len: 0 });
  return out;
}

/** `data` at `addr` as page programs (no PP crosses a page). */
export function programPages(addr: number, data: Uint8Array): FlashRequest[] {
  const out: FlashRequest[] = [];
  for (let at = 0; at < data.length;) {
    const n = Math.min(PAGE_BYTES - ((addr + at) % PAGE_BYTES), data.length - at);
    out.push({ op: FlashOp.Program, addr: addr + at, len: n, data: data.subarray(at, at + n) });
    at += n;
  }
  return out;
}

/** The queue of CSR flash operations of one firmware. */
export class FlashJobs {
  readonly #queue: Job[] = [];
  #running: Job | undefined;

  constructor(private readonly port: RegPort) {}

  /** Queues an operation; `done` gets its error code and the bytes read. */
  add(req: FlashRequest, done: (err: FlashErr, data: Uint8Array) => void = () => {}): void {
    this.#queue.push({ req, done });
  }

  /** Operations waiting or running. */
  get busy(): boolean {
    return !!this.#running || this.#queue.length > 0;
  }

  /** Nothing runs and something waits: {@link service} starts it. */
  get startable(): boolean {
    return !this.#running && this.#queue.length > 0;
  }

  /** Finishes the running operation when the controller says DONE, and starts the next. */
  async service(): Promise<void> {
    const job = this.#running;
    if (job) {
      const status = (await this.port.read(R.STATUS)).data;
      if (!(status & (S.DONE.mask | S.ERR_COMMAND.mask))) return;
      const words = (await this.port.batch(Array.from({ length: S.RX_LEVEL.get(status) }, () => readOp(R.RXDATA)))).map((r) => r.data);
      await this.port.write(R.STATUS, status & FLAGS);
      const err = status & S.ERR_PROTECT.mask ? FlashErr.Protect : status & S.ERR_TIMEOUT.mask ? FlashErr.Timeout : status & S.ERR_COMMAND.mask ? FlashErr.Command : FlashErr.None;
      this.#running = undefined;
      job.done(err, err === FlashErr.None ? fromWords(words, readBytes(job.req)) : new Uint8Array(0));
    }
    const next = this.#queue.shift();
    if (!next) return;
    this.#running = next;
    const { req } = next;
    const tx = req.op === FlashOp.Program && req.data ? toWords(req.data).map((w) => writeOp(R.TXDATA, w)) : [];
    await this.port.batch([writeOp(R.ADDR, req.addr), writeOp(R.LEN, req.len), ...tx, writeOp(R.CMD, req.op)]);
  }
}
