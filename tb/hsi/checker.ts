// The HSI link's protocol checker: both lanes of one link, each seen by a tap at its transmitter
// (tb/hdl/hsi_tap.sv, tb/hsi/tap.ts), so a NAK on one lane explains a replay on the other. Per
// direction (endpoint T sends frames on its lane; its peer R answers with ACK, NAK and FC on
// the other) it holds the rules of rtl/hsi/README.md ("The link layer: the rules a checker can
// rely on"):
// - every block well formed (models/hsi/frame.ts's decoder: sync headers, types, reserved bits,
//   CRC-16 of control blocks, SOF / ceil(len/8) data blocks / EOF with the count of len, zero
//   padding, CRC-32, control blocks only between frames);
// - new frames carry consecutive sequence numbers from 0 at each link-up, at most 2047 unacked;
// - a frame sent again is a replay: bit-identical to its first sending (header and CRC), in
//   order, from NAK seq + 1 after a NAK or from the oldest unacknowledged frame after a replay
//   timer expiry (no sooner than `replayTimeout` cycles after the last progress or replay
//   start), and new frames come only after the replay's last frame;
// - ACK and NAK name only frames T has finished sending and never go back; a second NAK needs a
//   good in-order frame in between (its seq moves on);
// - FC counters never go back and never grant more than `buffers` beyond the frames T sent on
//   the vc; a new frame needs a credit ((limit - sent) mod 4096 in 1..2047); replays take none.
// Timing: a peer's block at tap edge c reaches T at c + `latency` at the earliest, or never (a
// channel may corrupt it): the checker explains T's actions only by what T could have seen, and
// `slack` cycles of the replay timer allow for where in its pipeline T starts and stops it.
// Link-ups: the first after reset, and each time a lane shows an FC with init set after frames
// or a run of zeros (an endpoint in Down or Disabled sends zeros): both directions then start
// again from seq 0 with no credit. When the zeros cost a tap its lock, the endpoint's restart
// shows as the tap locking again, 64 blocks or more into the new link-up: both directions start
// again then, resynchronized on the first frame seen, with credits unjudged in that link-up.
import type { ControlBlock, DecodedFrame } from '../../models/hsi/frame.js';
import { BlockType, CREDIT_BITS, SEQ_BITS, VCS } from '../../models/hsi/hsi_pkg.js';
import type { LaneDecoder, LaneEvent } from './tap.js';

const SEQ_MOD = 1 << SEQ_BITS;
const CREDIT_MOD = 1 << CREDIT_BITS;
/** How far `a` is after `b`, modulo the sequence space. */
const after = (a: number, b: number): number => (a - b + SEQ_MOD) % SEQ_MOD;
const inc = (s: number): number => (s + 1) % SEQ_MOD;

/** Options of a {@link LinkChecker}. */
export interface LinkCheckerOptions {
  /** Cycles at least from a block at one tap to its effect at the far endpoint. @defaultValue 1 */
  readonly latency?: number;
  /** Cycles by which a replay may come before the timer measured at the taps. @defaultValue 16 */
  readonly slack?: number;
  /** The replay timer T (hsi_link's ReplayTimeout). @defaultValue 1024 */
  readonly replayTimeout?: number;
  /** Receive buffers per vc (hsi_link's RxBuffers): the most a receiver grants beyond frames sent. @defaultValue 4 */
  readonly buffers?: number;
  /** Violations kept (all are counted). @defaultValue 50 */
  readonly keep?: number;
}

/** What the checker saw in one direction, for coverage and the bench. */
export interface DirectionStats {
  framesNew: number;
  framesReplayed: number;
  /** Replays started, by cause. */
  nakReplays: number;
  timerReplays: number;
  acks: number;
  naks: number;
  fcs: number;
  /** Payload bytes of new frames, per vc. */
  readonly bytesNew: number[];
  /** Sizes of new frames, with counts. */
  readonly sizes: Map<number, number>;
  /** Per vc: the transmitter used its last credit at least once. */
  readonly exhausted: boolean[];
}

interface Sent {
  readonly frame: DecodedFrame;
  readonly firstSof: number;
  readonly eof: number;
}

type Fail = (msg: string, cycle: number) => void;

