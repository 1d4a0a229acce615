/**
 * The errored cell's side of an update (the firmware device, FD, of DSP0267). Pull (claims 27,
 * 30, 32): FW_ERROR_NOTIFY to the update cell, whose response with CC 0 is claim 27's
 * acknowledgement. Push (claims 33, 35): a RequestUpdate from the update cell, answered with
 * CC 0, claim 35's acknowledgement, before any image byte moves. Then HSI_LINK_ENABLE: erase the
 * new image's extent (or nothing, when a transfer of the same {fw_version, body_crc32} resumes),
 * arm the DMA for that one source, enable vc 1, answer with the start offset; the stream; then
 * TransferComplete, the check, VerifyComplete, ApplyComplete, ActivateFirmware. When the HSI is
 * down or goes down, the image comes over the management bus instead (claim 31): RequestFirmwareData
 * chunks from the last whole frame written, programmed through the flash CSRs. An update cell
 * that stops answering is given up on and another is asked; an image that fails its check is
 * never activated.
 */
import { readOp, writeOp } from '../common/reg_port.js';
import { CELL_CTRL_OFFSET as CTRL, CELL_CTRL_PATH_EN } from '../cell/cell_ctrl_pkg.js';
import { FW_FRAME_BYTES } from '../cell/cell_pkg.js';
import { FW_DMA_CTRL, FW_DMA_OFFSET as DMA } from '../cell/fw_dma_pkg.js';
import { ImageStatus } from '../cell/image_check_pkg.js';
import { FlashErr } from '../flash/spi_flash_pkg.js';
import { eraseCycles } from './config.js';
import { eidCell } from './mctp.js';
import { compareIds, type Firmware, type ImageId } from './firmware.js';
import { eraseExtent, programPages } from './flash_jobs.js';
import { CompletionCode, UpdatePath, type Message } from './messages.js';

/** Where an update stands. */
type Stage = 'acked' | 'preparing' | 'hsi' | 'mgmt' | 'transferred' | 'verifying' | 'applied';

interface Session extends ImageId {
  /** The update cell. */
  readonly ua: number;
  readonly len: number;
  readonly path: UpdatePath;
  stage: Stage;
  /** Bytes written in order: the last whole frame's end. */
  written: number;
  /** On the management path: bytes asked for in order (received, or the one request out), and whether a request is out. */
  fetched: number;
  fetching: boolean;
  /** When the session last moved (a message from the update cell, a frame written). */
  progress: number;
  progressAt: number;
}

/** The bytes of an unfinished transfer: it resumes only for the same image. */
interface Partial extends ImageId {
  readonly len: number;
  readonly written: number;
}

/** One firmware's device side. */
export class UpdateDevice {
  #session: Session | undefined;
  #partial: Partial | undefined;
  /** A FW_ERROR_NOTIFY is out, or was acknowledged and a RequestUpdate is awaited, until this cycle. */
  #askedUntil = 0;
  /** The update cell a refusal named. */
  #hint: number | undefined;

  constructor(private readonly fw: Firmware) {}

  /** In an update session (its transfer touches the flash). */
  get busy(): boolean {
    return !!this.#session;
  }

