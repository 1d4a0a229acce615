// Malformed and random request frames for fuzzing a harness (tb/bridge/protocol.test.ts on a
// spawned one, tb/bridge/server.test.ts on a hand-started one behind CURVE), and a raw client
// that sends them without the bridge in between.
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { Dealer } from 'zeromq';
import { Decoder, Encoder, ErrCode, Msg, Op, readHeader, TrigKind } from '../../bridge/src/protocol.js';

/** Replies a harness may give to a fuzzed frame (never BYE: no fuzzed frame is a valid QUIT). */
export const REPLIES = new Set([Msg.HelloOk, Msg.Pong, Msg.Event, Msg.MemData, Msg.Ok, Msg.Error]);

// QUIT ends the session and HEARTBEAT and CREDIT are never answered: directed tests only (QUIT
// with stray bytes below). TRACE has its own arbitrary, which needs to know the directories.
const FUZZED_TYPES = [Msg.Hello, Msg.Ping, Msg.Step, Msg.MemRead, Msg.MemWrite, Msg.Restart, 0x04, 0x0c, 0x42, 0x81, 0xff];

/** A header whose type is fuzzed among known and unknown values; STEP never runs time. */
const header = fc.record({
  type: fc.constantFrom(...FUZZED_TYPES),
  flags: fc.integer({ min: 0, max: 255 }),
  seq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
}).map(({ type, flags, seq }) => new Encoder().reset(type, type === Msg.Step ? flags & ~1 : flags, seq).frame());

const u32 = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
const op = fc.oneof(
  fc.tuple(fc.constantFrom(Op.Write, Op.Force, Op.Release, Op.ClockStop, Op.Watch, Op.Unwatch), u32, fc.uint8Array({ maxLength: 20 })),
  fc.tuple(fc.constant(Op.Arm), u32, fc.uint8Array({ maxLength: 40 })).map(([o, id, rest]) => [o, id, Uint8Array.from([rest[0] ?? TrigKind.Until, ...rest.subarray(1)])] as const),
  fc.tuple(fc.constant(Op.Clock), u32, fc.uint8Array({ minLength: 25, maxLength: 25 })),
  fc.tuple(fc.integer({ min: 0, max: 255 }), u32, fc.uint8Array({ maxLength: 12 })),
);
const step = fc.tuple(fc.array(op, { maxLength: 6 }), fc.boolean(), fc.nat(16)).map(([ops, lie, cut]) => {
  const e = new Encoder().reset(Msg.Step, 0, 1).u32(lie ? ops.length + 3 : ops.length);
  for (const [o, id, rest] of ops) e.u8(o).u32(id).bytes(rest);
  const f = e.frame();
  return f.subarray(0, Math.max(8, f.length - cut));
});

/** A QUIT with stray bytes after its header: a BadMessage, never obeyed. */
const strayQuit = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.uint8Array({ minLength: 1, maxLength: 16 }))
  .map(([seq, b]) => Buffer.concat([new Encoder().reset(Msg.Quit, 0, seq).frame(), b]));

/** Any frame the fuzzers send: random bytes, random bodies behind valid headers, random op lists, stray QUITs. */
export const fuzzFrame: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).filter((b) => ![Msg.Quit, Msg.Heartbeat, Msg.Credit, Msg.Trace].includes(b[0] as Msg)),
  fc.tuple(header, fc.uint8Array({ maxLength: 48 })).map(([h, b]) => Buffer.concat([h, b])),
  step,
  strayQuit,
);

/**
 * TRACE requests naming paths that lead out of the waves directory, random names (some valid:
 * they create waveforms inside it) and paths pieced together from hostile components. `outside`
 * is a directory beside the harness's waves directory that no TRACE may write into, `link` the
 * name of a symbolic link in the waves directory that points there.
 */
export function traceFrame(outside: string, link: string): fc.Arbitrary<Uint8Array> {
  const hostile = [`${outside}/absolute.fst`, `../${path.basename(outside)}/up.fst`, `${link}/through.fst`, `${link}`,
    'a/../../x.fst', './x.fst', 'a//b.fst', '', 'x.txt', 'dir/', '/', '..'];
  const name = fc.oneof(
    fc.constantFrom(...hostile),
    fc.string({ maxLength: 24 }),
    fc.array(fc.constantFrom('a', '..', '.', '', link, 'b.fst', path.basename(outside)), { maxLength: 5 }).map((p) => p.join('/')),
  );
  return fc.tuple(fc.boolean(), name, fc.nat()).map(([on, n, seq]) => new Encoder().reset(Msg.Trace, 0, seq).u8(on ? 1 : 0).str(n).frame());
}

/** A reply, decoded as far as the fuzzers look. */
export interface Reply {
  readonly type: Msg;
  readonly code?: ErrCode;
  readonly message?: string;
  /** The EVENT's time. */
  readonly time?: bigint;
}

export function decodeReply(frame: Buffer): Reply {
  const d = new Decoder(frame);
  const h = readHeader(d);
  if (h.type === Msg.Event) return { type: h.type, time: d.u64() };
  if (h.type !== Msg.Error) return { type: h.type };
  const code = d.u16() as ErrCode;
  d.u16();
  return { type: h.type, code, message: d.str() };
}

/** The CURVE keys of a client socket (zeromq.js options), all Z85. */
export interface CurveKeys {
  readonly curveServerKey: string;
  readonly curvePublicKey: string;
  readonly curveSecretKey: string;
}

/** A ZeroMQ client without the bridge: sends any frame, and can go away without a word. */
export class RawClient {
  private readonly sock: Dealer;

  constructor(endpoint: string, curve?: CurveKeys) {
    this.sock = new Dealer({ linger: 0, receiveTimeout: 5000, ...curve });
    this.sock.connect(endpoint);
  }

  /** Sends `frame` and returns the reply (heartbeats and agent data skipped). */
  async ask(frame: Uint8Array): Promise<Reply> {
    await this.sock.send(Buffer.from(frame));
    for (;;) {
      const [reply] = await this.sock.receive();
      if (reply && reply.length && reply[0] !== Msg.HarnessHeartbeat && reply[0] !== Msg.AgentData) return decodeReply(reply);
    }
  }

  /** Sends `frame` without waiting for anything. */
  async post(frame: Uint8Array): Promise<void> {
    await this.sock.send(Buffer.from(frame));
  }

  /** Closes the socket at once, as a client that crashed or lost its network. */
  vanish(): void {
    this.sock.close();
  }
}

/** A TCP endpoint on this machine that nothing listens on right now. */
export async function freeTcpEndpoint(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(p));
    });
  });
  return `tcp://127.0.0.1:${port}`;
}
