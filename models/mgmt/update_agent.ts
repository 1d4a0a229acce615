/**
 * The update cell's side (the update agent, UA, of DSP0267). It is the lowest EID holding the
 * newest valid image; another cell that receives FW_ERROR_NOTIFY refuses, naming it. It answers
 * FW_ERROR_NOTIFY with CC 0 (claim 27's acknowledgement), and pushes: every errored cell it knows
 * of, gathered over a short window after the announcements, gets a RequestUpdate; those that
 * acknowledge (claim 35) get HSI_LINK_ENABLE, and one DMA send serves them all through its
 * destination mask (from the lowest start offset: a resumed receiver rewrites what it has, which
 * is idempotent). A receiver on the management path pulls RequestFirmwareData and leaves the
 * mask. After ApplyComplete it sends ActivateFirmware.
 */
import { writeOp } from '../common/reg_port.js';
import { CELL_CTRL_OFFSET as CTRL, CELL_CTRL_PATH_EN } from '../cell/cell_ctrl_pkg.js';
import { FW_FRAME_BYTES, Vc } from '../cell/cell_pkg.js';
import { FW_DMA_CTRL, FW_DMA_OFFSET as DMA } from '../cell/fw_dma_pkg.js';
import { ImageStatus } from '../cell/image_check_pkg.js';
import { FlashErr, FlashOp, PAGE_BYTES } from '../flash/spi_flash_pkg.js';
import { eraseCycles } from './config.js';
import type { Reply } from './conversations.js';
import { compareIds, type Firmware } from './firmware.js';
import { eidCell } from './mctp.js';
import { ANNOUNCE_FLAGS, CompletionCode, UpdatePath, type Message } from './messages.js';

type TargetStage = 'requested' | 'acked' | 'hsi' | 'mgmt' | 'verified' | 'done' | 'failed';

interface Session {
  readonly version: number;
  readonly crc: number;
  readonly len: number;
  readonly targets: Map<number, { stage: TargetStage; start: number; heard: number }>;
  dmaStarted: boolean;
  expiry: boolean;
  dmaBusy: boolean;
}

/** One firmware's agent side. */
export class UpdateAgent {
  #session: Session | undefined;
  /** Errored cells to serve in the next session. */
  readonly #wanted = new Set<number>();
  #gathering = false;

  constructor(private readonly fw: Firmware) {}

  /** A send is running: the DMA reads the flash, or a cell pulls chunks over the management bus (each a flash read here). */
  get busy(): boolean {
    const s = this.#session;
    return !!s && (s.dmaBusy || [...s.targets.values()].some((t) => t.stage === 'mgmt'));
  }

  /** Cells that refused this image (a failed check there): not pushed again until they ask. */
  readonly #refused = new Set<string>();
  /** Cells that asked this one (FW_ERROR_NOTIFY acknowledged) and wait for its push. */
  readonly #pulled = new Set<number>();

