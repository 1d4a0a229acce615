/**
 * The management processor's firmware: the healing method of claims 27–36 (DESIGN.md sections 1
 * and 4), written only against a {@link Platform} (the cell's CSRs, its interrupt, cycles), so it
 * runs unchanged on models/cell/ and on the RTL. One superloop: wait for the interrupt or the
 * next deadline, serve every source (UART, flash, checker, DMA, link), run what is due. Nothing
 * in it blocks: an erase or a transfer goes on while the bus is served.
 *
 * This file is the cell's own life (boot check, ANNOUNCE, peers, who is errored, who is the
 * update cell); {@link UpdateDevice} (update_device.ts) is the errored cell's side of an update,
 * {@link UpdateAgent} (update_agent.ts) the update cell's.
 */
import { Rng } from '../common/rng.js';
import { readOp, writeFromOp, writeOp, type RegOp, type RegPort, type RegResult } from '../common/reg_port.js';
import { CellWindow, UART_FIFO_DEPTH } from '../cell/cell_pkg.js';
import { CELL_CTRL_CELL_ID, CELL_CTRL_IRQ_STATUS as IRQ, CELL_CTRL_LINK, CELL_CTRL_OFFSET as CTRL } from '../cell/cell_ctrl_pkg.js';
import { IMAGE_CHECK_OFFSET as CHK, IMAGE_CHECK_STATUS, IMAGE_HEADER_BYTES, ImageStatus } from '../cell/image_check_pkg.js';
import { FLASH_OFFSET } from '../flash/spi_flash_pkg.js';
import { HSI_CTRL, HSI_OFFSET } from '../hsi/hsi_pkg.js';
import { UartDriver } from '../uart/uart_driver.js';
import type { FirmwareConfig } from './config.js';
import { Conversations } from './conversations.js';
import { FlashJobs } from './flash_jobs.js';
import { BROADCAST_EID, cellEid } from './mctp.js';
import { MgmtLink } from './mgmt_link.js';
import { ANNOUNCE_FLAGS, decodeMessage, ErrorReason, MessageError, type Message } from './messages.js';
import { inWindow, windowPort, type Platform } from './platform.js';
import { UpdateAgent } from './update_agent.js';
import { UpdateDevice } from './update_device.js';

/** An image as the checker reported it. */
export interface ImageState {
  readonly status: ImageStatus;
  readonly version: number;
  readonly crc: number;
  /** Bytes, header included. */
  readonly len: number;
}

/** What a peer last announced. */
export interface Peer extends ImageState {
  readonly flags: number;
  readonly heard: number;
}

/** A valid image's identity, ordered by version, then CRC (the rule for one version with two CRCs: the higher CRC wins). */
export interface ImageId {
  readonly version: number;
  readonly crc: number;
}

/** -1, 0, 1 as `a` is older than, the same as, newer than `b`. */
export const compareIds = (a: ImageId, b: ImageId): number => Math.sign(a.version - b.version) || Math.sign((a.crc >>> 0) - (b.crc >>> 0));

const EVENT_BITS = IRQ.DMA_TX_DONE.mask | IRQ.DMA_RX_DONE.mask | IRQ.DMA_ERROR.mask | IRQ.CHECK_DONE.mask | IRQ.LINK_DOWN.mask | IRQ.LINK_UP.mask;

/** Why the checker runs. */
type CheckPurpose = 'boot' | 'periodic' | 'verify';

/** One management processor. */
export class Firmware {
  readonly ports: Readonly<Record<'uart' | 'flash' | 'dma' | 'check' | 'ctrl' | 'hsi', RegPort>>;
  readonly rng: Rng;
  #link: MgmtLink | undefined;
  readonly conv: Conversations;
  readonly flash: FlashJobs;
  readonly device: UpdateDevice;
  readonly agent: UpdateAgent;
  eid = 0;
  index = 0;
  /** The last check of the own image (undefined until the boot check ends). */
  image: ImageState | undefined;
  readonly peers = new Map<number, Peer>();
  /** Cells that stopped answering, until they are heard again. */
  readonly dead = new Set<number>();
  /** Sources whose image failed its check here: `eid:version:crc`. */
  readonly bad = new Set<string>();
  /** Two valid images of one version with different CRCs were announced. */
  conflict = false;
  readonly #spawned: (Promise<unknown>)[] = [];
  #timers: { at: number; fn: () => void | Promise<void> }[] = [];
  #checking: CheckPurpose | undefined;
  #checkDone: ((s: ImageState) => void) | undefined;
  #bootAt = 0;
  #checkedAt: number | undefined;
  #linkUp = false;

