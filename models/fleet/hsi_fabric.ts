/**
 * The HSI of the fleet at frame level: each cell's lane to the crossbar, vc 1 firmware frames
 * with credits (one receive buffer each, RX_BUFFERS per receiver), costs from the 64/66 bound (a
 * frame of P payload bytes is ceil(P/8) + 2 blocks, one block per cycle, per hop), cuts and bit
 * errors as events: a frame hit by an error is replayed (go-back-N: the replay timer and the
 * frame again), a cut lane reports down after four replays without progress, and the crossbar
 * drops a frame for a cell whose lane is down. A monitor sees every frame the crossbar passes or
 * drops (a passive observer of the lanes).
 */
import type { Scheduler } from '../cell/scheduler.js';
import { Rng } from '../common/rng.js';

/** Receive buffers (credits) per receiver on vc 1. */
export const RX_BUFFERS = 2;
/** Cycles of the link's replay timer. */
export const REPLAY_TIMER_CYCLES = 1024;
/** Replays without progress before a link reports down. */
export const REPLAYS_TO_DOWN = 4;

/** Cycles from a restart (or a lane back) to link-up: block lock's 64 good headers and the InitFC exchange. */
export const TRAIN_CYCLES = 200;

/** Blocks (cycles) one frame of `payloadBytes` takes on a lane. */
export const frameBlocks = (payloadBytes: number): number => Math.ceil(payloadBytes / 8) + 2;

/** One frame as the crossbar saw it. */
export interface HsiFrame {
  readonly time: number;
  readonly src: number;
  readonly dst: number;
  readonly vc: number;
  /** The image offset the firmware payload carries. */
  readonly offset: number;
  readonly bytes: number;
  /** Delivered to the receiver's buffer, or dropped by the crossbar (its lane down, or the cell off). */
  readonly fate: 'delivered' | 'dropped';
}

/** What the fabric asks of the fleet. */
export interface FabricCells {
  /** The receiver's DMA (undefined while the cell is off). */
  receive(dst: number): ((src: number, payload: Uint8Array, free: () => void) => void) | undefined;
  /** Tells a cell its lane's state. */
  setLink(cell: number, up: boolean): void;
}

interface Waiting {
  readonly src: number;
  readonly payload: Uint8Array;
  readonly accepted: () => void;
  cancelled: boolean;
}

/** The crossbar and the lanes. */
export class HsiFabric {
  readonly frames: HsiFrame[] = [];
  readonly #credits: number[];
  readonly #waiting: Waiting[][];
  readonly #laneFree: number[];
  readonly #up: boolean[];
  /** Lanes cut and not yet reported down: frames to or from them wait (the replays of a short cut). */
  readonly #cut: boolean[];
  /** Lanes that carry nothing (cut, reported down, not yet restored). */
  readonly #dark: boolean[];
  /** The cell's link trains (after reset, or a restart out of Down): it comes up once its lane works. */
  readonly #training: boolean[];
  /** Frames held by a short cut, with their dst, in order. */
  readonly #stalled: { readonly w: Waiting; readonly dst: number }[] = [];
  /** Bit-error probability per frame, per lane (a fault window). */
  readonly errorRate: number[];
  readonly #rng: Rng;
  /** Frames replayed after an error (the bench). */
  replays = 0;
  /** A faulty sender: its image payloads leave with one byte wrong (past any CRC: the sender's own fault). */
  faulty = new Set<number>();

  constructor(private readonly q: Scheduler, readonly cells: number, private readonly fleet: FabricCells, seed: number) {
    this.#credits = new Array<number>(cells).fill(RX_BUFFERS);
    this.#waiting = Array.from({ length: cells }, () => []);
    this.#laneFree = new Array<number>(cells).fill(0);
    this.#up = new Array<boolean>(cells).fill(true);
    this.#cut = new Array<boolean>(cells).fill(false);
    this.#dark = new Array<boolean>(cells).fill(false);
    this.#training = new Array<boolean>(cells).fill(false);
    this.errorRate = new Array<number>(cells).fill(0);
    this.#rng = new Rng(seed);
  }

  isUp(cell: number): boolean {
    return this.#up[cell]!;
  }

  /** The sender side of cell `src` (its DMA's {@link FirmwareLink}); `alive` is false once that cell incarnation is gone. */
  linkOf(src: number, alive: () => boolean): { send: (dst: number, payload: Uint8Array, accepted: () => void) => () => void } {
    return {
      send: (dst, payload, accepted) => {
        const w: Waiting = { src, payload, accepted: () => alive() && accepted(), cancelled: false };
        if (!alive()) return () => {};
        this.#offer(dst, w);
        return () => {
          w.cancelled = true;
        };
      },
    };
  }

