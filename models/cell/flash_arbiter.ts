/**
 * The cell's flash controller with time: the controller's one stream face shared by the image
 * checker and the DMA's two directions, and its CSR face for the management processor, behind
 * one arbiter. Operations run one at a time in the order asked (each client gets its own
 * result), each taking {@link flashOpCycles}; an operation's effect on the part happens when it
 * ends, so a power loss in the middle leaves the bytes it touches between their old and their
 * intended content, as tb/hdl/spi_nor_model.sv does.
 */
import type { RegAccess } from '../common/regmap.js';
import { FlashCsrModel } from '../flash/flash_csr.js';
import { isWriteOp, SpiFlashCtrl, writeSpan, type FlashRequest, type FlashResult } from '../flash/spi_flash_ctrl.js';
import { FLASH_CMD, FLASH_OFFSET, FLASH_STATUS, FlashOp } from '../flash/spi_flash_pkg.js';
import type { SpiNor } from '../flash/spi_nor.js';
import { flashOpCycles, type FlashTiming } from './flash_timing.js';
import type { Scheduler } from './scheduler.js';

/** Who asked for an operation. */
export type FlashClient = 'csr' | 'check' | 'dma-tx' | 'dma-rx';

interface Job {
  readonly client: FlashClient;
  readonly op: FlashOp;
  readonly addr: number;
  readonly len: number;
  /** Runs the operation on the part and delivers its result. */
  readonly run: () => void;
}

interface Running {
  readonly job: Job;
  readonly cancel: () => void;
  /** The bytes a write touches, as they were when it began. */
  readonly before?: { readonly base: number; readonly bytes: Uint8Array };
}

/** The flash controller of one cell, both faces, with time. */
export class FlashArbiter {
  readonly csr: FlashCsrModel;
  readonly ctrl: SpiFlashCtrl;
  readonly #queue: Job[] = [];
  #running: Running | undefined;
  /** Operations per client, for coverage and tests. */
  readonly count: Record<FlashClient, number> = { csr: 0, check: 0, 'dma-tx': 0, 'dma-rx': 0 };

  constructor(readonly chip: SpiNor, private readonly sched: Scheduler, private readonly timing: FlashTiming, private readonly changed: () => void) {
    this.ctrl = new SpiFlashCtrl(chip);
    this.csr = new FlashCsrModel(this.ctrl);
  }

  /** CTRL.DIV: the SCLK divider both faces run at. */
  get div(): number {
    return this.csr.regs.field('CTRL', 'DIV');
  }

  /** A stream-face operation; `done` gets its result when it ends. */
  submit(client: FlashClient, req: FlashRequest, done: (r: FlashResult) => void): void {
    this.#enqueue({ client, op: req.op, addr: req.addr, len: req.len, run: () => done(this.ctrl.execute(req)) });
  }

  /** An APB write to the CSR face: CMD becomes an operation of the queue. */
  write(offset: number, data: number): RegAccess {
    if (offset !== FLASH_OFFSET.CMD) return this.csr.write(offset, data);
    const op = FLASH_CMD.OP.get(data);
    this.#enqueue({
      client: 'csr', op, addr: this.csr.regs.field('ADDR', 'ADDR'), len: this.csr.regs.field('LEN', 'LEN'),
      run: () => void this.csr.write(offset, data),
    });
    return { data: 0, slverr: false };
  }

  /** An APB read of the CSR face: STATUS.BUSY while a CSR command waits or runs. */
  read(offset: number): RegAccess {
    const r = this.csr.read(offset);
    if (offset !== FLASH_OFFSET.STATUS || !this.csrBusy()) return r;
    return { ...r, data: (r.data | FLASH_STATUS.BUSY.mask) >>> 0 };
  }

  /** A CSR command waits or runs. */
  csrBusy(): boolean {
    return this.#running?.job.client === 'csr' || this.#queue.some((j) => j.client === 'csr');
  }

  /** The controller's irq_o: a CSR command finished (STATUS.DONE or an error flag). */
  irq(): boolean {
    const s = this.csr.read(FLASH_OFFSET.STATUS).data;
    return (s & (FLASH_STATUS.DONE.mask | FLASH_STATUS.ERR_PROTECT.mask | FLASH_STATUS.ERR_TIMEOUT.mask | FLASH_STATUS.ERR_COMMAND.mask)) !== 0;
  }

  /** A write (program or erase) is running: what a power loss now interrupts. */
  get writing(): FlashClient | undefined {
    return this.#running?.before ? this.#running.job.client : undefined;
  }

  /** The controller resets (the cell's reset, power kept): the part finishes what it runs; queued operations are lost. */
  reset(): void {
    const r = this.#running;
    this.#running = undefined;
    this.#queue.length = 0;
    if (!r) return;
    r.cancel();
    if (r.before) r.job.run();
  }

  /**
   * Power goes: the running write leaves each byte it touches between old and intended
   * (`noise()` gives a byte: its 1 bits take the intended value), queued operations are lost.
   */
  powerLoss(noise: () => number): void {
    const r = this.#running;
    this.#running = undefined;
    this.#queue.length = 0;
    if (!r) return;
    r.cancel();
    if (r.before) {
      r.job.run();
      const { base, bytes } = r.before;
      for (let i = 0; i < bytes.length; i++) {
        const now = this.chip.mem[base + i]!;
        this.chip.mem[base + i] = (bytes[i]! ^ ((bytes[i]! ^ now) & noise())) & 0xff;
      }
    }
    this.chip.powerLoss();
  }

  #enqueue(job: Job): void {
    this.#queue.push(job);
    if (!this.#running) this.#next();
  }

  #next(): void {
    const job = this.#queue.shift();
    if (!job) return;
    let before: Running['before'];
    if (isWriteOp(job.op)) {
      const [lo, hi] = writeSpan(job.op, job.addr, job.len, this.chip.sizeBytes);
      const base = Math.max(0, lo);
      before = { base, bytes: this.chip.mem.slice(base, Math.min(hi + 1, this.chip.sizeBytes)) };
    }
    const cycles = flashOpCycles(this.timing, this.div, job.op, job.addr, job.len);
    const cancel = this.sched.at(this.sched.now() + cycles, () => {
      this.#running = undefined;
      this.count[job.client]++;
      job.run();
      this.#next();
      this.changed();
    });
    this.#running = { job, cancel, ...(before ? { before } : {}) };
  }
}
