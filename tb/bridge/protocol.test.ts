// The harness against malformed input: every frame gets an error or a valid answer, never a
// crash or a hang, and no TRACE writes outside its waves directory. Frames come from fast-check
// (seeded: SEED=… replays a failure). tb/bridge/server.test.ts fuzzes one behind CURVE.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTop } from '../../bridge/src/build.js';
import { Connection } from '../../bridge/src/connection.js';
import { Decoder, Encoder, ErrCode, Msg, Op, PROTOCOL_VERSION, readHeader, TrigKind } from '../../bridge/src/protocol.js';
import { decodeReply, fuzzFrame, REPLIES, traceFrame, type Reply } from './frames.js';
import { counter } from './tops.js';

const seed = process.env.SEED ? Number(process.env.SEED) : Date.now() % 2 ** 31;
let conn: Connection;
// The harness's waves directory, with links out of it to `outside`, where nothing may appear.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'cellbench-protocol-'));
const wavesDir = path.join(scratch, 'waves');
const outside = path.join(scratch, 'outside');

async function ask(frame: Uint8Array): Promise<Reply> {
  return decodeReply(await conn.request(Buffer.from(frame)));
}

function checkReply(r: Reply): void {
  expect(REPLIES.has(r.type)).toBe(true);
  if (r.type === Msg.Error) {
    expect(ErrCode[r.code!]).toBeDefined();
    expect(r.message!.length).toBeGreaterThan(5);
  }
  expect(conn.process?.exitCode).toBeNull();
}

beforeAll(async () => {
  mkdirSync(wavesDir);
  mkdirSync(outside);
  symlinkSync(outside, path.join(wavesDir, 'link'));
  symlinkSync(path.join(outside, 'target.fst'), path.join(wavesDir, 'link.fst'));
  conn = await Connection.spawn((await buildTop(counter)).harness, [], { wavesDir });
  const r = await ask(new Encoder().reset(Msg.Hello, 0, 0).u16(PROTOCOL_VERSION).u16(0).frame());
  expect(r.type).toBe(Msg.HelloOk);
});

afterAll(async () => {
  await conn.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('malformed frames (fast-check)', () => {
  test('random bytes, random bodies behind valid headers, random op lists, QUITs with stray bytes, TRACEs that try to leave the waves directory', async () => {
    // fast-check names the seed and path of a failure; SEED=<seed> replays it.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ arbitrary: fuzzFrame, weight: 9 }, { arbitrary: traceFrame(outside, 'link'), weight: 1 }),
        async (frame) => {
          checkReply(await ask(frame));
          expect(readdirSync(outside)).toEqual([]);
        },
      ),
      { seed, numRuns: 1500 },
    );
    // Still healthy: it answers a ping, and a well-formed STEP gets an EVENT.
    expect((await ask(new Encoder().reset(Msg.Ping, 0, 9).u32(7).frame())).type).toBe(Msg.Pong);
    expect((await ask(new Encoder().reset(Msg.Step, 0, 10).u32(0).frame())).type).toBe(Msg.Event);
  });
});

describe('directed errors', () => {
  test('each refusal names the problem', async () => {
    const cases: [Uint8Array, ErrCode, RegExp][] = [
      [new Encoder().reset(Msg.Hello, 0, 1).u16(99).u16(0).frame(), ErrCode.BadVersion, /protocol version 99/],
      [new Encoder().reset(0x33 as Msg, 0, 1).frame(), ErrCode.UnknownType, /unknown message type 0x33/],
      [Buffer.from([Msg.Step, 0, 0]), ErrCode.BadMessage, /truncated/],
      [new Encoder().reset(Msg.Step, 0, 1).u32(1).u8(Op.Write).u32(9999).frame(), ErrCode.UnknownSignal, /op 0: write signal id 9999/],
      [new Encoder().reset(Msg.Step, 0, 1).u32(1).u8(Op.Write).u32(3).u32(0x1ff).frame(), ErrCode.WidthOverflow, /a_i does not fit in 8 bits/],
      [new Encoder().reset(Msg.Step, 0, 1).u32(1).u8(Op.Write).u32(7).u32(1).frame(), ErrCode.NotWritable, /count_o is not writable/],
      [new Encoder().reset(Msg.Step, 0, 1).u32(1).u8(Op.Force).u32(7).u32(1).frame(), ErrCode.NotForceable, /count_o is not forceable/],
      [new Encoder().reset(Msg.Step, 0, 1).u32(1).u8(Op.Arm).u32(5).u8(TrigKind.Rising).u32(7).frame(), ErrCode.BadTrigger, /1-bit signal; count_o is 8 bits/],
      [new Encoder().reset(Msg.Step, 0, 1).u32(1).u8(Op.Arm).u32(5).u8(TrigKind.Timer).u64(0).frame(), ErrCode.BadTrigger, /Timer of 0/],
      [new Encoder().reset(Msg.Step, 0, 1).u32(1).u8(77).frame(), ErrCode.BadOp, /unknown op code 77/],
      [new Encoder().reset(Msg.Step, 0, 1).u32(0).u8(1).frame(), ErrCode.BadMessage, /stray bytes/],
      [new Encoder().reset(Msg.MemRead, 0, 1).u32(0).u32(0).u32(1).frame(), ErrCode.NotMemory, /clk_i is not a memory/],
      [new Encoder().reset(Msg.MemRead, 0, 1).u32(13).u32(10).u32(7).frame(), ErrCode.OutOfRange, /u_core.mem: elements \[10, 17\)/],
      [new Encoder().reset(Msg.Trace, 0, 1).u8(1).str('/no/such/dir/w.fst').frame(), ErrCode.Trace, /TRACE path '\/no\/such\/dir\/w.fst' refused: it is absolute/],
      [new Encoder().reset(Msg.Quit, 0, 1).u8(0).frame(), ErrCode.BadMessage, /QUIT: 1 stray bytes/],
      [new Encoder().reset(Msg.Restart, 0, 1).u32(0).frame(), ErrCode.BadMessage, /RESTART: 4 stray bytes/],
      [new Encoder().reset(Msg.Hello, 0, 1).u16(PROTOCOL_VERSION).u16(0).u8(7).frame(), ErrCode.BadMessage, /HELLO: 1 stray bytes/],
    ];
    for (const [frame, code, text] of cases) {
      const r = await ask(frame);
      expect(r.type, `reply to ${Buffer.from(frame).toString('hex')}`).toBe(Msg.Error);
      expect(ErrCode[r.code!]).toBe(ErrCode[code]);
      expect(r.message).toMatch(text);
    }
  });

  test('a refused batch changes nothing: ops are validated before any is applied', async () => {
    await ask(new Encoder().reset(Msg.Restart, 0, 1).frame());
    // Write a_i = 5, then a bad op: a_i must stay 0.
    const bad = new Encoder().reset(Msg.Step, 0, 2).u32(2).u8(Op.Write).u32(3).u32(5).u8(Op.Write).u32(9999).u32(0).frame();
    expect((await ask(bad)).code).toBe(ErrCode.UnknownSignal);
    const d = new Decoder(await conn.request(new Encoder().reset(Msg.Step, 0, 3).u32(0).frame()));
    readHeader(d);
    d.u64(); d.u8(); d.u8(); d.u16(); d.u64(); d.u64();
    d.words(d.u32());
    d.u32();
    const words = d.words(d.u32());
    expect(words[3]).toBe(0);  // a_i is the fourth port, one word each before the wide ones
  });
});
