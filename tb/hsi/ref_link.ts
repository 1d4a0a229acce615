// A reference link in TypeScript: two endpoints following the rules of rtl/hsi/README.md ("The
// link layer") cycle by cycle, writing each one's lane as 66-bit blocks (models/hsi/frame.ts),
// IDLE where nothing is sent. It is what the protocol checker is tested on before (and besides)
// the RTL: driven through hsi_scrambler into the taps of tb/hsi/hdl/hsi_tap_tb.sv, or decoded
// directly. Faults are by transmission: a frame the far end takes as corrupt (it NAKs), and
// control blocks the far end never sees (a lost ACK makes the timer expire, a lost FC waits for
// the refresh).
import { ackBlock, fcBlock, frameBlocks, IDLE_BLOCK, nakBlock } from '../../models/hsi/frame.js';
import { CREDIT_BITS, REPLAY_LIMIT, SEQ_BITS, VCS, type Vc } from '../../models/hsi/hsi_pkg.js';

const SEQ_MOD = 1 << SEQ_BITS;
const CREDIT_MOD = 1 << CREDIT_BITS;

/** A frame to send: its vc and payload. */
export interface RefFrame {
  readonly vc: Vc;
  readonly payload: Uint8Array;
}

/** Options of {@link refLink}. */
export interface RefLinkOptions {
  /** Frames A sends to B, and B to A, in order per endpoint. */
  readonly ab: readonly RefFrame[];
  /** @defaultValue none */
  readonly ba?: readonly RefFrame[];
  /** Cycles from a block on one lane to the far end acting on it. @defaultValue 12 */
  readonly latency?: number;
  /** @defaultValue 256 */
  readonly replayTimeout?: number;
  /** Receive buffers per vc (credits granted beyond frames delivered). @defaultValue 4 */
  readonly buffers?: number;
  /** FC refresh period. @defaultValue 200 */
  readonly fcPeriod?: number;
  /** Transmissions (0 = the first frame an endpoint sends, replays counted) the far end takes as corrupt, per sender. */
  readonly corrupt?: { readonly a?: readonly number[]; readonly b?: readonly number[] };
  /** Control blocks (0 = the first ACK/NAK/FC an endpoint sends) the far end never sees, per sender. */
  readonly lostControl?: { readonly a?: readonly number[]; readonly b?: readonly number[] };
  /** Stop after this many cycles at most. @defaultValue 200000 */
  readonly maxCycles?: number;
}

/** What {@link refLink} produced: each endpoint's lane, block per cycle, and what arrived. */
export interface RefLinkResult {
  readonly laneA: bigint[];
  readonly laneB: bigint[];
  /** Payloads delivered at B (from A) and at A (from B), in order. */
  readonly deliveredB: Uint8Array[];
  readonly deliveredA: Uint8Array[];
  readonly replays: number;
  readonly naks: number;
  readonly timeouts: number;
}

type Arrival = { kind: 'frame'; seq: number; vc: number; payload: Uint8Array; bad: boolean } | { kind: 'ack' | 'nak'; seq: number } | { kind: 'fc'; vc: number; credits: number; init: boolean };

class Endpoint {
  lane: bigint[] = [];
  /** What the peer receives, by the cycle it acts on it. */
  readonly out = new Map<number, Arrival[]>();
  readonly delivered: Uint8Array[] = [];
  replays = 0;
  naks = 0;
  timeouts = 0;
  private busyUntil = 0;
  private transmissions = 0;
  private controls = 0;
  // Transmitter.
  private next = 0;
  private nextSeq = 0;
  private acked = SEQ_MOD - 1;
  private replayAt = -1;
  private timerAt = 0;
  private noProgress = 0;
  private readonly sentFrames: RefFrame[] = [];
  private readonly limit: (number | undefined)[] = Array<number | undefined>(VCS).fill(undefined);
  private readonly sentOn = Array<number>(VCS).fill(0);
  // Receiver.
  private expected = 0;
  private nakScheduled = false;
  private ackPending = false;
  private nakPending = false;
  private readonly grant: number[];
  private readonly fcSent: number[] = Array<number>(VCS).fill(-1);
  private fcNext = 0;
  private lastRefresh = 0;
  private lastFc = -16;
  private seenFc = Array<boolean>(VCS).fill(false);
  private seenNonInit = false;