/** One direction: T's frames against R's answers. */
class Direction {
  readonly stats: DirectionStats = {
    framesNew: 0, framesReplayed: 0, nakReplays: 0, timerReplays: 0, acks: 0, naks: 0, fcs: 0,
    bytesNew: Array<number>(VCS).fill(0), sizes: new Map(), exhausted: Array<boolean>(VCS).fill(false),
  };
  /** A frame went out since the last link-up. */
  framesSent = false;
  /**
   * The tap was hunting for lock while this link-up began (the endpoint restarted out of a
   * silence long enough to cost the tap its lock): what went by unseen is unknown, so the first
   * frame seen sets the sequence, ACKs and NAKs before it are not judged, and credits are not.
   */
  private blind = false;
  private synced = true;
  private sent: (Sent | undefined)[] = [];
  private nextSeq = 0;
  /** Acknowledged up to, by the last ACK or NAK R sent (T may have lost some). */
  private acked = SEQ_MOD - 1;
  /** Seq -> when R's first ACK or NAK naming it could have reached T (since that seq was sent). */
  private readonly namedAt = new Map<number, number>();
  private replayStartAt = -Infinity;
  private lastNak = -1;
  private pendingNak = -1;
  private pendingNakAt = 0;
  private replayNext = -1;
  private limit: (number | undefined)[] = [];
  private consumed: number[] = [];

  constructor(private readonly name: string, private readonly o: Required<LinkCheckerOptions>, private readonly fail: Fail) {
    this.reset(0);
  }

  reset(cycle: number, blind = false): void {
    this.blind = blind;
    this.synced = !blind;
    this.sent = Array<Sent | undefined>(SEQ_MOD).fill(undefined);
    this.nextSeq = 0;
    this.acked = SEQ_MOD - 1;
    this.namedAt.clear();
    this.namedAt.set(SEQ_MOD - 1, cycle);
    this.replayStartAt = -Infinity;
    this.lastNak = this.pendingNak = this.replayNext = -1;
    this.limit = Array<number | undefined>(VCS).fill(undefined);
    this.consumed = Array<number>(VCS).fill(0);
    this.framesSent = false;
  }

  /** Frames sent and not acknowledged (early view). */
  private outstanding(): number {
    return after(this.nextSeq, inc(this.acked));
  }

  /** T's frame: decided at its SOF, finished at its EOF. */
  frame(f: DecodedFrame, sof: number, eof: number): void {
    const what = `${this.name} frame seq ${f.seq} (vc ${f.vc}, ${f.len} bytes)`;
    if (!f.crcOk) this.fail(`${what}: its EOF CRC 0x${f.crc.toString(16)} is not the CRC of the frame sent`, eof);
    if (f.vc >= VCS) return this.fail(`${what}: no such vc`, sof);
    const s = f.seq;
    if (!this.synced) {
      this.synced = true;
      this.nextSeq = s;
      this.acked = (s + SEQ_MOD - 1) % SEQ_MOD;
      this.namedAt.set(this.acked, sof);
    }
    if (this.replayNext >= 0) {
      // The replay goes on at replayNext (T may not have had the ACKs the checker saw), or at
      // the oldest frame still unacknowledged when ACKs overtook it.
      const n = this.outstanding();
      const oldest = inc(this.acked);
      if (s === this.replayNext || (n > 0 && s === oldest && after(this.replayNext, oldest) >= n)) return this.replay(f, sof, what);
    }
    if (s === this.nextSeq) {
      if (this.replayNext >= 0 && this.outstanding() > 0) this.fail(`${what}: a new frame while the replay from seq ${this.replayNext} on is unfinished (acked up to ${this.acked})`, sof);
      this.replayNext = -1;
      return this.newFrame(f, sof, eof, what);
    }
    const first = this.sent[s];
    if (!first || after(this.nextSeq, s) > SEQ_MOD / 2) return this.fail(`${what}: out of order, the next new frame is seq ${this.nextSeq} (acked up to ${this.acked})`, sof);
    // A replay starts: after a NAK at its seq + 1; after a timer expiry at T's oldest
    // unacknowledged frame, which is one after some ACK or NAK R sent (T may have lost later
    // ones). T's timer ran from its progress to that ACK (at the earliest when R's first ACK or
    // NAK naming s - 1 reached it), from frame s's first sending, or from the last replay start.
    const prev = (s + SEQ_MOD - 1) % SEQ_MOD;
    const named = this.namedAt.get(prev);
    const from = Math.max(named ?? Infinity, first.firstSof, this.replayStartAt);
    // The replay restarts the timer when T decides it, maybe a frame before its SOF: at the
    // NAK's arrival, or at the expiry.
    if (this.pendingNak >= 0 && s === inc(this.pendingNak)) {
      this.stats.nakReplays++;
      this.replayStartAt = this.pendingNakAt;
    } else if (named !== undefined && sof - from + this.o.slack >= this.o.replayTimeout) {
      this.stats.timerReplays++;
      this.replayStartAt = from + this.o.replayTimeout - this.o.slack;
    } else {
      return this.fail(`${what}: replayed without a NAK for seq ${prev} or a timer expiry (${named === undefined ? `no ACK or NAK named seq ${prev}` : `${sof - from} cycles since progress, timer ${this.o.replayTimeout}`}; acked up to ${this.acked}, next new ${this.nextSeq})`, sof);
    }
    this.pendingNak = -1;
    this.replay(f, sof, what);
  }

