// The harness started by hand (`npx tsx bridge/src/cli/harness.ts <top> tcp://…`) as a long-lived
// server behind CURVE, as it runs by default: one client's session after another, each on a
// fresh model, whatever the clients before sent (random frames, TRACEs that try to leave its
// waves directory) or however they went (QUIT, gone mid-STEP, silent), a second client refused
// while one is served, a test written for another top refused by name; and --once for a
// single session. tb/bridge/access.test.ts has who gets in and who does not.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTop, Clock, ClockCycles, Simulator } from '../../bridge/src/index.js';
import { allowKey, readKeyPair, writeKeyPair } from '../../bridge/src/keys.js';
import { Encoder, ErrCode, Msg, Op, PROTOCOL_VERSION, STEP_RUN, TrigKind } from '../../bridge/src/protocol.js';
import { ROOT } from '../../bridge/src/paths.js';
import { seededTest } from '../../bridge/src/vitest.js';
import { freeTcpEndpoint, fuzzFrame, RawClient, REPLIES, traceFrame, type CurveKeys, type Reply } from './frames.js';
import { counter, ticker } from './tops.js';

const PEER_TIMEOUT_MS = 1000;
let endpoint: string;
let server: ChildProcess;
let log = '';
// The harness's keys and waves directory, in a scratch directory; `outside` sits beside the
// waves directory, which holds links to it: no TRACE may ever write there.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'cellbench-server-'));
const keyFile = path.join(scratch, 'keys', 'harness.key');  // written by the CLI on first use
const allowFile = path.join(scratch, 'keys', 'allowed-clients');
const clientKeyFile = path.join(scratch, 'keys', 'client.key');
const wavesDir = path.join(scratch, 'waves');
const outside = path.join(scratch, 'outside');
let curve: CurveKeys;
/** Options that attach a Simulator as this test's allowed client. */
const attach = (): { endpoint: string; serverKey: string; clientKey: string } => ({ endpoint, serverKey: curve.curveServerKey, clientKey: clientKeyFile });

const hello = new Encoder().reset(Msg.Hello, 0, 1).u16(PROTOCOL_VERSION).u16(0).frame();
const quit = new Encoder().reset(Msg.Quit, 0, 2).frame();
const ping = new Encoder().reset(Msg.Ping, 0, 3).u32(7).frame();
const peek = new Encoder().reset(Msg.Step, 0, 4).u32(0).frame();  // no ops, no run: the time now
/** Starts the counter's clock (signal 0, clk_i) and runs for 2e9 cycles: a STEP that takes long. */
const longStep = new Encoder().reset(Msg.Step, STEP_RUN, 5).u32(2)
  .u8(Op.Clock).u32(0).u64(10_000).u64(5_000).u64(0).u8(0)
  .u8(Op.Arm).u32(1).u8(TrigKind.Cycles).u32(0).u8(0).u64(2_000_000_000)
  .frame();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** HELLO until the session starts: the harness may not yet have noticed that the last client went. */
async function startSession(c: RawClient): Promise<Reply> {
  const deadline = performance.now() + 5000;
  for (;;) {
    const r = await c.ask(hello);
    if (r.code !== ErrCode.NoSession || performance.now() > deadline) return r;
    await sleep(50);
  }
}

function expectAlive(): void {
  expect(server.exitCode, log).toBeNull();
  expect(server.signalCode, log).toBeNull();
}