  constructor(private readonly frames: readonly RefFrame[], private readonly o: Required<Omit<RefLinkOptions, 'ab' | 'ba' | 'corrupt' | 'lostControl'>>, private readonly corrupt: ReadonlySet<number>, private readonly lost: ReadonlySet<number>, private readonly src: number) {
    this.grant = Array<number>(VCS).fill(o.buffers);
  }

  get done(): boolean {
    return this.next === this.frames.length && this.outstanding() === 0 && this.replayAt < 0;
  }

  private outstanding(): number {
    return (this.nextSeq - this.acked - 1 + SEQ_MOD) % SEQ_MOD;
  }

  private get up(): boolean {
    return this.seenFc.every(Boolean) && this.seenNonInit;
  }

  /** The peer's blocks that act on this endpoint now. */
  receive(arrivals: readonly Arrival[], t: number): void {
    for (const a of arrivals) {
      if (a.kind === 'fc') {
        this.seenFc[a.vc] = true;
        if (!a.init) this.seenNonInit = true;
        this.limit[a.vc] = a.credits;
      } else if (a.kind === 'frame') {
        this.frameIn(a);
      } else {
        const moved = (a.seq - this.acked + SEQ_MOD) % SEQ_MOD;
        if (moved > this.outstanding()) continue;  // stale
        if (moved > 0) {
          this.acked = a.seq;
          this.timerAt = t;
          this.noProgress = 0;
          // A replay overtaken by the ACK goes on from the oldest frame still unacknowledged.
          if (this.replayAt >= 0 && (this.replayAt - this.acked - 1 + SEQ_MOD) % SEQ_MOD >= this.outstanding()) this.replayAt = this.outstanding() ? (this.acked + 1) % SEQ_MOD : -1;
        }
        if (a.kind === 'nak') this.startReplay(t);
      }
    }
  }

  private frameIn(f: { seq: number; vc: number; payload: Uint8Array; bad: boolean }): void {
    const error = (): void => {
      if (!this.nakScheduled) {
        this.nakScheduled = true;
        this.nakPending = true;
      }
    };
    if (f.bad) return error();
    if (f.seq === this.expected) {
      this.delivered.push(f.payload);
      this.expected = (this.expected + 1) % SEQ_MOD;
      this.nakScheduled = false;
      this.ackPending = true;
      this.grant[f.vc] = (this.grant[f.vc]! + 1) % CREDIT_MOD;
    } else if ((this.expected - f.seq + SEQ_MOD) % SEQ_MOD < SEQ_MOD / 2) {
      this.ackPending = true;  // a duplicate
    } else {
      error();
    }
  }

  private startReplay(t: number): void {
    if (this.outstanding() === 0) return;
    if (this.noProgress >= REPLAY_LIMIT) throw new Error(`reference link: endpoint ${this.src} would go down (replay budget)`);
    this.noProgress++;
    this.replays++;
    this.replayAt = (this.acked + 1) % SEQ_MOD;
    this.timerAt = t;
  }