  /** Whether this cell is the update cell now (for a requester that avoids `avoid`). */
  #isUpdateCell(avoid = 0): boolean {
    const n = this.fw.newest();
    // Only once it has heard every holder at least once (an announcement period after its own).
    return this.fw.listened() && !!n && !this.fw.errored() && this.fw.image?.status === ImageStatus.Valid && this.fw.updateCell(n, avoid) === this.fw.eid;
  }

  /** Push: gathers the errored cells announced, and starts a session after the window. */
  evaluate(): void {
    const fw = this.fw;
    const s = this.#session;
    if (s && fw.errored()) {
      // A newer image than the one being sent exists: this session is cancelled.
      this.#session = undefined;
      return fw.spawn(this.#cancel(s));
    }
    if (!this.#isUpdateCell()) return;
    const mine = fw.image!;
    if (fw.config.push) {
      for (const [eid, p] of fw.peers) {
        const errored = p.status !== ImageStatus.Valid || compareIds(p, mine) < 0;
        if (errored && !(p.flags & ANNOUNCE_FLAGS.UPDATING) && !this.#session?.targets.has(eid) && !this.#refused.has(`${eid}:${mine.version}:${mine.crc}`)) this.#wanted.add(eid);
      }
    }
    if (!this.#wanted.size || this.#session || this.#gathering) return;
    this.#gathering = true;
    fw.timer(fw.now() + fw.config.gatherWindow, () => this.#start());
  }

  async handle(src: number, body: Uint8Array, m: Message): Promise<boolean> {
    const fw = this.fw;
    const reply = (): Reply => fw.conv.reply(src, body, m);
    const t = this.#session?.targets.get(src);
    if (t) t.heard = fw.now();
    switch (m.name) {
      case 'FwErrorNotify': {
        const r = fw.conv.reply(src, body, m);
        const avoid = m.fields.avoid_eid as number;
        // Not yet heard every holder: no answer on who serves yet.
        if (!fw.listened()) return r(CompletionCode.NotReady, { update_eid: 0 }), true;
        if (!this.#isUpdateCell(avoid)) {
          const n = fw.newest();
          const ua = n ? fw.updateCell(n, avoid) : undefined;
          return r(CompletionCode.NotUpdateCell, { update_eid: ua ?? 0 }), true;
        }
        // Claim 27's acknowledgement; the push (RequestUpdate) follows.
        r(CompletionCode.Success, { update_eid: fw.eid });
        this.#refused.delete(`${src}:${fw.image!.version}:${fw.image!.crc}`);
        this.#pulled.add(src);
        // A device asks only outside a session: one past its RequestUpdate gave this session up
        // (its stall watch), so it is served anew, not left acknowledged and waiting forever.
        if (t && t.stage !== 'requested' && t.stage !== 'failed' && t.stage !== 'done') {
          const s = this.#session!;
          if (t.stage === 'hsi') await this.#leaveMask(src);
          t.stage = 'failed';
          fw.spawn(s.dmaStarted ? this.#maybeEnd() : this.#launch(s));
        }
        if (!t || t.stage === 'failed' || t.stage === 'done') {
          this.#wanted.add(src);
          if (!this.#session && !this.#gathering) {
            this.#gathering = true;
            fw.timer(fw.now() + fw.config.gatherWindow, () => this.#start());
          }
        }
        return true;
      }
      case 'RequestFirmwareData': {
        const f = m.fields as { offset: number; len: number };
        const r = fw.conv.reply(src, body, m);
        const s = this.#session;
        if (!s || !t || t.stage === 'failed') return r(CompletionCode.NotInUpdateMode, { data: new Uint8Array(0) }), true;
        if (f.len === 0 || f.len > FW_FRAME_BYTES || f.offset + f.len > s.len) return r(CompletionCode.DataOutOfRange, { data: new Uint8Array(0) }), true;
        if (t.stage === 'hsi') await this.#leaveMask(src);
        const awaited = t.stage === 'requested' || t.stage === 'acked';
        t.stage = 'mgmt';
        // Its answers were lost and it went on over the management bus: the send waits on it no
        // more (else a session whose last answer never came would never start nor end).
        if (awaited) fw.spawn(this.#launch(s));
        this.#read(f.offset, f.len, (data) => r(data ? CompletionCode.Success : CompletionCode.Error, { data: data ?? new Uint8Array(0) }));
        return true;
      }
      case 'TransferComplete':
      case 'ApplyComplete':
        reply()(t ? CompletionCode.Success : CompletionCode.NotInUpdateMode, {});
        if (t && m.name === 'ApplyComplete' && t.stage === 'verified') this.#activate(src);
        return true;
      case 'VerifyComplete':
        reply()(t ? CompletionCode.Success : CompletionCode.NotInUpdateMode, {});
        if (t) t.stage = m.fields.result === 0 ? 'verified' : 'failed';
        if (t && m.fields.result !== 0) this.#refused.add(`${src}:${this.#session!.version}:${this.#session!.crc}`);
        await this.#maybeEnd();
        return true;
      default:
        return false;
    }
  }

  async #start(): Promise<void> {
    const fw = this.fw;
    this.#gathering = false;
    // The update cell serves; another holder serves those that asked it to (avoiding a bad source).
    if (this.#session || !this.#wanted.size || (!this.#isUpdateCell() && ![...this.#wanted].some((e) => this.#pulled.has(e)))) return;
    const img = fw.image!;
    const s: Session = { version: img.version, crc: img.crc, len: img.len, targets: new Map(), dmaStarted: false, dmaBusy: false, expiry: false };
    this.#session = s;
    const targets = [...this.#wanted].sort((a, b) => a - b);
    this.#wanted.clear();
    this.#pulled.clear();
    const path = fw.linkUp ? UpdatePath.Hsi : UpdatePath.Mgmt;
    for (const eid of targets) {
      s.targets.set(eid, { stage: 'requested', start: 0, heard: fw.now() });
      fw.conv.request(eid, 'RequestUpdate', { fw_version: s.version, image_len: s.len, body_crc32: s.crc, path }, fw.config.request, (r) => {
        const t = s.targets.get(eid)!;
        if (this.#session !== s || t.stage !== 'requested') return;
        if (r?.cc !== CompletionCode.Success) {
          if (r?.cc === CompletionCode.InvalidData) this.#refused.add(`${eid}:${s.version}:${s.crc}`);
          t.stage = 'failed';
          return this.fw.spawn(this.#launch(s));
        }
        // Claim 35's acknowledgement came: now, and only now, the HSI path.
        t.stage = 'acked';
        const erase = eraseCycles(fw.config, s.len);
        fw.conv.request(eid, 'HsiLinkEnable', { vc: Vc.Firmware }, { ...fw.config.request, timeout: fw.config.request.timeout + erase }, (e) => {
          if (this.#session !== s || t.stage !== 'acked') return;
          if (e?.cc === CompletionCode.Success) {
            t.stage = 'hsi';
            t.start = e.fields.start_offset as number;
          } else t.stage = e?.cc === CompletionCode.HsiDown ? 'mgmt' : 'failed';
          this.fw.spawn(this.#launch(s));
        });
      });
    }
  }

  /** Once every target answered HSI_LINK_ENABLE: one DMA send to all on the HSI path. */
  async #launch(s: Session): Promise<void> {
    const fw = this.fw;
    const ts = [...s.targets.entries()];
    if (s.dmaStarted || ts.some(([, t]) => t.stage === 'requested' || t.stage === 'acked')) return;
    const hsi = ts.filter(([, t]) => t.stage === 'hsi');
    if (!hsi.length) return this.#maybeEnd();
    s.dmaStarted = true;
    // This cell's own link went down since the requests: no frame would leave; the targets' stall
    // watch takes them to the management path.
    if (!fw.linkUp) return;
    s.dmaBusy = true;
    const mask = hsi.reduce((m, [eid]) => m | (1 << eidCell(eid)!), 0);
    const start = Math.min(...hsi.map(([, t]) => t.start));
    await fw.ports.ctrl.write(CTRL.PATH_EN, CELL_CTRL_PATH_EN.VC0.mask | CELL_CTRL_PATH_EN.VC1.mask);
    await fw.ports.dma.batch([writeOp(DMA.TX_MASK, mask), writeOp(DMA.TX_START, start - (start % FW_FRAME_BYTES)), writeOp(DMA.TX_LEN, s.len), writeOp(DMA.CTRL, FW_DMA_CTRL.TX_GO.mask)]);
  }

  async txDone(): Promise<void> {
    const s = this.#session;
    if (!s) return;
    s.dmaBusy = false;
    await this.fw.ports.ctrl.write(CTRL.PATH_EN, CELL_CTRL_PATH_EN.VC0.mask);
    await this.#maybeEnd();
  }

  /** This cell's link reported down: a running send can never finish; its targets go on over the management bus. */
  async linkDown(): Promise<void> {
    const s = this.#session;
    if (!s?.dmaBusy) return;
    await this.#stopSend(s);
    await this.#maybeEnd();
  }

  async #stopSend(s: Session): Promise<void> {
    s.dmaBusy = false;
    await this.fw.ports.dma.write(DMA.CTRL, FW_DMA_CTRL.TX_ABORT.mask);
    await this.fw.ports.ctrl.write(CTRL.PATH_EN, CELL_CTRL_PATH_EN.VC0.mask);
  }

  async #leaveMask(eid: number): Promise<void> {
    const mask = (await this.fw.ports.dma.read(DMA.TX_MASK)).data & ~(1 << eidCell(eid)!);
    await this.fw.ports.dma.write(DMA.TX_MASK, mask);
  }

  /** `len` bytes from `offset` through the flash CSRs, a page at a time (the RX FIFO's depth). */
  #read(offset: number, len: number, done: (data: Uint8Array | undefined) => void): void {
    const out = new Uint8Array(len);
    let failed = false;
    const n = Math.ceil(len / PAGE_BYTES);
    for (let i = 0; i < n; i++) {
      const at = i * PAGE_BYTES;
      const l = Math.min(PAGE_BYTES, len - at);
      this.fw.flash.add({ op: FlashOp.Read, addr: offset + at, len: l }, (err, data) => {
        failed ||= err !== FlashErr.None;
        out.set(data.subarray(0, l), at);
        if (i === n - 1) done(failed ? undefined : out);
      });
    }
  }

  #activate(eid: number): void {
    const fw = this.fw;
    const s = this.#session!;
    fw.conv.request(eid, 'ActivateFirmware', {}, fw.config.request, (r) => {
      const t = s.targets.get(eid);
      if (t) t.stage = r?.cc === CompletionCode.Success ? 'done' : 'failed';
      this.fw.spawn(this.#maybeEnd());
    });
  }

  /** Stops the send and sends CancelUpdate to every target still in the session. */
  async #cancel(s: Session): Promise<void> {
    const fw = this.fw;
    this.#wanted.clear();
    if (s.dmaBusy) await this.#stopSend(s);
    for (const [eid, t] of s.targets) {
      if (t.stage === 'done' || t.stage === 'failed') continue;
      t.stage = 'failed';
      fw.conv.request(eid, 'CancelUpdate', {}, fw.config.request, () => {});
    }
  }

  /** The session ends when no target is left in flight and the send is over. */
  async #maybeEnd(): Promise<void> {
    const s = this.#session;
    if (!s || s.dmaBusy) return;
    if ([...s.targets.values()].some((t) => t.stage !== 'done' && t.stage !== 'failed')) {
      // A target that went quiet must not hold the session forever.
      if (!s.expiry) {
        s.expiry = true;
        this.fw.timer(this.fw.now() + this.fw.config.stallTimeout, () => this.#expire(s));
      }
      return;
    }
    this.#session = undefined;
    this.fw.evaluate();
  }

  #expire(s: Session): void {
    if (this.#session !== s) return;
    s.expiry = false;
    const now = this.fw.now();
    for (const [eid, t] of s.targets) {
      if (t.stage !== 'done' && !this.fw.conv.waitingOn(eid) && now - t.heard > this.fw.config.stallTimeout) t.stage = 'failed';
    }
    this.fw.spawn(this.#maybeEnd());
  }
}
