/**
 * The HSI link's delivery contract at transaction level: what must come out of a link, per
 * direction and vc. Every frame taken on s_axis comes out of the peer's m_axis exactly once, in
 * order per vc, bit-exact, with its dst and the sender's cell as src; nothing else comes out.
 * The one exception is a link restart (after it went down): frames queued before the restart may
 * be missing, never reordered, duplicated or changed. A scoreboard feeds it what was sent and
 * what came out and reads the verdict.
 */
import { sameBytes } from '../common/words.js';

/** A frame on the user side. */
export interface LinkFrame {
  readonly data: Uint8Array;
  /** The SOF's dst (s_axis tdest, m_axis tdest). */
  readonly dst: number;
}

/** One frame as it came out (m_axis). */
export interface DeliveredFrame extends LinkFrame {
  /** m_axis tid: the sender's cell. */
  readonly src: number;
}

/** What one stream (a direction and a vc) delivered, once {@link DeliveryModel.finish}ed. */
export interface DeliveryTally {
  readonly sent: number;
  readonly delivered: number;
  /** Frames queued before a restart and never delivered. */
  readonly lost: number;
}

interface Queued {
  readonly frame: LinkFrame;
  /** The restarts counted when it was queued. */
  readonly epoch: number;
  readonly index: number;
}

const hex = (d: Uint8Array, n = 16): string =>
  Array.from(d.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ') + (d.length > n ? ' …' : '');

/** A violation of the contract, with what a person needs to find it. */
export class DeliveryError extends Error {}

/** The contract of one stream: frames of one vc from one endpoint to the other. */
export class DeliveryModel {
  private readonly queue: Queued[] = [];
  private epoch = 0;
  private sentN = 0;
  private deliveredN = 0;
  private lostN = 0;

  /** `name` (e.g. "a->b vc0") heads every message; `src` is the sending endpoint's cell id. */
  constructor(readonly name: string, readonly src: number) {}

  /** Frames queued since the last restart and not yet delivered: what must still come out. */
  get due(): number {
    return this.queue.filter((q) => q.epoch === this.epoch).length;
  }

  /** A frame handed to s_axis (queued on the source). */
  sent(frame: LinkFrame): void {
    this.queue.push({ frame, epoch: this.epoch, index: this.sentN++ });
  }

  /** The link was restarted (CTRL.RESTART after down): what was queued so far may be lost. */
  restarted(): void {
    this.epoch++;
  }

  /** A frame came out of m_axis; throws {@link DeliveryError} if the contract does not allow it. */
  delivered(got: DeliveredFrame, when = ''): void {
    const at = `${this.name}: delivered frame ${this.deliveredN}${when ? ` at ${when}` : ''}`;
    let k = 0;
    // Only frames queued before a later restart may be skipped.
    while (k < this.queue.length && this.queue[k]!.epoch < this.epoch && !same(this.queue[k]!.frame, got)) k++;
    const want = this.queue[k];
    if (!want) throw new DeliveryError(`${at}: nothing was sent that it could be (${got.data.length} bytes: ${hex(got.data)}); duplicated or invented`);
    const diff = difference(want.frame, got, this.src);
    if (diff) throw new DeliveryError(`${at}: expected sent frame ${want.index} (${want.frame.data.length} bytes, dst ${want.frame.dst}), ${diff}`);
    this.lostN += k;
    this.queue.splice(0, k + 1);
    this.deliveredN++;
  }

  /** The verdict once the link is quiet: every frame queued since the last restart came out. */
  finish(): DeliveryTally {
    const owed = this.queue.filter((q) => q.epoch === this.epoch);
    if (owed.length) {
      throw new DeliveryError(`${this.name}: ${owed.length} frame(s) sent and never delivered, the first sent frame ${owed[0]!.index} (${owed[0]!.frame.data.length} bytes: ${hex(owed[0]!.frame.data)})`);
    }
    this.lostN += this.queue.length;
    this.queue.length = 0;
    return { sent: this.sentN, delivered: this.deliveredN, lost: this.lostN };
  }
}

function same(a: LinkFrame, b: LinkFrame): boolean {
  return a.dst === b.dst && sameBytes(a.data, b.data);
}

/** How `got` differs from `want`, or undefined. */
function difference(want: LinkFrame, got: DeliveredFrame, src: number): string | undefined {
  if (got.src !== src) return `got src ${got.src}, the sender is ${src}`;
  if (got.dst !== want.dst) return `got dst ${got.dst}`;
  if (got.data.length !== want.data.length) return `got ${got.data.length} bytes: ${hex(got.data)}`;
  const i = want.data.findIndex((x, j) => x !== got.data[j]);
  if (i >= 0) return `byte ${i}: expected 0x${want.data[i]!.toString(16)}, got 0x${got.data[i]!.toString(16)} (from ${i}: ${hex(want.data.subarray(i))} vs ${hex(got.data.subarray(i))})`;
  return undefined;
}