  /** Sends one block, or a whole frame, when the lane is free at `t`. */
  send(t: number): void {
    if (t < this.busyUntil) return;
    if (this.outstanding() && t - this.timerAt >= this.o.replayTimeout) {
      this.timeouts++;
      this.startReplay(t);
    }
    const training = !this.up;
    const fcDue = training ? t - this.lastFc >= 16 : (t - this.lastRefresh >= this.o.fcPeriod || this.grant.some((g, v) => g !== this.fcSent[v]));
    if (this.nakPending) {
      this.nakPending = this.ackPending = false;
      this.naks++;
      return this.control(nakBlock((this.expected + SEQ_MOD - 1) % SEQ_MOD), { kind: 'nak', seq: (this.expected + SEQ_MOD - 1) % SEQ_MOD }, t);
    }
    if (this.ackPending) {
      this.ackPending = false;
      return this.control(ackBlock((this.expected + SEQ_MOD - 1) % SEQ_MOD), { kind: 'ack', seq: (this.expected + SEQ_MOD - 1) % SEQ_MOD }, t);
    }
    if (fcDue) {
      const vc = this.fcNext;
      this.fcNext = (vc + 1) % VCS;
      if (!training && vc === VCS - 1) this.lastRefresh = t;
      this.fcSent[vc] = this.grant[vc]!;
      this.lastFc = t;
      const init = !this.seenFc.every(Boolean);
      return this.control(fcBlock(vc as Vc, this.grant[vc]!, init), { kind: 'fc', vc, credits: this.grant[vc]!, init }, t);
    }
    if (this.replayAt >= 0) {
      const seq = this.replayAt;
      this.replayAt = (seq + 1) % SEQ_MOD === this.nextSeq ? -1 : (seq + 1) % SEQ_MOD;
      return this.frame(this.sentFrames[seq]!, seq, t);
    }
    const f = this.frames[this.next];
    if (!training && f) {
      const lim = this.limit[f.vc];
      const avail = lim === undefined ? 0 : (lim - this.sentOn[f.vc]! + CREDIT_MOD) % CREDIT_MOD;
      if (avail >= 1 && avail < CREDIT_MOD / 2 && this.outstanding() < SEQ_MOD / 2 - 1) {
        this.next++;
        this.sentOn[f.vc] = (this.sentOn[f.vc]! + 1) % CREDIT_MOD;
        const seq = this.nextSeq;
        if (this.outstanding() === 0) this.timerAt = t;
        this.nextSeq = (seq + 1) % SEQ_MOD;
        this.sentFrames[seq] = f;
        return this.frame(f, seq, t);
      }
    }
    this.put([IDLE_BLOCK], t);
  }

  private put(blocks: readonly bigint[], t: number): void {
    while (this.lane.length < t) this.lane.push(IDLE_BLOCK);
    this.lane.push(...blocks);
    this.busyUntil = t + blocks.length;
  }

  private arrive(at: number, a: Arrival): void {
    const list = this.out.get(at) ?? [];
    list.push(a);
    this.out.set(at, list);
  }

  private control(block: bigint, a: Arrival, t: number): void {
    if (!this.lost.has(this.controls++)) this.arrive(t + this.o.latency, a);
    this.put([block], t);
  }

  private frame(f: RefFrame, seq: number, t: number): void {
    const blocks = frameBlocks({ dst: this.src ^ 1, src: this.src, vc: f.vc, seq, payload: f.payload });
    this.arrive(t + blocks.length - 1 + this.o.latency, { kind: 'frame', seq, vc: f.vc, payload: f.payload, bad: this.corrupt.has(this.transmissions++) });
    this.put(blocks, t);
  }
}

/** Runs the reference link until both endpoints sent and got acknowledged every frame. */
export function refLink(options: RefLinkOptions): RefLinkResult {
  const o = { latency: options.latency ?? 12, replayTimeout: options.replayTimeout ?? 256, buffers: options.buffers ?? 4, fcPeriod: options.fcPeriod ?? 200, maxCycles: options.maxCycles ?? 200000 };
  const a = new Endpoint(options.ab, o, new Set(options.corrupt?.a), new Set(options.lostControl?.a), 0);
  const b = new Endpoint(options.ba ?? [], o, new Set(options.corrupt?.b), new Set(options.lostControl?.b), 1);
  let t = 0;
  // Run on a little after the last acknowledgement so the final ACKs and FCs are on the lanes.
  let quiet = -1;
  for (; t < o.maxCycles; t++) {
    a.receive(b.out.get(t) ?? [], t);
    b.receive(a.out.get(t) ?? [], t);
    b.out.delete(t);
    a.out.delete(t);
    a.send(t);
    b.send(t);
    if (a.done && b.done) {
      if (quiet < 0) quiet = t;
      if (t - quiet > 2 * o.latency + 8) break;
    } else quiet = -1;
  }
  if (t === o.maxCycles) throw new Error(`reference link: not done after ${o.maxCycles} cycles`);
  const len = Math.max(a.lane.length, b.lane.length);
  for (const e of [a, b]) while (e.lane.length < len) e.lane.push(IDLE_BLOCK);
  return { laneA: a.lane, laneB: b.lane, deliveredB: b.delivered, deliveredA: a.delivered, replays: a.replays + b.replays, naks: a.naks + b.naks, timeouts: a.timeouts + b.timeouts };
}
