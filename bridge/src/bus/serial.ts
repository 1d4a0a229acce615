import { UsageError } from '../errors.js';
import type { SignalHandle } from '../handle.js';
import { AgentKind, type Decoder, type Encoder } from '../protocol.js';
import { DRIVER_ONLY, Simulator, type AgentHandler } from '../simulator.js';
import { AgentDone, type Trigger, withdrawableBody } from '../triggers.js';
import { bindSignal } from './prefix.js';
import { type Stamp, Stamped } from './stamp.js';

/** Line format of a serial (UART-style) line. */
export interface SerialFormat {
  /** Clock cycles per bit (16 x divisor for a 16x-oversampling UART); fractional allowed. */
  readonly cyclesPerBit: number;
  /** @defaultValue 8 */
  readonly dataBits?: number;
  /** @defaultValue 'none' */
  readonly parity?: 'none' | 'even' | 'odd';
  /** @defaultValue 1 */
  readonly stopBits?: 1 | 2;
  /** Baud error of this side, e.g. 0.03 runs 3 % slow (bits 3 % longer). @defaultValue 0 */
  readonly skew?: number;
}

/** A character as sent or received. */
export interface SerialChar {
  readonly value: number;
  /** Stop bit read as 0 (or sent so). */
  readonly framingError?: boolean;
  readonly parityError?: boolean;
  /** The line held low for a whole character. */
  readonly break?: boolean;
}

/** A character as a sink decoded it: with when its last bit was sampled, and its start edge. */
export interface ReceivedChar extends SerialChar, Stamp {
  readonly framingError: boolean;
  readonly parityError: boolean;
  readonly break: boolean;
  /** The clock edge the start bit was seen on. */
  readonly startCycle: number;
}

class RxChar extends Stamped implements ReceivedChar {
  readonly break: boolean;

  constructor(
    readonly value: number,
    readonly framingError: boolean,
    readonly parityError: boolean,
    lineBreak: boolean,
    readonly startCycle: number,
    time: bigint,
    cycle: number,
  ) {
    super(time, cycle);
    this.break = lineBreak;
  }
}

/** Checks a format and returns its encoder: a bad one throws before any agent is opened. */
function formatEncoder(f: SerialFormat): (enc: Encoder) => void {
  const bit = f.cyclesPerBit * (1 + (f.skew ?? 0));
  if (!(bit >= 2)) throw new UsageError(`a serial bit of ${bit} cycles is too short (at least 2)`);
  // The harness keeps bit times in 16.16 fixed point.
  if (bit >= 65536) throw new UsageError(`a serial bit of ${bit} cycles is too long for the serial transactors (at most 65535); drive the line from a sampled stream or triggers instead`);
  const fixed = Math.round(bit * 65536);
  const parity = { none: 0, even: 1, odd: 2 }[f.parity ?? 'none'];
  return (enc) => enc.u32(fixed).u8(f.dataBits ?? 8).u8(parity).u8(f.stopBits ?? 1);
}

/** Drives a serial line from inside the harness, with error injection (SerialSource). */
export class SerialSource {
  private readonly sim: Simulator<unknown>;
  private readonly id: number;
  private queued = 0;
  private readonly name: string;

  constructor(line: SignalHandle<number>, clock: SignalHandle<number>, format: SerialFormat) {
    const encodeFormat = formatEncoder(format);
    this.sim = Simulator.owning(clock);
    this.name = `SerialSource ${line.name}`;
    this.id = this.sim.openAgent(AgentKind.SerialSource, clock, true, (enc) => {
      enc.u32(line.id);
      encodeFormat(enc);
    }, DRIVER_ONLY);
  }

  /** Binds the line `<prefix>` (with or without `_i`/`_o`) on `dut`. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, format: SerialFormat): SerialSource {
    return new SerialSource(bindSignal(dut, prefix, 'i') as SignalHandle<number>, clock, format);
  }

  /** Queues characters (a number, or one with errors to inject); awaiting waits until sent. */
  send(...chars: (number | SerialChar)[]): Trigger {
    for (const c of chars) {
      const ch: SerialChar = typeof c === 'number' ? { value: c } : c;
      const flags = (ch.parityError ? 1 : 0) | (ch.framingError ? 2 : 0) | (ch.break ? 4 : 0);
      this.sim.pushAgent(this.id, Uint8Array.of(ch.value & 0xff, (ch.value >> 8) & 0xff, flags));
      this.queued++;
    }
    const k = this.queued;
    return AgentDone(this.sim, this.id, k, () => `${this.name}: character ${k} sent`);
  }

  /** Stops driving the line (after what is queued is dropped), so another source may take it. */
  close(): void {
    this.sim.closeAgent(this.id);
  }
}

/** Decodes a serial line inside the harness; drives nothing (SerialSink). */
export class SerialSink implements AgentHandler {
  private readonly sim: Simulator<unknown>;
  private readonly id: number;
  private readonly name: string;
  private readonly chars: ReceivedChar[] = [];
  private head = 0;
  private received = 0;
  private failure?: Error;

  constructor(line: SignalHandle<number>, clock: SignalHandle<number>, format: SerialFormat) {
    const encodeFormat = formatEncoder(format);
    this.sim = Simulator.owning(clock);
    this.name = `SerialSink ${line.name}`;
    this.id = this.sim.openAgent(AgentKind.SerialSink, clock, true, (enc) => {
      enc.u32(line.id);
      encodeFormat(enc);
    }, this);
  }

  /** Binds the line `<prefix>` (an output `_o` first, else `_i`) on `dut`. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, format: SerialFormat): SerialSink {
    return new SerialSink(bindSignal(dut, prefix, 'o') as SignalHandle<number>, clock, format);
  }

  /** @internal */
  data(d: Decoder): () => void {
    const chars: ReceivedChar[] = [];
    const n = d.u32();
    for (let i = 0; i < n; i++) {
      const time = d.u64();
      const cycle = Number(d.u64());
      const startCycle = Number(d.u64());
      const value = d.u16();
      const flags = d.u8();
      d.u8();
      chars.push(new RxChar(value, (flags & 2) !== 0, (flags & 1) !== 0, (flags & 4) !== 0, startCycle, time, cycle));
    }
    return () => {
      for (const c of chars) this.chars.push(c);
      this.received += n;
    };
  }

  /** @internal */
  end(reason: Error): void {
    this.failure ??= reason;
  }

  /** Characters decoded and not yet taken by {@link recv}. */
  get pending(): number {
    return this.chars.length - this.head;
  }

  /** The next character; when none has arrived, waits (one round trip) until it has. */
  recv(): Promise<ReceivedChar> {
    // Withdrawable (a loser of First): a character that comes later stays for the next recv.
    return withdrawableBody(this.sim, async (wait) => {
      while (this.pending === 0) {
        if (this.failure) throw this.failure;
        await wait(AgentDone(this.sim, this.id, this.received + 1, () => `${this.name}: a character`));
      }
      const c = this.chars[this.head++]!;
      if (this.head > 4096 && this.head * 2 > this.chars.length) {
        this.chars.splice(0, this.head);
        this.head = 0;
      }
      this.sim.observe(c.time, c.cycle, c.startCycle, c.value, (c.parityError ? 1 : 0) | (c.framingError ? 2 : 0) | (c.break ? 4 : 0));
      return c;
    });
  }
}
