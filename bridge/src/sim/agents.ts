import { Decoder, Encoder, Msg, readHeader } from '../protocol.js';

/** The TypeScript side of a harness agent: receives its AGENT_DATA messages. */
export interface AgentHandler {
  /**
   * Decodes one AGENT_DATA body (after the common part: agent id, `last`, `credited`) as it
   * arrives, mid-run too, and returns what makes it visible: that is called when the reply that
   * ends the step comes, so what a test sees changes only at a resume, while decoding overlaps
   * the harness's run.
   */
  data(d: Decoder, last: boolean): () => void;
  /** The agent is gone (closed by a restart, or the simulation ended). */
  end(reason: Error): void;
}

/** The handler of an agent that sends no data (a source): it only drives. */
export const DRIVER_ONLY: AgentHandler = { data: () => () => undefined, end: () => undefined };

/**
 * The open agents and the data they sent during the current request. Mid-run data is only
 * transport: a credited chunk's credit goes back as it arrives (bounding the messages in flight,
 * not the consumer), and its contents wait for the reply.
 */
export class Agents {
  private readonly handlers = new Map<number, AgentHandler>();
  private next = 1;
  /** Decoded data of the current request, in arrival order: made visible by {@link commit}. */
  private staged: (() => void)[] = [];

  constructor(private readonly postCredit: (frame: Buffer) => void) {}

  open(handler: AgentHandler): number {
    const id = this.next++;
    this.handlers.set(id, handler);
    return id;
  }

  has(id: number): boolean {
    return this.handlers.has(id);
  }

  /** An AGENT_DATA message, as it arrives. */
  receive(frame: Buffer): void {
    const d = new Decoder(frame);
    readHeader(d);
    const id = d.u32();
    const last = d.u8() !== 0;
    if (d.u8() !== 0) this.postCredit(new Encoder().reset(Msg.Credit, 0, 0).u32(id).u32(1).frame());
    d.u16();
    const h = this.handlers.get(id);
    if (!h) return;  // data of an agent dropped by a restart
    if (last) this.handlers.delete(id);
    this.staged.push(h.data(d, last));
  }

  /** Makes the data that came with a reply visible, in the order the harness sent it. */
  commit(): void {
    const commits = this.staged;
    this.staged = [];
    for (const c of commits) c();
  }

  /** Drops the staged data of a request that failed. */
  discard(): void {
    this.staged = [];
  }

  /** Ends every agent with `reason` (restart, end of simulation, failure). */
  end(reason: Error): void {
    const hs = [...this.handlers.values()];
    this.handlers.clear();
    for (const h of hs) h.end(reason);
  }
}
