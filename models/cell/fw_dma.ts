/**
 * The firmware DMA of rtl/cell (fw_dma_desc.json) at register level: the sender reads the image
 * from flash once, frame by frame, and sends each frame to every destination of TX_MASK before
 * the next (so the slowest receiver paces it); the receiver takes vc 1 frames only while armed,
 * only from RX_SRC, only on a 512-byte boundary inside the region and not past the next offset
 * in order, and programs each at its offset (repeats rewrite the same bytes). rtl/cell/README.md
 * is the contract.
 */
import { RegBlockModel, type RegAccess } from '../common/regmap.js';
import { FlashErr, FlashOp } from '../flash/spi_flash_pkg.js';
import { FW_FRAME_BYTES, FW_FRAME_OFFSET_BYTES } from './cell_pkg.js';
import type { FlashArbiter } from './flash_arbiter.js';
import { FW_DMA_CTRL, fw_dmaRegs } from './fw_dma_pkg.js';

/** The HSI's vc 1 as the sender sees it (the fleet's frame model, or the link on the RTL). */
export interface FirmwareLink {
  /** Sends a firmware frame to cell `dst`; `accepted` runs once the receiver's buffer took it (a credit). Returns a cancel. */
  send(dst: number, payload: Uint8Array, accepted: () => void): () => void;
}

/** The firmware frame's payload: the image offset (u32 little-endian) then the bytes. */
export function firmwareFrame(offset: number, bytes: Uint8Array): Uint8Array {
  const p = new Uint8Array(FW_FRAME_OFFSET_BYTES + bytes.length);
  new DataView(p.buffer).setUint32(0, offset >>> 0, true);
  p.set(bytes, FW_FRAME_OFFSET_BYTES);
  return p;
}

/** Why an armed-or-not receiver refuses a vc 1 frame (rtl/cell/README.md, Receiver). */
export type FrameRefusal = 'not-armed' | 'source' | 'path' | 'empty' | 'long' | 'boundary' | 'region' | 'gap';

/** What the receiver's verdict on a frame depends on. */
export interface ReceiverState {
  readonly armed: boolean;
  /** RX_SRC. */
  readonly src: number;
  /** PATH_EN.VC1 (and the link up). */
  readonly vc1: boolean;
  /** The next offset in order: frames up to it are taken. */
  readonly next: number;
  readonly regionBytes: number;
}

/** The receiver's rule: why it refuses the frame from cell `src` with `payload`, or undefined when it takes it. */
export function frameRefusal(r: ReceiverState, src: number, payload: Uint8Array): FrameRefusal | undefined {
  if (!r.armed) return 'not-armed';
  if (src !== r.src) return 'source';
  if (!r.vc1) return 'path';
  if (payload.length <= FW_FRAME_OFFSET_BYTES) return 'empty';
  const offset = new DataView(payload.buffer, payload.byteOffset).getUint32(0, true);
  const len = payload.length - FW_FRAME_OFFSET_BYTES;
  if (len > FW_FRAME_BYTES) return 'long';
  if (offset % FW_FRAME_BYTES) return 'boundary';
  if (offset + len > r.regionBytes) return 'region';
  if (offset > r.next) return 'gap';
  return undefined;
}

/** What the DMA tells its cell. */
export interface FwDmaEvents {
  txDone(): void;
  rxDone(): void;
  error(): void;
  /** Whether vc 1's path is enabled (cell_ctrl PATH_EN.VC1). */
  vc1Enabled(): boolean;
}