  private replay(f: DecodedFrame, sof: number, what: string): void {
    this.stats.framesReplayed++;
    this.replayNext = inc(f.seq);
    if (this.replayNext === this.nextSeq) this.replayNext = -1;
    const first = this.sent[f.seq];
    if (!first) return this.fail(`${what}: replays a frame never sent`, sof);
    const o = first.frame;
    if (o.crc !== f.crc || o.len !== f.len || o.vc !== f.vc || o.dst !== f.dst || o.src !== f.src || o.ftype !== f.ftype) {
      this.fail(`${what}: the replay differs from the frame first sent at edge ${first.firstSof} (CRC 0x${o.crc.toString(16)} / 0x${f.crc.toString(16)}, len ${o.len} / ${f.len}, vc ${o.vc} / ${f.vc}, dst ${o.dst} / ${f.dst})`, sof);
    }
  }

  private newFrame(f: DecodedFrame, sof: number, eof: number, what: string): void {
    const n = this.outstanding();
    if (n >= SEQ_MOD / 2 - 1) this.fail(`${what}: ${n} frames already unacknowledged (at most ${SEQ_MOD / 2 - 1})`, sof);
    const vc = f.vc as number;
    const limit = this.limit[vc];
    const avail = limit === undefined ? 0 : (limit - this.consumed[vc]! + CREDIT_MOD) % CREDIT_MOD;
    if (!this.blind && (avail === 0 || avail >= CREDIT_MOD / 2)) this.fail(`${what}: sent without a credit (granted ${limit ?? 'nothing yet'}, ${this.consumed[vc]} frames sent on vc ${vc})`, sof);
    if (avail === 1) this.stats.exhausted[vc] = true;
    this.consumed[vc] = (this.consumed[vc]! + 1) % CREDIT_MOD;
    // An ACK naming this seq from here on is about this frame, not one 4096 frames before.
    this.namedAt.delete(f.seq);
    this.sent[f.seq] = { frame: f, firstSof: sof, eof };
    this.nextSeq = inc(f.seq);
    this.framesSent = true;
    this.stats.framesNew++;
    this.stats.bytesNew[vc]! += f.len;
    this.stats.sizes.set(f.len, (this.stats.sizes.get(f.len) ?? 0) + 1);
  }

  /** R's ACK, NAK or FC (from R's tap at edge `at`), as it may reach T at `cycle`. */
  control(c: ControlBlock, cycle: number, at: number): void {
    if (c.type === BlockType.Ack || c.type === BlockType.Nak) {
      if (!this.synced) return;
      const kind = BlockType[c.type];
      const moved = after(c.seq, this.acked);
      if (moved > SEQ_MOD / 2) return this.fail(`${this.name}: ${kind} seq ${c.seq} goes back (acked up to ${this.acked})`, at);
      if (moved > 0) {
        const s = this.sent[c.seq];
        if (moved > this.outstanding() || !s) return this.fail(`${this.name}: ${kind} seq ${c.seq} for a frame not sent (next new ${this.nextSeq}, acked up to ${this.acked})`, at);
        if (s.eof + this.o.latency > cycle) return this.fail(`${this.name}: ${kind} seq ${c.seq} before its EOF (edge ${s.eof}) could have arrived`, at);
        this.acked = c.seq;
      }
      if (!this.namedAt.has(c.seq)) this.namedAt.set(c.seq, cycle);
      if (c.type === BlockType.Ack) {
        this.stats.acks++;
        return;
      }
      this.stats.naks++;
      if (this.lastNak >= 0 && c.seq === this.lastNak) this.fail(`${this.name}: a second NAK for seq ${c.seq} with no good in-order frame in between`, at);
      this.lastNak = c.seq;
      this.pendingNak = c.seq;
      this.pendingNakAt = cycle;
      return;
    }
    if (c.type !== BlockType.Fc) return;
    this.stats.fcs++;
    const vc = c.vc as number;
    if (vc >= VCS) return this.fail(`${this.name}: FC for vc ${vc}, which does not exist`, at);
    const prev = this.limit[vc];
    if (prev !== undefined && !this.blind && (c.credits - prev + CREDIT_MOD) % CREDIT_MOD >= CREDIT_MOD / 2) this.fail(`${this.name}: FC of vc ${vc} goes back from ${prev} to ${c.credits}`, at);
    const ahead = (c.credits - this.consumed[vc]! + CREDIT_MOD) % CREDIT_MOD;
    if (!this.blind && ahead > this.o.buffers && ahead < CREDIT_MOD / 2) this.fail(`${this.name}: FC of vc ${vc} grants ${c.credits}, ${ahead} beyond the ${this.consumed[vc]} frames sent (${this.o.buffers} buffers)`, at);
    this.limit[vc] = c.credits;
  }
}

