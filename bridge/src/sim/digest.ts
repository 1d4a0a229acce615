import { createHash, type Hash } from 'node:crypto';
import { Flow } from '../task.js';

/** What the digest hashes, one tag per kind of observation. */
export const enum Seen { Resume = 1, Item = 2, Restart = 3 }

export type DigestPart = number | bigint | ArrayBufferView;

/**
 * The run digest (bridge/README.md, Determinism): per flow of test code, a hash of each resume
 * and every item handed to it; the flows combined in key order.
 */
export class RunDigest {
  private readonly hashes = new Map<Flow, Hash>();
  private readonly n = Buffer.alloc(8);

  /** Adds `tag` and `parts` (numbers as u64, byte views as they are) to `flow`'s hash. */
  seen(flow: Flow, tag: Seen, ...parts: DigestPart[]): void {
    let h = this.hashes.get(flow);
    if (!h) {
      h = createHash('sha256');
      this.hashes.set(flow, h);
    }
    const n = this.n;
    n.writeUInt8(tag);
    h.update(n.subarray(0, 1));
    for (const p of parts) {
      if (typeof p === 'number' || typeof p === 'bigint') {
        n.writeBigUInt64LE(BigInt.asUintN(64, BigInt(p)));
        h.update(n);
      } else {
        h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
      }
    }
  }

  digest(): string {
    const all = createHash('sha256');
    for (const f of [...this.hashes.keys()].sort(Flow.compare)) all.update(this.hashes.get(f)!.copy().digest());
    return all.digest('hex').slice(0, 16);
  }

  reset(): void {
    this.hashes.clear();
  }
}