  #offer(dst: number, w: Waiting): void {
    const now = this.q.now();
    const hop = frameBlocks(w.payload.length);
    const offset = new DataView(w.payload.buffer, w.payload.byteOffset).getUint32(0, true);
    const receive = dst < this.cells ? this.fleet.receive(dst) : undefined;
    if (!this.#up[w.src]) return;  // the sender's own lane is down: nothing leaves; the DMA waits
    if (this.#cut[w.src] || (dst < this.cells && this.#cut[dst] && this.#up[dst])) {
      this.#stalled.push({ w, dst });
      return;
    }
    if (!receive || !this.#up[dst]) {
      // The crossbar drops a frame for an absent cell or a lane that is down, counting it.
      const at = Math.max(now, this.#laneFree[w.src]!) + hop;
      this.#laneFree[w.src] = at;
      this.q.at(at, () => {
        this.frames.push({ time: at, src: w.src, dst, vc: 1, offset, bytes: w.payload.length - 4, fate: 'dropped' });
        w.accepted();
      });
      return;
    }
    if (this.#credits[dst]! === 0) {
      this.#waiting[dst]!.push(w);
      return;
    }
    this.#credits[dst]!--;
    let leave = Math.max(now, this.#laneFree[w.src]!) + hop;
    // A bit error on either hop: NAK, the frame again (go-back-N keeps the order).
    for (const lane of [w.src, dst]) {
      if (this.errorRate[lane]! > 0 && this.#rng.next() / 2 ** 32 < this.errorRate[lane]!) {
        this.replays++;
        leave += REPLAY_TIMER_CYCLES + hop;
      }
    }
    this.#laneFree[w.src] = leave;
    const arrive = leave + hop;
    const payload = this.faulty.has(w.src) && offset > 0 ? corrupt(w.payload) : w.payload;
    this.q.at(leave, () => w.accepted());
    this.q.at(arrive, () => {
      const rx = this.#up[dst] ? this.fleet.receive(dst) : undefined;
      this.frames.push({ time: arrive, src: w.src, dst, vc: 1, offset, bytes: w.payload.length - 4, fate: rx ? 'delivered' : 'dropped' });
      if (!rx) return this.#free(dst);
      rx(w.src, payload, () => this.#free(dst));
    });
  }

  #free(dst: number): void {
    this.#credits[dst] = Math.min(RX_BUFFERS, this.#credits[dst]! + 1);
    const queue = this.#waiting[dst]!;
    while (queue.length && this.#credits[dst]! > 0) {
      const w = queue.shift()!;
      if (!w.cancelled) this.#offer(dst, w);
    }
  }

  /**
   * Cuts cell `cell`'s lane: frames to and from it wait; restored within four replays it resumes
   * them after a replay timer (no loss, no duplicate), else it reports down and the crossbar drops
   * frames for it. Frames already on the wire arrive (they are at most a frame's time early).
   */
  cut(cell: number): void {
    if (!this.#up[cell]) {
      this.#dark[cell] = true;  // a down link's lane cut again: a restart waits for the next restore
      return;
    }
    if (this.#cut[cell]) return;
    this.#cut[cell] = true;
    this.q.at(this.q.now() + REPLAYS_TO_DOWN * REPLAY_TIMER_CYCLES, () => {
      if (!this.#cut[cell]) return;
      this.#cut[cell] = false;
      this.#dark[cell] = true;
      this.#up[cell] = false;
      this.fleet.setLink(cell, false);
      const queue = this.#waiting[cell]!.splice(0);
      this.#credits[cell] = RX_BUFFERS;
      for (const w of queue) if (!w.cancelled) this.#offer(cell, w);
      this.#resume();
    });
  }

  /**
   * The lane works again: a short cut's frames go on after the replay timer; after a down, the
   * link comes up only if its cell restarted it (Down is sticky until CTRL.RESTART).
   */
  restore(cell: number): void {
    if (this.#cut[cell]) {
      this.#cut[cell] = false;
      this.q.at(this.q.now() + REPLAY_TIMER_CYCLES, () => this.#resume());
      return;
    }
    this.#dark[cell] = false;
    this.#train(cell);
  }

  /** Cell `cell` wrote its link's CTRL.RESTART: out of Down, it trains until its lane works. */
  restart(cell: number): void {
    if (this.#up[cell]) return;
    this.#training[cell] = true;
    this.#train(cell);
  }

  /** A training link on a working lane: up after the training time, credits initialised. */
  #train(cell: number): void {
    if (this.#up[cell] || this.#dark[cell] || !this.#training[cell]) return;
    this.q.at(this.q.now() + TRAIN_CYCLES, () => {
      if (this.#up[cell] || this.#dark[cell] || !this.#training[cell]) return;
      this.#training[cell] = false;
      this.#up[cell] = true;
      this.#credits[cell] = RX_BUFFERS;
      this.fleet.setLink(cell, true);
    });
  }

  /** Offers the stalled frames again (in their order): each waits on, leaves, or is dropped. */
  #resume(): void {
    for (const { w, dst } of this.#stalled.splice(0)) if (!w.cancelled) this.#offer(dst, w);
  }

  /** A cell was reset: its buffers are empty again, and its link trains from reset. */
  resetCell(cell: number): void {
    this.restart(cell);
    this.#credits[cell] = RX_BUFFERS;
    const queue = this.#waiting[cell]!.splice(0);
    for (const w of queue) if (!w.cancelled) this.#offer(cell, w);
  }
}

/** One byte of the image data flipped (a faulty peer's DMA). */
function corrupt(payload: Uint8Array): Uint8Array {
  const p = payload.slice();
  p[p.length - 1]! ^= 0x5a;
  return p;
}
