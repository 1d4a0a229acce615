/**
 * The wire format between the bridge and the harness (bridge/PROTOCOL.md): binary,
 * little-endian, one ZeroMQ frame per message, an 8-byte header {type u8, flags u8, 0 u16,
 * seq u32}. The names and values mirror bridge/harness/wire.h, sim.h, agent.h and dut_signal.h;
 * tb/bridge/wire-enums.test.ts checks that the two sides agree.
 */

/** Protocol version spoken by this bridge. */
export const PROTOCOL_VERSION = 3;

/** Message types. */
export enum Msg {
  Hello = 0x01,
  Ping = 0x02,
  Step = 0x03,
  MemRead = 0x05,
  MemWrite = 0x06,
  Restart = 0x07,
  Trace = 0x08,
  Quit = 0x09,
  Heartbeat = 0x0a,
  Credit = 0x0b,
  HelloOk = 0x81,
  Pong = 0x82,
  Event = 0x83,
  MemData = 0x85,
  Ok = 0x86,
  Bye = 0x89,
  HarnessHeartbeat = 0x8a,
  AgentData = 0x8b,
  Error = 0xff,
}

/** Operations inside a STEP request. */
export enum Op {
  Write = 1,
  Force = 2,
  Release = 3,
  Arm = 4,
  Cancel = 5,
  Clock = 6,
  ClockStop = 7,
  Watch = 8,
  Unwatch = 9,
  AgentOpen = 10,
  AgentClose = 11,
  AgentPush = 12,
}

/** Kinds of harness-side agents (AGENT_OPEN). */
export enum AgentKind {
  Stream = 1,
  AxisSource = 2,
  AxisSink = 3,
  ApbMaster = 4,
  SerialSource = 5,
  SerialSink = 6,
}

/** Which edges a stream records (its AGENT_OPEN body). */
export enum Qualifier {
  Always = 0,
  AllOf = 1,
  OnChange = 2,
}

/** STEP flag: run time until a trigger fires. */
export const STEP_RUN = 1;

/** Trigger kinds of an ARM op. */
export enum TrigKind {
  Timer = 1,
  Rising = 2,
  Falling = 3,
  Edge = 4,
  Cycles = 5,
  ReadOnly = 6,
  ReadWrite = 7,
  NextTimeStep = 8,
  Until = 9,
  Agent = 10,
  /** A timer that never makes time advance by itself: the test's time limit. */
  Limit = 11,
}

/** Which edges a ClockCycles or wait-until trigger counts. */
export enum EdgeKind {
  Rising = 0,
  Falling = 1,
  Any = 2,
}

/** Why a STEP returned. */
export enum Status {
  Fired = 0,
  Finished = 1,
  Failed = 2,
  Idle = 3,
  Paused = 4,
}

/** Where in its time step the harness stopped. */
export enum Phase {
  Begin = 0,
  Drive = 1,
  Active = 2,
  ReadOnly = 3,
  End = 4,
}

/** Error codes of an ERROR reply. */
export enum ErrCode {
  BadMessage = 1,
  UnknownType = 2,
  UnknownSignal = 3,
  WidthOverflow = 4,
  BadVersion = 5,
  NotWritable = 6,
  NotForceable = 7,
  WriteInReadOnly = 8,
  BadTrigger = 9,
  NotMemory = 10,
  OutOfRange = 11,
  Trace = 12,
  Ended = 13,
  BadOp = 14,
  NoSession = 15,
}

/**
 * Appends little-endian fields to a growing buffer; reused across requests so the hot path
 * allocates nothing but the final frame.
 */
export class Encoder {
  // Small enough for Node's Buffer pool: a fresh large ArrayBuffer per request cost ~10 us.
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  /** Starts an empty body (no header), keeping the buffer. */
  clear(): this {
    this.pos = 0;
    return this;
  }

  reset(type: Msg, flags: number, seq: number): this {
    this.pos = 0;
    this.u8(type).u8(flags).u16(0).u32(seq);
    return this;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.room(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  u64(v: bigint | number): this {
    this.room(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  words(w: Uint32Array): this {
    this.room(4 * w.length);
    for (let i = 0; i < w.length; i++) {
      this.buf.writeUInt32LE(w[i]!, this.pos);
      this.pos += 4;
    }
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.u32(b.length).bytes(b);
  }

  /** Patches a u32 written earlier (an op count known only at the end). */
  patch32(at: number, v: number): void {
    this.buf.writeUInt32LE(v, at);
  }

  get length(): number {
    return this.pos;
  }

  /** A copy of the encoded frame (ZeroMQ may hold it after send returns). */
  frame(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** Thrown for a reply that does not follow the protocol. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Reads little-endian fields with bounds checks. */
export class Decoder {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new ProtocolError(`reply truncated at byte ${this.pos} (needs ${n} more, has ${this.buf.length - this.pos})`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  i8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  str(): string {
    return this.bytes(this.u32()).toString('utf8');
  }

  /** `n` u32 words, copied (into an aligned buffer) so they stay valid after the frame is released. */
  words(n: number): Uint32Array {
    return new Uint32Array(Uint8Array.prototype.slice.call(this.bytes(4 * n)).buffer);
  }
}

/** The 8-byte header every message starts with. */
export interface Header {
  readonly type: Msg;
  readonly flags: number;
  readonly seq: number;
}

export function readHeader(d: Decoder): Header {
  const type = d.u8() as Msg;
  const flags = d.u8();
  d.u16();
  return { type, flags, seq: d.u32() };
}