beforeAll(async () => {
  endpoint = await freeTcpEndpoint();
  mkdirSync(wavesDir);
  mkdirSync(outside);
  symlinkSync(outside, path.join(wavesDir, 'link'));
  symlinkSync(path.join(outside, 'target.fst'), path.join(wavesDir, 'link.fst'));
  const client = writeKeyPair(clientKeyFile, 'server.test.ts');
  allowKey(allowFile, client.publicKey, 'server.test.ts');
  // `npx tsx …` as a person types it, less npx's and tsx's own processes, so the signal that
  // stops it reaches the CLI, and the exit code is the harness's.
  server = spawn(process.execPath, ['--import', 'tsx', 'bridge/src/cli/harness.ts', 'counter', endpoint, '--peer-timeout-ms', String(PEER_TIMEOUT_MS),
    '--key', keyFile, '--allow', allowFile, '--waves-dir', wavesDir], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.setEncoding('utf8').on('data', (s: string) => (log += s));
  server.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  while (!log.includes('listening on')) {
    if (server.exitCode !== null) throw new Error(`the harness CLI exited: ${log}`);
    await sleep(50);
  }
  expect(log).toMatch(/with CURVE: server public key/);
  curve = { curveServerKey: readKeyPair(keyFile, '').publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey };
});

afterAll(async () => {
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  expect(code, log).toBe(0);  // the harness stopped cleanly, and the CLI with it
  rmSync(scratch, { recursive: true, force: true });
});

describe('a hand-started harness serves one session after another', () => {
  seededTest('CURVE clients in sequence, each with random frames and TRACEs, then quitting or going away mid-STEP: each gets a fresh model, nothing is written outside the waves directory', async ({ seed }) => {
    const client = fc.record({
      frames: fc.array(fc.oneof({ arbitrary: fuzzFrame, weight: 4 }, { arbitrary: traceFrame(outside, 'link'), weight: 1 }), { maxLength: 25 }),
      end: fc.constantFrom('quit', 'vanish', 'vanish mid-STEP'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(client, { minLength: 2, maxLength: 4 }), async (clients) => {
        for (const { frames, end } of clients) {
          const c = new RawClient(endpoint, curve);
          expect(await startSession(c)).toEqual({ type: Msg.HelloOk });
          expect((await c.ask(peek)).time).toBe(0n);  // whatever the client before ran
          for (const frame of frames) {
            const r = await c.ask(frame);
            expect(REPLIES.has(r.type), `reply 0x${r.type.toString(16)} to ${Buffer.from(frame).toString('hex')}`).toBe(true);
          }
          if (end === 'quit') expect((await c.ask(quit)).type).toBe(Msg.Bye);
          if (end === 'vanish mid-STEP') {
            await c.post(longStep);
            await sleep(100);
          }
          c.vanish();
          expectAlive();
          expect(readdirSync(outside)).toEqual([]);
        }
      }),
      { seed, numRuns: 6 },
    );
    expect(log).toMatch(/session with 127\.0\.0\.1 ended: it went away/);
    expect(log).toMatch(/session with 127\.0\.0\.1 ended: it quit/);
  }, 120_000);

  test('a second client is refused while one is served, without disturbing it', async () => {
    const a = new RawClient(endpoint, curve);
    const b = new RawClient(endpoint, curve);
    expect(await startSession(a)).toEqual({ type: Msg.HelloOk });
    const refused = await b.ask(hello);
    expect(refused.code).toBe(ErrCode.NoSession);
    expect(refused.message).toMatch(/serving another client's test; it serves one test file at a time/);
    expect((await a.ask(ping)).type).toBe(Msg.Pong);
    expect((await a.ask(quit)).type).toBe(Msg.Bye);
    expect(await startSession(b)).toEqual({ type: Msg.HelloOk });
    expect((await b.ask(quit)).type).toBe(Msg.Bye);
    a.vanish();
    b.vanish();
  });

  test('only a well-formed HELLO of this version starts a session', async () => {
    const a = new RawClient(endpoint, curve);
    const b = new RawClient(endpoint, curve);
    const old = await a.ask(new Encoder().reset(Msg.Hello, 0, 1).u16(PROTOCOL_VERSION - 1).u16(0).frame());
    expect(old.code).toBe(ErrCode.BadVersion);
    expect((await a.ask(ping)).code).toBe(ErrCode.NoSession);  // nothing started
    expect(await startSession(b)).toEqual({ type: Msg.HelloOk });  // nor is anyone kept waiting
    expect((await b.ask(quit)).type).toBe(Msg.Bye);
    a.vanish();
    b.vanish();
  });

  test('a client silent for the peer timeout loses its session, and needs a new HELLO', async () => {
    const a = new RawClient(endpoint, curve);
    expect(await startSession(a)).toEqual({ type: Msg.HelloOk });
    await sleep(PEER_TIMEOUT_MS + 600);
    const r = await a.ask(ping);
    expect(r.code).toBe(ErrCode.NoSession);
    expect(r.message).toMatch(/no session: a client starts one with HELLO/);
    expect(await startSession(a)).toEqual({ type: Msg.HelloOk });
    expect((await a.ask(quit)).type).toBe(Msg.Bye);
    a.vanish();
    expect(log).toMatch(/ended: it sent nothing for the peer timeout/);
  });

  test('test files one after another through the bridge, after one written for another top was refused', async () => {
    await expect(Simulator.start(ticker, attach())).rejects.toThrow(/simulates top 'counter', but this test needs 'ticker'/);
    for (let file = 0; file < 2; file++) {
      const sim = await Simulator.start(counter, attach());
      try {
        expect(sim.now).toBe(0n);
        new Clock(sim.dut.clk_i, 10, 'ns').start();
        sim.dut.rst_ni.value = 1;
        sim.dut.en_i.value = 1;
        await ClockCycles(sim.dut.clk_i, 5);
        expect(sim.dut.count_o.value).toBe(5);
      } finally {
        await sim.close();
      }
    }
    expectAlive();
  });
});

test('with --once the harness exits after its one session', async () => {
  const ep = await freeTcpEndpoint();  // loopback: --insecure allows it, and a client without keys
  const child = spawn((await buildTop(counter)).harness, ['--bind', ep, '--once', '--insecure'], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  const sim = await Simulator.start(counter, { endpoint: ep });
  await sim.close();
  expect(await exited).toEqual([0, null]);
});
