// The testbench side of tb/hdl/hsi_tap.sv: binds a tap's outputs by prefix, samples them as a
// stream (one record per meaningful block or lock change, IDLE blocks skipped), and decodes each
// column batch into lane events with models/hsi/frame.ts's decoder: frames with the cycles of
// their SOF and EOF, control blocks, format errors and lock changes, each with its clock edge.
import { ClockCycles, SampledStream, type SignalHandle, type Simulator, type StreamBatch } from '../../bridge/src/index.js';
import { bind } from '../../bridge/src/bus/prefix.js';
import { type ControlBlock, type DecodedFrame, FrameDecoder, type FrameDecoderOptions, IDLE_BLOCK } from '../../models/hsi/frame.js';
import { SyncHeader } from '../../models/hsi/hsi_pkg.js';

/** The outputs of one hsi_tap instance. */
export interface TapPins {
  readonly valid: SignalHandle<number>;
  readonly blk: SignalHandle<number>;
  readonly lock: SignalHandle<number>;
  readonly hdr: SignalHandle<number>;
  readonly lo: SignalHandle<number>;
  readonly hi: SignalHandle<number>;
}

/** A tap's pins as `<prefix>_valid_o`, `<prefix>_blk_o`…, as a fixture brings them out. */
export function tapPins(dut: object, prefix: string): TapPins {
  const pin = (n: string): SignalHandle<number> => bind(dut, prefix, n, true) as SignalHandle<number>;
  return { valid: pin('valid'), blk: pin('blk'), lock: pin('lock'), hdr: pin('hdr'), lo: pin('lo'), hi: pin('hi') };
}

/** What a lane carried, in the order it came, each with the clock edge (stream cycle) it was sampled at. */
export type LaneEvent =
  | { readonly kind: 'frame'; readonly sof: number; readonly eof: number; readonly frame: DecodedFrame }
  | { readonly kind: 'control'; readonly cycle: number; readonly block: ControlBlock }
  | { readonly kind: 'error'; readonly cycle: number; readonly message: string }
  | { readonly kind: 'lock'; readonly cycle: number; readonly lock: boolean }
  /** The lane carried all-zero blocks (an endpoint Down or Disabled) from `cycle` on. */
  | { readonly kind: 'silence'; readonly cycle: number };

/**
 * Decodes one lane's tap records. `idleCycles` counts the cycles between records while locked
 * (IDLE blocks, or on a channel's side also dropped blocks): the tap never records them.
 * Invalid sync headers are held until the next valid one: an endpoint that goes Down or
 * Disabled sends all-zero blocks, and a run of them is that silence, not errors (a 'silence'
 * event, or a 'lock' event when they cost the tap its lock); a frame they cut short is
 * dropped without an error, and so is the first block after them, which the tap's descrambler
 * cannot get right when the endpoint's scrambler restarted (its history is the zeros).
 */
export class LaneDecoder {
  readonly events: LaneEvent[] = [];
  idleCycles = 0;
  private readonly decoder: FrameDecoder;
  private readonly blockCycles: number[] = [];
  private cycle = 0;
  private lastCycle = -1;
  private locked = false;
  private held: Extract<LaneEvent, { kind: 'error' }>[] = [];
  private zeros = false;

  constructor(options: FrameDecoderOptions = {}) {
    this.decoder = new FrameDecoder({
      frame: (frame) => this.events.push({ kind: 'frame', sof: this.blockCycles[frame.sofAt]!, eof: this.cycle, frame }),
      control: (block) => this.events.push({ kind: 'control', cycle: this.cycle, block }),
      error: (message) => (message.startsWith('invalid sync header') ? this.held : this.events).push({ kind: 'error', cycle: this.cycle, message }),
    }, options);
  }

  /** One batch of the tap's stream, as columns. */
  batch(b: StreamBatch, pins: TapPins): void {
    const cycles = b.cycles;
    const blk = b.column(pins.blk);
    const lock = b.column(pins.lock);
    const hdr = b.column(pins.hdr);
    const lo = b.column(pins.lo);
    const hi = b.column(pins.hi);
    for (let i = 0; i < b.length; i++) this.record(cycles[i]!, blk[i] === 1, lock[i] === 1, hdr[i]!, lo[i]! | 0, hi[i]! | 0);
  }

  /** The end of the records: invalid headers still held were errors after all. */
  end(): this {
    this.events.push(...this.held);
    this.held = [];
    return this;
  }

  /** One record of the tap: its edge, whether it holds a block, the lock, and the block. */
  record(cycle: number, blk: boolean, lock: boolean, hdr: number, lo: number, hi: number): void {
    this.cycle = cycle;
    if (lock !== this.locked) {
      if (!lock) {
        this.decoder.abort();
        this.held = [];
        this.zeros = false;
      }
      this.events.push({ kind: 'lock', cycle, lock });
      this.locked = lock;
    } else if (lock && this.lastCycle >= 0) {
      this.idleCycles += cycle - this.lastCycle - 1;
    }
    this.lastCycle = cycle;
    if (!blk) return;
    if (hdr !== SyncHeader.Data && hdr !== SyncHeader.Ctrl) {
      if (hdr === 0 && lo === 0 && hi === 0) this.zeros = true;
    } else if (this.held.length) {
      const silence = this.zeros;
      const from = this.held[0]!.cycle;
      this.held = silence ? [] : (this.events.push(...this.held), []);
      this.zeros = false;
      if (silence) {
        this.decoder.abort();
        this.events.push({ kind: 'silence', cycle: from });
        return;
      }
    }
    this.blockCycles.push(cycle);
    this.decoder.push(hdr, lo, hi);
  }
}

/**
 * What a locked tap records of a lane's descrambled blocks, one per cycle from edge `first`:
 * every block but IDLE (for tests and models that have the blocks themselves).
 */
export function tapBlocks(blocks: readonly bigint[], first = 1): LaneDecoder {
  const d = new LaneDecoder();
  d.record(first - 1, false, true, 0, 0, 0);
  blocks.forEach((b, i) => {
    if (b !== IDLE_BLOCK) d.record(first + i, true, true, Number(b & 3n), Number((b >> 2n) & 0xffffffffn) | 0, Number(b >> 34n) | 0);
  });
  return d.end();
}

/** A tap's stream and its decoder: records are decoded when the stream is drained. */
export class LaneTap {
  readonly decoder: LaneDecoder;
  private readonly stream: SampledStream;

  constructor(sim: Simulator<unknown>, private readonly clock: SignalHandle<number>, readonly pins: TapPins, options: FrameDecoderOptions = {}) {
    this.decoder = new LaneDecoder(options);
    // Drained at close: a reader waiting on a quiet lane would keep the harness running with
    // nothing of the test's own to stop at. Credits are ample so sampling never stalls.
    this.stream = SampledStream.open(sim, {
      clock, signals: [pins.blk, pins.lock, pins.hdr, pins.lo, pins.hi], when: { allOf: [pins.valid] }, batch: 1 << 16, credits: 1 << 30,
    });
  }

  /** Stops sampling and decodes every record. */
  async close(): Promise<LaneDecoder> {
    this.stream.close();
    await ClockCycles(this.clock, 1);
    for await (const b of this.stream) this.decoder.batch(b, this.pins);
    return this.decoder.end();
  }
}
