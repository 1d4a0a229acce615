import { SignalAccessError } from '../errors.js';
import type { SignalHandle } from '../handle.js';
import { AgentKind, type Decoder, type Encoder } from '../protocol.js';
import { Simulator, type AgentHandler } from '../simulator.js';
import { AgentDone } from '../triggers.js';
import { bindSignal } from './prefix.js';
import { awaitAgentData } from '../agent-wait.js';

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
  /** Receive only: the clock edge the start bit was seen on. */
  readonly cycle?: number;
}

/** Checks a format and returns its encoder: a bad one throws before any agent is opened. */
function formatEncoder(f: SerialFormat): (enc: Encoder) => void {
  const bit = f.cyclesPerBit * (1 + (f.skew ?? 0));
  if (!(bit >= 2)) throw new SignalAccessError(`a serial bit of ${bit} cycles is too short (at least 2)`);
  // The harness keeps bit times in 16.16 fixed point.
  if (bit >= 65536) throw new SignalAccessError(`a serial bit of ${bit} cycles is too long for the serial transactors (at most 65535); drive the line from a sampled stream or triggers instead`);
  const fixed = Math.round(bit * 65536);
  const parity = { none: 0, even: 1, odd: 2 }[f.parity ?? 'none'];
  return (enc) => enc.u32(fixed).u8(f.dataBits ?? 8).u8(parity).u8(f.stopBits ?? 1);
}

/** Drives a serial line from inside the harness, with error injection (SerialSource). */
export class SerialSource {
  private readonly sim: Simulator<unknown>;
  private readonly id: number;
  private queued = 0;

  constructor(line: SignalHandle<number>, clock: SignalHandle<number>, format: SerialFormat) {
    const encodeFormat = formatEncoder(format);
    this.sim = Simulator.owning(clock);
    this.id = this.sim.openAgent(AgentKind.SerialSource, clock, true, (enc) => {
      enc.u32(line.id);
      encodeFormat(enc);
    }, { data: () => undefined, end: () => undefined });
  }

  /** Binds the line `<prefix>` (with or without `_i`/`_o`) on `dut`. */
  static fromPrefix(dut: object, prefix: string, clock: SignalHandle<number>, format: SerialFormat): SerialSource {
    return new SerialSource(bindSignal(dut, prefix, 'i') as SignalHandle<number>, clock, format);
  }

  /** Queues characters (a number, or one with errors to inject); awaiting waits until sent. */
  send(...chars: (number | SerialChar)[]): PromiseLike<void> {
    for (const c of chars) {
      const ch: SerialChar = typeof c === 'number' ? { value: c } : c;
      const flags = (ch.parityError ? 1 : 0) | (ch.framingError ? 2 : 0) | (ch.break ? 4 : 0);
      this.sim.pushAgent(this.id, Uint8Array.of(ch.value & 0xff, (ch.value >> 8) & 0xff, flags));
      this.queued++;
    }
    return AgentDone(this.sim, this.id, this.queued);
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
  private readonly chars: SerialChar[] = [];
  private received = 0;
  private wake?: () => void;
  private failure?: Error;

  constructor(line: SignalHandle<number>, clock: SignalHandle<number>, format: SerialFormat) {
    const encodeFormat = formatEncoder(format);
    this.sim = Simulator.owning(clock);
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
  data(d: Decoder): void {
    const n = d.u32();
    for (let i = 0; i < n; i++) {
      const value = d.u16();
      const flags = d.u8();
      d.u8();
      const cycle = Number(d.u64());
      this.chars.push({ value, framingError: (flags & 2) !== 0, parityError: (flags & 1) !== 0, break: (flags & 4) !== 0, cycle });
    }
    this.received += n;
    this.wake?.();
  }

  /** @internal */
  end(reason: Error): void {
    this.failure ??= reason;
    this.wake?.();
  }

  /** The next character, waiting passively (see bridge/README.md) when none has arrived. */
  async recv(): Promise<SerialChar> {
    while (this.chars.length === 0) {
      if (this.failure) throw this.failure;
      await awaitAgentData(this.sim, this.id, this.received + 1, (w) => {
        this.wake = w;
      });
      this.wake = undefined;
    }
    return this.chars.shift()!;
  }
}