  /** Any message from the update cell shows it alive; on the HSI only frames written are progress (its lane may be down). */
  heard(src: number): void {
    if (this.#session?.ua === src && this.#session.stage !== 'hsi') this.#moved();
  }

  /** Asks the update cell for valid firmware when this cell is errored (pull). */
  evaluate(): void {
    const fw = this.fw;
    if (!fw.config.pull || this.#session || fw.now() < this.#askedUntil || !fw.errored()) return;
    const n = fw.newest();
    if (!n) return;
    const hint = this.#hint;
    const hinted = hint !== undefined && fw.peers.get(hint)?.status === ImageStatus.Valid && !fw.bad.has(`${hint}:${n.version}:${n.crc}`) ? hint : undefined;
    const ua = hinted ?? fw.updateCell(n);
    // The lowest holder whose image failed here is avoided: the next holder serves instead.
    const lowest = [...fw.peers.entries()].filter(([, p]) => p.status === ImageStatus.Valid && p.version === n.version && p.crc === n.crc).map(([e]) => e).sort((a, b) => a - b)[0];
    const avoid = lowest !== undefined && fw.bad.has(`${lowest}:${n.version}:${n.crc}`) ? lowest : 0;
    if (ua === undefined || ua === fw.eid) return;
    const c = fw.config;
    this.#askedUntil = fw.now() + c.request.timeout * (c.request.retries + 1) + c.request.backoff * c.request.retries;
    fw.conv.request(ua, 'FwErrorNotify', { reason: fw.reason(), avoid_eid: avoid }, c.request, (r) => {
      if (!r) {
        fw.dead.add(ua);
        this.#askedUntil = 0;
      } else if (r.cc === CompletionCode.Success) {
        // Claim 27's acknowledgement: the RequestUpdate follows; wait for it a while.
        this.#askedUntil = fw.now() + c.gatherWindow + 4 * c.request.timeout;
        fw.timer(this.#askedUntil, () => fw.evaluate());
        return;
      } else {
        this.#hint = r.cc === CompletionCode.NotUpdateCell && r.fields.update_eid ? (r.fields.update_eid as number) : undefined;
        this.#askedUntil = fw.now() + (r.cc === CompletionCode.NotReady ? c.announcePeriod >> 2 : c.gatherWindow);
      }
      fw.timer(this.#askedUntil, () => fw.evaluate());
    });
  }

  /** The update requests of DSP0267 that come to the device; false for those it does not take. */
  async handle(src: number, body: Uint8Array, m: Message): Promise<boolean> {
    const s = this.#session;
    const mine = s?.ua === src;
    switch (m.name) {
      case 'RequestUpdate': return this.#requestUpdate(src, body, m), true;
      case 'HsiLinkEnable':
        if (!mine) this.fw.conv.reply(src, body, m)(CompletionCode.NotInUpdateMode, { start_offset: 0 });
        else await this.#linkEnable(body, m);
        return true;
      case 'ActivateFirmware': {
        const reply = this.fw.conv.reply(src, body, m);
        // Never activate an image that failed its check (or is not checked yet).
        if (!mine || s.stage !== 'applied') return reply(CompletionCode.InvalidStateForCommand, {}), true;
        await this.fw.ports.ctrl.write(CTRL.ACTIVE_VERSION, s.version);
        reply(CompletionCode.Success, {});
        this.fw.image = { status: ImageStatus.Valid, version: s.version, crc: s.crc, len: s.len };
        this.#end(undefined);
        this.fw.announce();
        return true;
      }
      case 'CancelUpdate': {
        const reply = this.fw.conv.reply(src, body, m);
        if (!mine) return reply(CompletionCode.NotInUpdateMode, {}), true;
        await this.#disarm();
        this.#end(this.#resumable());
        reply(CompletionCode.Success, {});
        // Still errored: ask the update cell of the newest image.
        this.fw.evaluate();
        return true;
      }
      case 'GetStatus':
        this.fw.conv.reply(src, body, m)(CompletionCode.Success, { state: s ? 1 : 0, progress: s?.written ?? 0 });
        return true;
      default:
        return false;
    }
  }

  #requestUpdate(src: number, body: Uint8Array, m: Message): void {
    const fw = this.fw;
    const reply = fw.conv.reply(src, body, m);
    const f = m.fields as { fw_version: number; image_len: number; body_crc32: number; path: number };
    const offer: ImageId = { version: f.fw_version, crc: f.body_crc32 };
    const img = fw.image;
    const s = this.#session;
    if (img?.status === ImageStatus.Valid && offer.version <= img.version && !(offer.version === img.version && (offer.crc >>> 0) > (img.crc >>> 0))) return reply(CompletionCode.InvalidData, {});
    if (fw.bad.has(`${src}:${offer.version}:${offer.crc}`)) return reply(CompletionCode.InvalidData, {});
    // An image older than the newest valid one announced is refused (its holder missed that
    // announcement, e.g. while it lost arbitration on the line): this cell waits for the newest.
    const newest = fw.newest();
    if (newest && compareIds(offer, newest) < 0) return reply(CompletionCode.InvalidData, {});
    if (s && s.ua !== src && !fw.dead.has(s.ua)) return reply(CompletionCode.AlreadyInUpdateMode, {});
    if (s && s.ua !== src) this.#end(this.#resumable());
    if (s && s.ua === src && s.version === offer.version && s.crc === offer.crc && s.stage !== 'acked') return reply(CompletionCode.Success, {});
    const partial = this.#session ? this.#resumable() : this.#partial;
    this.#partial = partial && partial.version === offer.version && partial.crc === offer.crc && partial.len === f.image_len ? partial : undefined;
    this.#session = { ua: src, version: offer.version, crc: offer.crc, len: f.image_len, path: f.path, stage: 'acked', written: 0, fetched: 0, fetching: false, progress: 0, progressAt: fw.now() };
    this.#askedUntil = 0;
    // Claim 35's acknowledgement: before any image byte moves.
    reply(CompletionCode.Success, {});
    this.#watch();
  }

  async #linkEnable(body: Uint8Array, m: Message): Promise<void> {
    const fw = this.fw;
    const s = this.#session!;
    const reply = fw.conv.reply(s.ua, body, m);
    if (s.stage !== 'acked') return;  // a new instance while preparing: the first answer goes when the erase ends
    this.#moved();
    const start = this.#partial?.written ?? 0;
    s.stage = 'preparing';
    s.written = start;
    const hsi = s.path === UpdatePath.Hsi && fw.linkUp;
    this.#erase(start, s.len, async () => {
      if (this.#session !== s) return;
      if (!hsi) {
        reply(CompletionCode.HsiDown, { start_offset: start });
        return this.#pull(s);
      }
      // Resumed with every frame already written: nothing will arrive (no RX_DONE); on to the check.
      if (start >= s.len) {
        reply(CompletionCode.Success, { start_offset: start });
        return this.#transferred(s);
      }
      const cell = eidCell(s.ua)!;
      await fw.ports.dma.batch([writeOp(DMA.RX_SRC, cell), writeOp(DMA.RX_START, start), writeOp(DMA.RX_LEN, s.len), writeOp(DMA.CTRL, FW_DMA_CTRL.RX_ARM.mask)]);
      await fw.ports.ctrl.write(CTRL.PATH_EN, CELL_CTRL_PATH_EN.VC0.mask | CELL_CTRL_PATH_EN.VC1.mask);
      s.stage = 'hsi';
      reply(CompletionCode.Success, { start_offset: start });
    });
  }

  /** Erases the extent of a fresh image (nothing for a resumed one), then `then`. */
  #erase(start: number, len: number, then: () => Promise<void>): void {
    const ops = start ? [] : eraseExtent(len);
    if (!ops.length) return this.fw.spawn(then());
    let failed = false;
    ops.forEach((r, i) => this.fw.flash.add(r, (err) => {
      failed ||= err !== FlashErr.None;
      if (i === ops.length - 1 && !failed) this.fw.spawn(then());
    }));
  }

