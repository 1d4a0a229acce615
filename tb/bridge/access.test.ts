// Who may drive a harness (bridge/PROTOCOL.md, Access). A harness started by hand on tcp serves
// CURVE only: a test without keys, with the wrong server key or with a key not on the
// allow-list is refused at the handshake, the harness logs it with the peer's address, and the
// test's error says which key to add where (doing what it says lets the client in); an allowed
// test machine runs a test file end to end, in a process of its own. Plain tcp only with
// --insecure, on loopback; a bare port binds loopback; a spawned harness's socket sits in a
// directory only this user can enter. The key files and the CLIs that write them.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { curveKeyPair } from 'zeromq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AccessError, buildTop, Simulator } from '../../bridge/src/index.js';
import { Connection } from '../../bridge/src/connection.js';
import { allowKey, isKey, readAllowList, readKeyPair, writeKeyPair } from '../../bridge/src/keys.js';
import { ROOT } from '../../bridge/src/paths.js';
import { freeTcpEndpoint } from './frames.js';
import { innerEnv, shell } from './inner.js';
import { counter } from './tops.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cellbench-access-'));
// The simulation machine's key directory: the CLIs' defaults point there.
const keysDir = path.join(scratch, 'sim-machine');
const env = innerEnv({ CELLBENCH_KEYS: keysDir });
const allowList = path.join(keysDir, 'allowed-clients');
const allowed = path.join(scratch, 'test-machine', 'client.key');
const stranger = path.join(scratch, 'stranger', 'client.key');
let port: number;
let endpoint: string;
let server: ChildProcess;
let log = '';
let serverKey: string;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until the harness's log matches `re`. */
async function logged(re: RegExp): Promise<void> {
  // Generous: a harness's start (and first CURVE key) takes seconds on a loaded machine.
  const deadline = performance.now() + 60_000;
  while (!re.test(log)) {
    if (performance.now() > deadline) throw new Error(`the harness never logged ${re}:\n${log}`);
    await sleep(20);
  }
}

/** Runs the harness binary with `args` to its exit; resolves with its code and what it printed. */
async function harness(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn((await buildTop(counter)).harness, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out };
}

const refusal = (p: Promise<unknown>): Promise<AccessError> => p.then(
  () => { throw new Error('the harness let the client in'); },
  (e: unknown) => e as AccessError,
);