/** An event of either lane at the cycle it takes effect; ties: answers before frames. */
interface Step {
  readonly at: number;
  readonly order: number;
  readonly run: () => void;
}

/** Link-level counts the checker keeps besides the directions'. */
export interface LinkStats {
  /** Link-ups after the first. */
  relinks: number;
  /** Runs of zeros (or a loss of lock) at a transmitter's tap: an endpoint Down or Disabled. */
  silences: number;
}

/** Checks one link from the taps on its two transmitters' lanes (A's lane and B's lane). */
export class LinkChecker {
  readonly violations: string[] = [];
  violationCount = 0;
  /** Frames from A to B (A's lane) answered on B's lane, and the reverse. */
  readonly ab: Direction;
  readonly ba: Direction;
  readonly stats: LinkStats = { relinks: 0, silences: 0 };
  private readonly o: Required<LinkCheckerOptions>;
  private readonly failOn: { a: Fail; b: Fail };
  private silent = false;
  private blindSince = false;
  private relinked = false;
  private blind = false;

  constructor(options: LinkCheckerOptions = {}) {
    this.o = { latency: options.latency ?? 1, slack: options.slack ?? 16, replayTimeout: options.replayTimeout ?? 1024, buffers: options.buffers ?? 4, keep: options.keep ?? 50 };
    const fail = (lane: string): Fail => (msg, cycle) => {
      this.violationCount++;
      if (this.violations.length < this.o.keep) this.violations.push(`edge ${cycle} (${lane}): ${msg}`);
    };
    this.failOn = { a: fail('lane A'), b: fail('lane B') };
    this.ab = new Direction('A->B', this.o, this.failOn.a);
    this.ba = new Direction('B->A', this.o, this.failOn.b);
  }

  /** Checks both lanes' events (decoded by their taps), in cycle order. */
  check(a: LaneDecoder, b: LaneDecoder): void {
    const steps: Step[] = [];
    const { latency } = this.o;
    const lane = (events: readonly LaneEvent[], own: Direction, peer: Direction, fail: Fail): void => {
      for (const e of events) {
        switch (e.kind) {
          case 'frame':
            steps.push({ at: e.sof, order: 1, run: () => own.frame(e.frame, e.sof, e.eof) });
            break;
          case 'control': {
            const c = e.block;
            if (c.type === BlockType.Fc && c.init) steps.push({ at: e.cycle, order: 0, run: () => this.initFc(e.cycle) });
            if (c.type === BlockType.Idle) break;
            steps.push({ at: e.cycle + latency, order: 0, run: () => peer.control(c, e.cycle + latency, e.cycle) });
            break;
          }
          case 'error':
            steps.push({ at: e.cycle, order: 0, run: () => fail(e.message, e.cycle) });
            break;
          case 'lock':
            steps.push({ at: e.cycle, order: 0, run: () => (e.lock ? this.resumed(e.cycle) : this.silence(true)) });
            break;
          case 'silence':
            steps.push({ at: e.cycle, order: 0, run: () => this.silence(false) });
            break;
        }
      }
    };
    // A's lane carries A's frames (direction ab) and A's answers to B's frames (direction ba).
    lane(a.events, this.ab, this.ba, this.failOn.a);
    lane(b.events, this.ba, this.ab, this.failOn.b);
    steps.sort((x, y) => x.at - y.at || x.order - y.order);
    for (const s of steps) s.run();
  }

  private silence(lostLock: boolean): void {
    this.stats.silences++;
    this.silent = true;
    this.blindSince ||= lostLock;
  }

  /** A transmitter's tap locked again after losing lock: its endpoint restarted. */
  private resumed(cycle: number): void {
    if (!this.blindSince) return;
    this.blindSince = false;
    this.relink(cycle, true);
  }

  /**
   * Both directions start again. Both ends restart, so one link-up may show twice (one end's
   * lane, then the other's) with no frame between: it counts once and stays blind if it was.
   */
  private relink(cycle: number, blind: boolean): void {
    const again = this.relinked && !this.ab.framesSent && !this.ba.framesSent;
    if (!again) this.stats.relinks++;
    this.blind = blind || (again && this.blind);
    this.relinked = true;
    this.silent = false;
    this.ab.reset(cycle, this.blind);
    this.ba.reset(cycle, this.blind);
  }

  private initFc(cycle: number): void {
    if (this.silent || this.ab.framesSent || this.ba.framesSent) this.relink(cycle, false);
  }

  /** Throws with the violations kept, if there was any. */
  assertClean(): void {
    if (this.violationCount) throw new Error(`HSI protocol checker: ${this.violationCount} violation(s):\n  ${this.violations.join('\n  ')}`);
  }
}
