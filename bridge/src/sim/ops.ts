import { Encoder, type Msg, type Op } from '../protocol.js';
import { Flow } from '../task.js';

interface Pending {
  readonly enc: Encoder;
  count: number;
}

/**
 * The ops each flow queued since the last request. A request sends them flow by flow in key
 * order ({@link Flow.key}), each flow's in the order it queued them, so the harness applies
 * the same sequence whatever order the tasks ran in.
 */
export class OpQueue {
  private readonly pending = new Map<Flow, Pending>();
  private readonly spare: Encoder[] = [];
  private readonly head = new Encoder();

  /** Starts an op in `flow`'s queue. */
  op(flow: Flow, code: Op): Encoder {
    let p = this.pending.get(flow);
    if (!p) {
      p = { enc: this.spare.pop() ?? new Encoder(), count: 0 };
      this.pending.set(flow, p);
    }
    p.count++;
    return p.enc.u8(code);
  }

  /** A request of `type` carrying every queued op; the queues are emptied. */
  take(type: Msg, flags: number, seq: number): Buffer {
    const flows = [...this.pending.keys()].sort(Flow.compare);
    let count = 0;
    const parts: Buffer[] = [];
    for (const f of flows) {
      const p = this.pending.get(f)!;
      count += p.count;
      parts.push(p.enc.frame());
    }
    parts.unshift(this.head.reset(type, flags, seq).u32(count).frame());
    const frame = Buffer.concat(parts);
    this.clear();
    return frame;
  }

  clear(): void {
    for (const p of this.pending.values()) {
      p.enc.clear();
      this.spare.push(p.enc);
    }
    this.pending.clear();
  }
}