  /** The DMA wrote the whole image. */
  async rxDone(): Promise<void> {
    const s = this.#session;
    if (!s || s.stage !== 'hsi') return;
    s.written = s.len;
    await this.#transferred(s);
  }

  async dmaError(): Promise<void> {
    const s = this.#session;
    if (s?.stage === 'hsi') await this.#giveUp(s, false);
  }

  /** The HSI reported down: go on over the management bus from the last whole frame written. */
  async linkDown(): Promise<void> {
    const s = this.#session;
    if (s?.stage === 'hsi') await this.#toMgmt(s);
  }

  /**
   * Leaves the HSI for the management bus, from the last whole frame written: this cell's link
   * went down, or no frame came for a stall period (the update cell's own link is down, or it
   * died: then its silence on the management bus gives up on it too).
   */
  async #toMgmt(s: Session): Promise<void> {
    const [, w] = await this.fw.ports.dma.batch([writeOp(DMA.CTRL, FW_DMA_CTRL.RX_DISARM.mask), readOp(DMA.RX_WRITTEN)]);
    s.written = w!.data - (w!.data % FW_FRAME_BYTES);
    this.#pull(s);
  }

  /** The management path, from the last whole frame written. */
  #pull(s: Session): void {
    s.stage = 'mgmt';
    s.fetched = s.written;
    s.fetching = false;
    this.#fetch(s);
  }

  /**
   * RequestFirmwareData chunk by chunk, each programmed page by page; the next chunk is asked
   * for while the one before programs (two chunks held at most), so the line and the part work
   * at once and the slower of the two paces the transfer.
   */
  #fetch(s: Session): void {
    const fw = this.fw;
    if (this.#session !== s || s.stage !== 'mgmt') return;
    if (s.written >= s.len) return this.fw.spawn(this.#transferred(s));
    if (s.fetching || s.fetched >= s.len || s.fetched - s.written >= 2 * FW_FRAME_BYTES) return;
    const offset = s.fetched;
    const len = Math.min(FW_FRAME_BYTES, s.len - offset);
    s.fetching = true;
    fw.conv.request(s.ua, 'RequestFirmwareData', { offset, len }, fw.config.dataRequest, (r) => {
      if (this.#session !== s) return;
      s.fetching = false;
      const data = r?.fields.data;
      if (!r || r.cc !== CompletionCode.Success || !(data instanceof Uint8Array) || data.length !== len) return this.fw.spawn(this.#giveUp(s, !r));
      this.#moved();
      s.fetched = offset + len;
      const pages = programPages(offset, data);
      let failed = false;
      pages.forEach((p, i) => fw.flash.add(p, (err) => {
        failed ||= err !== FlashErr.None;
        if (i < pages.length - 1 || this.#session !== s) return;
        if (failed) return this.fw.spawn(this.#giveUp(s, false));
        s.written = offset + len;
        this.#fetch(s);
      }));
      this.#fetch(s);
    });
  }

  async #transferred(s: Session): Promise<void> {
    const fw = this.fw;
    s.stage = 'transferred';
    this.#moved();
    await fw.ports.ctrl.write(CTRL.PATH_EN, CELL_CTRL_PATH_EN.VC0.mask);
    fw.conv.request(s.ua, 'TransferComplete', { result: 0 }, fw.config.request, () => {
      if (this.#session !== s) return;
      s.stage = 'verifying';
      const started = fw.check('verify', (c) => this.#verified(s, c.status === ImageStatus.Valid && c.version === s.version && c.crc === s.crc && c.len === s.len, c));
      if (!started) fw.timer(fw.now() + fw.config.request.timeout, () => this.#transferred(s));
    });
  }

  #verified(s: Session, ok: boolean, c: { status: ImageStatus; version: number; crc: number; len: number }): void {
    const fw = this.fw;
    if (this.#session !== s) return;
    this.#moved();
    fw.conv.request(s.ua, 'VerifyComplete', { result: ok ? 0 : 1 }, fw.config.request, () => {
      if (!ok || this.#session !== s) return;
      s.stage = 'applied';
      fw.conv.request(s.ua, 'ApplyComplete', { result: 0 }, fw.config.request, () => {});
    });
    if (ok) return;
    // The image that came is not the one offered: never activated; that source is not asked again for it.
    fw.bad.add(`${s.ua}:${s.version}:${s.crc}`);
    fw.image = c;
    this.#end(undefined);
    fw.announce();
    fw.evaluate();
  }

  /** The update cell stopped answering (or the transfer failed here): keep what was written, ask another. */
  async #giveUp(s: Session, dead: boolean): Promise<void> {
    if (this.#session !== s) return;
    if (dead) this.fw.dead.add(s.ua);
    if (s.stage === 'hsi') {
      const w = (await this.fw.ports.dma.read(DMA.RX_WRITTEN)).data;
      s.written = w - (w % FW_FRAME_BYTES);
    }
    await this.#disarm();
    this.#end(this.#resumable());
    this.fw.announce();
    this.fw.evaluate();
  }

  async #disarm(): Promise<void> {
    await this.fw.ports.dma.write(DMA.CTRL, FW_DMA_CTRL.RX_DISARM.mask);
    await this.fw.ports.ctrl.write(CTRL.PATH_EN, CELL_CTRL_PATH_EN.VC0.mask);
  }

  #resumable(): Partial | undefined {
    const s = this.#session;
    return s && s.written > 0 ? { version: s.version, crc: s.crc, len: s.len, written: s.written } : this.#partial;
  }

  #end(partial: Partial | undefined): void {
    this.fw.conv.forget(this.#session?.ua ?? -1);
    this.#session = undefined;
    this.#partial = partial;
    this.#askedUntil = 0;
  }

  #moved(): void {
    const s = this.#session;
    if (s) s.progressAt = this.fw.now();
  }

  /** A watchdog per session: frames that stop for frameStall on the HSI = the management path; no progress for stallTimeout otherwise = the update cell died. */
  #watch(): void {
    const fw = this.fw;
    const s = this.#session!;
    const tick = async (): Promise<void> => {
      if (this.#session !== s) return;
      if (s.stage === 'hsi') {
        const w = (await fw.ports.dma.read(DMA.RX_WRITTEN)).data;
        if (w !== s.progress) {
          s.progress = w;
          this.#moved();
        }
      }
      // Frames flowing: frameStall. Before the first one the send waits for every target's erase.
      const flowing = s.stage === 'hsi' && s.progress > s.written;
      const limit = flowing ? fw.config.frameStall : fw.config.stallTimeout + (s.stage === 'acked' || s.stage === 'preparing' || s.stage === 'hsi' ? eraseCycles(fw.config, s.len) : 0);
      if (fw.now() - s.progressAt > limit) {
        if (s.stage !== 'hsi') return this.#giveUp(s, true);
        this.#moved();
        await this.#toMgmt(s);
      }
      fw.timer(fw.now() + (fw.config.frameStall >> 2), tick);
    };
    fw.timer(fw.now() + (fw.config.frameStall >> 2), tick);
  }
}