beforeAll(async () => {
  await buildTop(counter);  // the CLI then finds it in the cache, and listens at once
  endpoint = await freeTcpEndpoint();
  port = Number(endpoint.split(':').at(-1));
  writeKeyPair(allowed, 'the test machine');
  writeKeyPair(stranger, 'a stranger');
  allowKey(allowList, readKeyPair(allowed, '').publicKey, 'test-machine');
  // As a person starts it: no key files yet (the harness's is made on first use), the address
  // left out (loopback).
  server = spawn(process.execPath, ['--import', 'tsx', 'bridge/src/cli/harness.ts', 'counter', `tcp://:${port}`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.setEncoding('utf8').on('data', (s: string) => (log += s));
  server.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  await logged(/listening on/);
  serverKey = readKeyPair(path.join(keysDir, 'harness.key'), '').publicKey;
}, 300_000);

afterAll(async () => {
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  expect(((await exited) as [number | null])[0], log).toBe(0);
  rmSync(scratch, { recursive: true, force: true });
});

describe('a harness started by hand on tcp', () => {
  test('binds loopback when the address is left out, serves CURVE with a key pair made on first use, readable by its owner only', () => {
    expect(log).toContain(`created this harness's key pair in ${path.join(keysDir, 'harness.key')}`);
    expect(log).toContain(`listening on tcp://127.0.0.1:${port} with CURVE: server public key '${serverKey}', clients admitted by ${allowList}`);
    expect(statSync(path.join(keysDir, 'harness.key')).mode & 0o777).toBe(0o600);
    expect(statSync(keysDir).mode & 0o777).toBe(0o700);
  });

  test('refuses a client without keys at the handshake, telling it what to set', async () => {
    const err = await refusal(Simulator.start(counter, { endpoint }));
    expect(err).toBeInstanceOf(AccessError);
    expect(err.message).toMatch(/broke off the handshake: it admits CURVE clients only .*Set SIM_SERVER_KEY to its public key/);
    // Whichever side notices the mismatch first: the harness sees either it or the client hang up.
    await logged(/refused 127\.0\.0\.1:\d+: (it does not use CURVE|the handshake broke off \(.*\): a client without CURVE keys gives up so)/);
  });

  test('refuses a client that names the wrong server key', async () => {
    const wrong = curveKeyPair().publicKey;
    const err = await refusal(Simulator.start(counter, { endpoint, serverKey: wrong, clientKey: allowed }));
    expect(err.message).toContain(`broke off the CURVE handshake: SIM_SERVER_KEY ('${wrong}') is not its public key`);
    await logged(/refused 127\.0\.0\.1:\d+: its CURVE handshake does not decrypt: it names another server key/);
  });

  test('refuses a key not on the allow-list, naming the key and the command that admits it; after it, the client gets in', async () => {
    const key = readKeyPair(stranger, '').publicKey;
    const err = await refusal(Simulator.start(counter, { endpoint, serverKey, clientKey: stranger }));
    expect(err.message).toContain(`refused this client's key '${key}' (${stranger}): it is not on the harness's allow-list`);
    await logged(new RegExp(`refused 127\\.0\\.0\\.1: client key ${key.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} is not in the allow-list`));
    const command = /^ {2}(npx tsx bridge\/src\/cli\/keys\.ts allow .*)$/m.exec(err.message)?.[1];
    expect(command).toBeDefined();
    const ran = await shell(command!, env);  // on the simulation machine: its key directory
    expect(ran.out).toMatch(/is now admitted by/);
    const sim = await Simulator.start(counter, { endpoint, serverKey, clientKey: stranger });  // no restart
    await sim.close();
    // The harness's log comes through a pipe: it may arrive after the client's close.
    await logged(new RegExp(`serving 127\\.0\\.0\\.1, client ${os.userInfo().username}@`));
  }, 120_000);

  test('an allowed test machine runs a test file end to end, in a process of its own', async () => {
    const run = await shell('npx vitest run tb/bridge/readme.test.ts', innerEnv({
      SIM_ENDPOINT: endpoint, SIM_SERVER_KEY: serverKey, SIM_CLIENT_KEY: allowed, CELLBENCH_REPORTS: path.join(scratch, 'reports'),
    }));
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/1 passed/);
    await logged(/admitted 127\.0\.0\.1: client key \S+ test-machine/);
    await logged(/serving 127\.0\.0\.1, client test-machine/);
  }, 120_000);

  test('a test names the server key by file too, and a remote endpoint without one is refused before connecting', async () => {
    const sim = await Simulator.start(counter, { endpoint, serverKey: path.join(keysDir, 'harness.key'), clientKey: allowed });
    await sim.close();
    await expect(Simulator.start(counter, { endpoint: 'tcp://192.0.2.1:5555' })).rejects.toThrow(
      /a harness on another machine is reached only with CURVE: set SIM_SERVER_KEY/);
  });
});

describe('what a harness refuses to serve', () => {
  test('tcp without keys', async () => {
    const r = await harness(['--bind', endpoint.replace(String(port), String(port + 1))]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/is served only with CURVE: give --key FILE .* and --allow FILE .*; or, for tests on this machine only, --insecure with a loopback address/);
  });

  test('--insecure on any address but loopback', async () => {
    const r = await harness(['--bind', 'tcp://0.0.0.0:0', '--insecure']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/--insecure serves plain tcp on loopback only, and tcp:\/\/0\.0\.0\.0:0 binds tcp:\/\/0\.0\.0\.0:\d+/);
  });

  test('a secret key file others may read', async () => {
    const loose = path.join(scratch, 'loose.key');
    writeFileSync(loose, readFileSync(path.join(keysDir, 'harness.key')), { mode: 0o644 });
    const r = await harness(['--bind', 'tcp://127.0.0.1:0', '--key', loose, '--allow', allowList]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`server key file ${loose} has mode 644: others may read the secret key; run chmod 600 on it`);
  });

  test('a plain ipc socket in a directory others may enter', async () => {
    const r = await harness(['--bind', `ipc://${os.tmpdir()}/cellbench-shared.sock`]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/a plain ipc socket must be in a directory that only you can enter/);
  });
});

test("a spawned harness's socket lives in a fresh directory only this user can enter", async () => {
  const conn = await Connection.spawn((await buildTop(counter)).harness, []);
  try {
    const dir = path.dirname(conn.endpoint.replace(/^ipc:\/\//, ''));
    const st = statSync(dir);
    expect(st.mode & 0o777).toBe(0o700);
    expect(st.uid).toBe(process.getuid!());
    expect(path.basename(dir)).toMatch(/^cellbench-\w{6}$/);  // mkdtemp's random name, not the pid
    expect(path.basename(dir)).not.toContain(String(process.pid));
  } finally {
    await conn.close();
  }
});

describe('key files', () => {
  test('a key is 40 characters of Z85 whose groups fit 32 bits', () => {
    expect(isKey(curveKeyPair().publicKey)).toBe(true);
    expect(isKey('x'.repeat(39))).toBe(false);
    expect(isKey(`%${'#'.repeat(39)}`)).toBe(false);  // a group above 2³²
    expect(isKey(`${'0'.repeat(39)} `)).toBe(false);
  });

  test('an allow-list has a key a line, each with an optional name; comments and other lines admit nobody, for the harness too', async () => {
    const pair = curveKeyPair();
    const file = path.join(scratch, 'named.key');
    writeFileSync(file, `public-key = ${pair.publicKey}\nsecret-key = ${pair.secretKey}\n`, { mode: 0o600 });
    const stray = curveKeyPair().publicKey;
    writeFileSync(allowList, `${readFileSync(allowList, 'utf8')}# ${stray} a comment\nnot-a-key someone\n`);
    expect(allowKey(allowList, pair.publicKey, 'named one')).toBe(true);
    expect(allowKey(allowList, pair.publicKey, 'named one')).toBe(false);
    const list = readAllowList(allowList);
    expect(list.get(pair.publicKey)).toBe('named one');
    expect(list.has(stray)).toBe(false);
    const sim = await Simulator.start(counter, { endpoint, serverKey, clientKey: file });
    await sim.close();
    await logged(/serving 127\.0\.0\.1, client named one\n/);
    await logged(/allowed-clients line \d+ is not a Z85 public key \(40 characters\), ignored/);
  });

  test('a key pair others may read is refused, saying how to fix it', () => {
    const file = path.join(scratch, 'open.key');
    writeFileSync(file, readFileSync(allowed), { mode: 0o640 });
    expect(() => readKeyPair(file, 'x')).toThrow(`${file} has mode 640: others may read its secret key; run chmod 600 ${file}`);
  });

  test('keys.ts client writes this machine\'s key pair once and prints the command that admits it', async () => {
    const first = await shell('npx tsx bridge/src/cli/keys.ts client', innerEnv({ CELLBENCH_KEYS: path.join(scratch, 'cli') }));
    const again = await shell('npx tsx bridge/src/cli/keys.ts client', innerEnv({ CELLBENCH_KEYS: path.join(scratch, 'cli') }));
    const pub = readKeyPair(path.join(scratch, 'cli', 'client.key'), '').publicKey;
    expect(first.out).toContain('(written now)');
    expect(again.out).not.toContain('(written now)');
    expect(again.out).toContain(`npx tsx bridge/src/cli/keys.ts allow '${pub}' --name `);
    expect(statSync(path.join(scratch, 'cli', 'client.key')).mode & 0o777).toBe(0o600);
  }, 60_000);
});
