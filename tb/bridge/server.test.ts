// The harness started by hand (`npx tsx bridge/src/cli/harness.ts <top> tcp://…`) as a long-lived
// server: one client's session after another, each on a fresh model, whatever the clients before
// sent or however they went (QUIT, gone mid-STEP, silent), a second client refused while one is
// served, a test written for another top refused by name; and --once for a single session.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTop, Clock, ClockCycles, Simulator } from '../../bridge/src/index.js';
import { Encoder, ErrCode, Msg, Op, PROTOCOL_VERSION, STEP_RUN, TrigKind } from '../../bridge/src/protocol.js';
import { ROOT } from '../../bridge/src/paths.js';
import { seededTest } from '../../bridge/src/vitest.js';
import { freeTcpEndpoint, fuzzFrame, RawClient, REPLIES, type Reply } from './frames.js';
import { counter, ticker } from './tops.js';

const PEER_TIMEOUT_MS = 1000;
let endpoint: string;
let server: ChildProcess;
let log = '';

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
  // `npx tsx …` as a person types it, less npx's and tsx's own processes, so the signal that
  // stops it reaches the CLI, and the exit code is the harness's.
  server = spawn(process.execPath, ['--import', 'tsx', 'bridge/src/cli/harness.ts', 'counter', endpoint, '--peer-timeout-ms', String(PEER_TIMEOUT_MS)], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.setEncoding('utf8').on('data', (s: string) => (log += s));
  server.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  while (!log.includes('listening on')) {
    if (server.exitCode !== null) throw new Error(`the harness CLI exited: ${log}`);
    await sleep(50);
  }
});

afterAll(async () => {
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  expect(code, log).toBe(0);  // the harness stopped cleanly, and the CLI with it
});

describe('a hand-started harness serves one session after another', () => {
  seededTest('clients in sequence, each with random frames, then quitting or going away mid-STEP: each gets a fresh model', async ({ seed }) => {
    const client = fc.record({
      frames: fc.array(fuzzFrame, { maxLength: 25 }),
      end: fc.constantFrom('quit', 'vanish', 'vanish mid-STEP'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(client, { minLength: 2, maxLength: 4 }), async (clients) => {
        for (const { frames, end } of clients) {
          const c = new RawClient(endpoint);
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
        }
      }),
      { seed, numRuns: 6 },
    );
    expect(log).toMatch(/session with 127\.0\.0\.1 ended: it went away/);
    expect(log).toMatch(/session with 127\.0\.0\.1 ended: it quit/);
  }, 120_000);

  test('a second client is refused while one is served, without disturbing it', async () => {
    const a = new RawClient(endpoint);
    const b = new RawClient(endpoint);
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

  test('a client silent for the peer timeout loses its session, and needs a new HELLO', async () => {
    const a = new RawClient(endpoint);
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
    await expect(Simulator.start(ticker, { endpoint })).rejects.toThrow(/simulates top 'counter', but this test needs 'ticker'/);
    for (let file = 0; file < 2; file++) {
      const sim = await Simulator.start(counter, { endpoint });
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
  const ep = await freeTcpEndpoint();
  const child = spawn((await buildTop(counter)).harness, ['--bind', ep, '--once'], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  const sim = await Simulator.start(counter, { endpoint: ep });
  await sim.close();
  expect(await exited).toEqual([0, null]);
});