/** The DMA of one cell. */
export class FwDmaModel {
  readonly regs = new RegBlockModel(fw_dmaRegs, { onWrite: (_r, d) => this.#command(d) });
  #txBusy = false;
  #txProgress = 0;
  /** The frame in flight: its bytes and the destinations still to get it. */
  #frame: { readonly payload: Uint8Array; at: number; waiting?: (() => void) | undefined } | undefined;
  #stalled = false;
  #armed = false;
  #written = 0;
  /** The next offset in order: frames up to it are taken (those below are repeats). */
  #nextOffset = 0;
  #refused = 0;
  /** Frames taken, repeated and refused since reset (coverage and tests). */
  readonly frames = { taken: 0, repeated: 0, refused: 0 };

  constructor(
    private readonly flash: FlashArbiter,
    private readonly link: FirmwareLink,
    private readonly regionBytes: number,
    private readonly events: FwDmaEvents,
  ) {
    this.#refresh();
  }

  write(offset: number, data: number): RegAccess {
    const r = this.regs.write(offset, data);
    this.kick();
    this.#refresh();
    return r;
  }

  read(offset: number): RegAccess {
    this.#refresh();
    return this.regs.read(offset);
  }

  /** TX_MASK or PATH_EN changed: a stalled send, or one waiting on a destination no longer in the mask, goes on. */
  kick(): void {
    const f = this.#frame;
    if (!f || !this.#txBusy) return;
    if (f.waiting) {
      if (this.regs.field('TX_MASK', 'MASK') & (1 << f.at)) return;
      f.waiting();
      f.waiting = undefined;
      f.at++;
    } else if (!this.#stalled) return;
    this.#sendNext();
  }

  #command(data: number): void {
    if (FW_DMA_CTRL.TX_GO.get(data) && !this.#txBusy) {
      this.#txBusy = true;
      this.#txProgress = this.regs.field('TX_START', 'OFFSET');
      this.#readFrame();
    }
    if (FW_DMA_CTRL.TX_ABORT.get(data) && this.#txBusy) {
      this.#frame?.waiting?.();
      this.#frame = undefined;
      this.#txBusy = false;
      this.regs.raise('TX_STATUS', 'ERROR');
      this.events.error();
    }
    if (FW_DMA_CTRL.RX_ARM.get(data)) {
      this.#armed = true;
      this.#written = this.#nextOffset = this.regs.field('RX_START', 'OFFSET');
    }
    if (FW_DMA_CTRL.RX_DISARM.get(data)) this.#armed = false;
  }

  #readFrame(): void {
    const len = this.regs.field('TX_LEN', 'BYTES');
    const at = this.#txProgress;
    if (at >= len) {
      this.#txBusy = false;
      this.#frame = undefined;
      this.regs.raise('TX_STATUS', 'DONE');
      this.#refresh();
      return this.events.txDone();
    }
    const n = Math.min(FW_FRAME_BYTES, len - at);
    this.flash.submit('dma-tx', { op: FlashOp.Read, addr: at, len: n }, (r) => {
      if (!this.#txBusy) return;
      if (r.err !== FlashErr.None) {
        this.#txBusy = false;
        this.regs.raise('TX_STATUS', 'ERROR');
        return this.events.error();
      }
      this.#frame = { payload: firmwareFrame(at, r.data), at: 0 };
      this.#sendNext();
    });
  }

  /** Sends the frame in flight to the next destination of the mask from `at`, or moves on. */
  #sendNext(): void {
    const f = this.#frame!;
    const mask = this.regs.field('TX_MASK', 'MASK');
    let d = f.at;
    while (d < 16 && !(mask & (1 << d))) d++;
    f.at = d;
    if (d >= 16) {
      this.#txProgress += f.payload.length - FW_FRAME_OFFSET_BYTES;
      this.#frame = undefined;
      this.#refresh();
      return this.#readFrame();
    }
    this.#stalled = !this.events.vc1Enabled();
    if (this.#stalled) return;
    const cancel = this.link.send(d, f.payload, () => {
      if (this.#frame !== f || f.waiting !== cancel) return;
      f.waiting = undefined;
      f.at = d + 1;
      this.#sendNext();
    });
    f.waiting = cancel;
  }

  /** A vc 1 frame from cell `src` reached this cell's buffer; `free` returns its credit. */
  receive(src: number, payload: Uint8Array, free: () => void): void {
    const refuse = (): void => {
      this.#refused++;
      this.frames.refused++;
      this.#refresh();
      free();
    };
    const state = { armed: this.#armed, src: this.regs.field('RX_SRC', 'CELL'), vc1: this.events.vc1Enabled(), next: this.#nextOffset, regionBytes: this.regionBytes };
    if (frameRefusal(state, src, payload)) return refuse();
    const offset = new DataView(payload.buffer, payload.byteOffset).getUint32(0, true);
    const data = payload.subarray(FW_FRAME_OFFSET_BYTES);
    if (offset === this.#nextOffset) this.#nextOffset += data.length;
    else this.frames.repeated++;
    this.frames.taken++;
    this.flash.submit('dma-rx', { op: FlashOp.Program, addr: offset, len: data.length, data }, (r) => {
      free();
      if (!this.#armed) return;
      if (r.err !== FlashErr.None) {
        this.#armed = false;
        this.regs.raise('RX_STATUS', 'ERROR');
        this.#refresh();
        return this.events.error();
      }
      if (offset <= this.#written) this.#written = Math.max(this.#written, offset + data.length);
      if (this.#written >= this.regs.field('RX_LEN', 'BYTES')) {
        this.#armed = false;
        this.regs.raise('RX_STATUS', 'DONE');
        this.#refresh();
        return this.events.rxDone();
      }
      this.#refresh();
    });
  }

  #refresh(): void {
    this.regs.setHw('TX_STATUS', 'BUSY', this.#txBusy ? 1 : 0);
    this.regs.setHw('TX_PROGRESS', 'OFFSET', this.#txProgress);
    this.regs.setHw('RX_STATUS', 'ARMED', this.#armed ? 1 : 0);
    this.regs.setHw('RX_WRITTEN', 'OFFSET', this.#written);
    this.regs.setHw('RX_REFUSED', 'COUNT', this.#refused & 0xffff);
  }
}