  constructor(readonly platform: Platform, readonly config: FirmwareConfig) {
    const w = (x: CellWindow): RegPort => windowPort(platform.regs, x);
    this.ports = { uart: w(CellWindow.Uart), flash: w(CellWindow.Flash), dma: w(CellWindow.FwDma), check: w(CellWindow.ImageCheck), ctrl: w(CellWindow.CellCtrl), hsi: w(CellWindow.Hsi) };
    this.rng = new Rng(config.seed);
    this.conv = new Conversations({ send: (dst, body, rq) => this.link.send(dst, body, rq), now: () => platform.now() }, this.rng);
    this.flash = new FlashJobs(this.ports.flash);
    this.device = new UpdateDevice(this);
    this.agent = new UpdateAgent(this);
  }

  now(): number {
    return this.platform.now();
  }

  /**
   * Work a handler started that the superloop must see finish before it waits again (a callback
   * that writes registers): nothing runs outside the loop's turn.
   */
  spawn(work: Promise<unknown> | void): void {
    if (work) this.#spawned.push(work);
  }

  /** Runs `fn` at cycle `at` (from the superloop). */
  timer(at: number, fn: () => void | Promise<void>): void {
    this.#timers.push({ at, fn });
  }

  /** The superloop; never returns. */
  async run(): Promise<never> {
    await this.#init();
    for (;;) {
      const next = [this.conv.deadline(), this.link.deadline(), ...this.#timers.map((t) => t.at)].reduce<number>((m, d) => (d !== undefined && d < m ? d : m), this.now() + this.config.announcePeriod);
      const wake = await this.platform.waitInterrupt(Math.max(1, next - this.now()), this.#wakeOps);
      await this.#service(wake.regs);
    }
  }

  async #init(): Promise<void> {
    const id = (await this.ports.ctrl.read(CTRL.CELL_ID)).data;
    this.index = CELL_CTRL_CELL_ID.ID.get(id);
    this.eid = cellEid(this.index);
    this.#link = new MgmtLink(new UartDriver(this.ports.uart, UART_FIFO_DEPTH), this.eid, this.config.uart, this.rng, () => this.now());
    await this.ports.flash.write(FLASH_OFFSET.CTRL, this.config.flashDiv);
    const [, , link] = await this.ports.ctrl.batch([writeOp(CTRL.IRQ_STATUS, EVENT_BITS), writeOp(CTRL.IRQ_ENABLE, IRQ.UART.mask | IRQ.FLASH.mask | EVENT_BITS), readOp(CTRL.LINK)]);
    this.#linkUp = CELL_CTRL_LINK.UP.get(link!.data) === 1;
    await this.link.init();
    this.#wakeOps = [...inWindow(CellWindow.CellCtrl, [readOp(CTRL.IRQ_STATUS), writeFromOp(CTRL.IRQ_STATUS, 1, EVENT_BITS)]), ...inWindow(CellWindow.Uart, this.link.wakeOps())];
    this.#bootAt = this.now();
    this.check('boot', (s) => this.#booted(s));
  }

  /** The management bus (made at init, once the cell's EID is known). */
  get link(): MgmtLink {
    if (!this.#link) throw new Error('Firmware.link: used before init() read CELL_ID');
    return this.#link;
  }

  get linkUp(): boolean {
    return this.#linkUp;
  }

  /**
   * A wake-up's accesses, run by the platform as its wait ends: the cause read and its events
   * cleared as read, and the link's own (MgmtLink.wakeOps). Made at init, once the link is.
   */
  #wakeOps: readonly RegOp[] = [];

  /** `regs`: the results of {@link #wakeOps}. */
  async #service(regs: readonly RegResult[]): Promise<void> {
    const [irq, , ...uart] = regs;
    const st = irq!.data;
    if (st & IRQ.LINK_DOWN.mask) this.#linkUp = false;
    if (st & IRQ.LINK_UP.mask) this.#linkUp = true;
    // Always: the wake-up drained the RX FIFO whatever woke it.
    for (const r of await this.link.service(uart)) await this.#message(r.src, r.body);
    if (st & IRQ.FLASH.mask) await this.flash.service();
    if (st & IRQ.CHECK_DONE.mask) await this.#checked();
    if (st & IRQ.DMA_RX_DONE.mask) await this.device.rxDone();
    if (st & IRQ.DMA_TX_DONE.mask) await this.agent.txDone();
    if (st & IRQ.DMA_ERROR.mask) await this.device.dmaError();
    if (st & IRQ.LINK_DOWN.mask) {
      await this.device.linkDown();
      await this.agent.linkDown();
      // Down is sticky: restart at once, so the link trains until its lanes work again (then LINK_UP).
      await this.ports.hsi.write(HSI_OFFSET.CTRL, HSI_CTRL.ENABLE.mask | HSI_CTRL.RESTART.mask);
    }
    this.conv.tick();
    const now = this.now();
    const due = this.#timers.filter((t) => t.at <= now);
    this.#timers = this.#timers.filter((t) => t.at > now);
    for (const t of due) await t.fn();
    // Finish what the handlers started, then start what they queued (a flash operation, a
    // frame), until nothing new is left to start.
    for (;;) {
      while (this.#spawned.length) await Promise.all(this.#spawned.splice(0));
      if (this.flash.startable) await this.flash.service();
      else if (this.link.startable) await this.link.start();
      else if (!this.#spawned.length) return;
    }
  }

  // ---- the image check

  /** Runs the checker; `done` gets the result. False when a check is already running. */
  check(purpose: CheckPurpose, done: (s: ImageState) => void): boolean {
    if (this.#checking) return false;
    this.#checking = purpose;
    this.#checkDone = done;
    this.spawn(this.ports.check.write(CHK.CTRL, 1));
    return true;
  }

  async #checked(): Promise<void> {
    const [st, ver, len, crc] = await this.ports.check.batch([readOp(CHK.STATUS), readOp(CHK.FW_VERSION), readOp(CHK.BODY_LEN), readOp(CHK.BODY_CRC)]);
    await this.ports.check.write(CHK.STATUS, IMAGE_CHECK_STATUS.DONE.mask);
    const status = IMAGE_CHECK_STATUS.RESULT.get(st!.data) as ImageStatus;
    const done = this.#checkDone;
    this.#checking = undefined;
    this.#checkDone = undefined;
    done?.({ status, version: ver!.data, crc: crc!.data, len: status === ImageStatus.Valid || status === ImageStatus.CorruptBody ? IMAGE_HEADER_BYTES + len!.data : 0 });
  }

  /**
   * Long enough since the boot check to have heard the other holders' boot announcements (they
   * checked the same image as long): four gather windows, room for every cell's first ANNOUNCE.
   */
  listened(): boolean {
    return this.#checkedAt !== undefined && this.now() >= this.#checkedAt + 4 * this.config.gatherWindow;
  }

  #booted(s: ImageState): void {
    this.image = s;
    this.#checkedAt = this.now();
    this.timer(this.now() + 4 * this.config.gatherWindow, () => this.evaluate());
    this.announce();
    this.#announceLoop();
    this.timer(this.now() + this.config.checkPeriod, () => this.#periodicCheck());
    this.timer(this.#bootAt + this.config.settle, () => this.evaluate());
    this.evaluate();
  }

  #announceLoop(): void {
    this.timer(this.now() + this.config.announcePeriod + this.rng.below(this.config.announcePeriod >> 4), () => {
      this.#agePeers();
      this.announce();
      this.#announceLoop();
      this.evaluate();
    });
  }

  #periodicCheck(): void {
    // Deferred while a transfer touches the flash (either side) or the firmware programs it.
    if (this.device.busy || this.agent.busy || this.flash.busy || !this.check('periodic', (s) => {
      const changed = !this.image || this.image.status !== s.status || this.image.version !== s.version || this.image.crc !== s.crc;
      this.image = s;
      if (changed) this.announce();
      this.evaluate();
    })) {
      this.timer(this.now() + (this.config.checkPeriod >> 4), () => this.#periodicCheck());
      return;
    }
    this.timer(this.now() + this.config.checkPeriod, () => this.#periodicCheck());
  }

  // ---- announcements and the fleet's view

  /** ANNOUNCE {status, fw_version, body_crc32, flags} to every cell. */
  announce(): void {
    const img = this.image;
    if (!img) return;
    const newest = this.newest();
    const flags = (this.errored() && img.status === ImageStatus.Valid ? ANNOUNCE_FLAGS.OUTDATED : 0)
      | (this.conflict ? ANNOUNCE_FLAGS.CONFLICT : 0)
      | (!newest && this.now() >= this.#bootAt + this.config.settle ? ANNOUNCE_FLAGS.NONE_VALID : 0)
      | (this.device.busy ? ANNOUNCE_FLAGS.UPDATING : 0);
    this.conv.datagram(BROADCAST_EID, 'Announce', { status: img.status, fw_version: img.version, body_crc32: img.crc, flags });
  }

  #agePeers(): void {
    for (const [eid, p] of this.peers) if (this.now() - p.heard > this.config.peerTimeout) this.peers.delete(eid);
  }

  /** The newest valid image announced (own included), or undefined when none is. */
  newest(): (ImageId & { len: number }) | undefined {
    let best: (ImageId & { len: number }) | undefined;
    const consider = (s: ImageState): void => {
      if (s.status === ImageStatus.Valid && (!best || compareIds(s, best) > 0)) best = { version: s.version, crc: s.crc, len: s.len };
    };
    if (this.image) consider(this.image);
    for (const p of this.peers.values()) consider(p);
    return best;
  }

  /** Whether this cell's own firmware is errored: missing, corrupt, or below the newest valid. */
  errored(): boolean {
    const img = this.image;
    if (!img) return false;
    if (img.status !== ImageStatus.Valid) return true;
    const n = this.newest();
    return !!n && compareIds(img, n) < 0;
  }

  /** Why (FW_ERROR_NOTIFY's reason). */
  reason(): ErrorReason {
    const s = this.image?.status;
    return s === ImageStatus.Missing ? ErrorReason.Missing : s === ImageStatus.Valid ? ErrorReason.Outdated : ErrorReason.Corrupt;
  }

  /** The update cell for image `id`: the lowest EID holding it (not dead, not known bad here, not `avoid`). */
  updateCell(id: ImageId, avoid = 0): number | undefined {
    const holders: number[] = [];
    if (this.image?.status === ImageStatus.Valid && compareIds(this.image, id) === 0 && !this.device.busy) holders.push(this.eid);
    for (const [eid, p] of this.peers) {
      if (p.status === ImageStatus.Valid && compareIds(p, id) === 0 && eid !== avoid && !this.dead.has(eid) && !this.bad.has(`${eid}:${id.version}:${id.crc}`)) holders.push(eid);
    }
    return holders.length ? Math.min(...holders) : undefined;
  }

  /** Re-decides after anything that changes the view: the device side asks for help, the agent side serves. */
  evaluate(): void {
    if (!this.image) return;
    this.device.evaluate();
    this.agent.evaluate();
  }

  async #message(src: number, body: Uint8Array): Promise<void> {
    let m: Message;
    try {
      m = decodeMessage(body);
    } catch (e) {
      if (e instanceof MessageError) return;  // not ours to answer: the FCS was good, the content is not in the subset
      throw e;
    }
    this.device.heard(src);
    if (this.conv.take(src, body, m)) return;
    if (m.name === 'Announce') return this.#announced(src, m);
    if (await this.device.handle(src, body, m)) return;
    await this.agent.handle(src, body, m);
  }

  #announced(src: number, m: Message): void {
    const f = m.fields as { status: number; fw_version: number; body_crc32: number; flags: number };
    const p: Peer = { status: f.status as ImageStatus, version: f.fw_version, crc: f.body_crc32, len: 0, flags: f.flags, heard: this.now() };
    this.dead.delete(src);
    this.peers.set(src, p);
    const mine = this.image;
    const same = (a: ImageState): boolean => a.status === ImageStatus.Valid && p.status === ImageStatus.Valid && a.version === p.version && a.crc !== p.crc;
    if ((mine && same(mine)) || [...this.peers.values()].some(same)) this.conflict = true;
    this.evaluate();
  }
}
