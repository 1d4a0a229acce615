// A harness writes waveforms under its waves directory and nowhere else (bridge/PROTOCOL.md,
// TRACE): a TRACE naming an absolute path, a `..`, a symbolic link leading out, or anything else
// that is not a plain .fst name below the directory is an ERROR naming the path, and creates
// nothing anywhere. A spawned harness, then one started by hand without --waves-dir.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTop } from '../../bridge/src/build.js';
import { Connection } from '../../bridge/src/connection.js';
import { Encoder, ErrCode, Msg, PROTOCOL_VERSION } from '../../bridge/src/protocol.js';
import { decodeReply, freeTcpEndpoint, RawClient, type Reply } from './frames.js';
import { counter } from './tops.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cellbench-waves-'));
const wavesDir = path.join(scratch, 'waves');
const outside = path.join(scratch, 'outside');
let conn: Connection;

const hello = new Encoder().reset(Msg.Hello, 0, 0).u16(PROTOCOL_VERSION).u16(0).frame();
const trace = (name: string, on = 1): Buffer => new Encoder().reset(Msg.Trace, 0, 1).u8(on).str(name).frame();
const ask = async (frame: Buffer): Promise<Reply> => decodeReply(await conn.request(frame));

/** Every entry below `dir`, as paths relative to it. */
const tree = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

beforeAll(async () => {
  mkdirSync(wavesDir);
  mkdirSync(outside);
  symlinkSync(outside, path.join(wavesDir, 'out'));                         // a folder leading out
  symlinkSync(path.join(outside, 'evil.fst'), path.join(wavesDir, 'evil.fst'));  // a file leading out
  mkdirSync(path.join(wavesDir, 'sub'));
  symlinkSync('../../outside', path.join(wavesDir, 'sub', 'up'));          // relative, one level down
  mkdirSync(path.join(wavesDir, 'dir.fst'));
  execFileSync('mkfifo', [path.join(wavesDir, 'fifo.fst')]);              // would block an open for writing
  conn = await Connection.spawn((await buildTop(counter)).harness, [], { wavesDir });
  expect((await ask(hello)).type).toBe(Msg.HelloOk);
});

afterAll(async () => {
  await conn.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('TRACE on a spawned harness', () => {
  const refused: [string, string, RegExp][] = [
    ['an absolute path', `${outside}/abs.fst`, /it is absolute/],
    ['an absolute path to /tmp', '/tmp/cellbench-evil-file.fst', /it is absolute/],
    ['a .. leaving the directory', '../outside/up.fst', /a '\.\.' component/],
    ['a .. inside a longer path', 'sub/../../outside/x.fst', /a '\.\.' component/],
    ['a folder that is a symbolic link out', 'out/through.fst', /\/out is a symbolic link, which could lead out of the waves directory/],
    ['a symbolic link one level down', 'sub/up/x.fst', /\/sub\/up is a symbolic link/],
    ['a file that is a symbolic link out', 'evil.fst', /\/evil\.fst is a symbolic link/],
    ['a FIFO', 'fifo.fst', /fifo\.fst is not a regular file/],
    ['a directory', 'dir.fst', /dir\.fst is not a regular file/],
    ['a . component', './x.fst', /a '\.' component/],
    ['an empty component', 'a//x.fst', /an empty component/],
    ['a trailing /', 'a/', /an empty component/],
    ['no .fst ending', 'notes.txt', /a waveform file's name ends in \.fst/],
    ['an empty path', '', /empty/],
    ['a control character', 'a\nb.fst', /a control character/],
    ['an overlong component', `${'x'.repeat(300)}.fst`, /a component longer than 250 bytes/],
  ];
  test.each(refused)('refuses %s, naming it, and creates nothing', async (_what, name, why) => {
    const before = tree(wavesDir);
    const r = await ask(trace(name));
    expect(r.code, r.message).toBe(ErrCode.Trace);
    expect(r.message).toMatch(why);
    expect(r.message).toContain(`TRACE path '${name.replace('\n', '\\x0a').slice(0, 200)}`);
    expect(r.message).toContain(`this harness writes waveforms only under ${wavesDir}`);
    expect(readdirSync(outside)).toEqual([]);
    expect(tree(wavesDir)).toEqual(before);
  });

  test('writes a name below the directory, creating its folders, and tracing goes on', async () => {
    expect((await ask(trace('uart/deep/x.fst'))).type).toBe(Msg.Ok);
    expect((await ask(new Encoder().reset(Msg.Step, 0, 2).u32(0).frame())).type).toBe(Msg.Event);
    expect((await ask(trace('', 0))).type).toBe(Msg.Ok);
    const file = path.join(wavesDir, 'uart', 'deep', 'x.fst');
    expect(statSync(file).size).toBeGreaterThan(0);
    expect(existsSync(`${file}.hier`)).toBe(false);  // the FST writer's scratch file, beside it, is gone
    expect(readdirSync(outside)).toEqual([]);
  });

  test('a refused TRACE leaves the waveform being written alone', async () => {
    expect((await ask(trace('kept.fst'))).type).toBe(Msg.Ok);
    expect((await ask(trace('/tmp/x.fst'))).code).toBe(ErrCode.Trace);
    expect((await ask(trace('', 0))).type).toBe(Msg.Ok);
    expect(statSync(path.join(wavesDir, 'kept.fst')).size).toBeGreaterThan(0);
  });

  test('the bridge names a path under its waves directory relative to it, and sends any other as it is', () => {
    expect(conn.waveName(path.join(wavesDir, 'uart', 'x.fst'))).toBe('uart/x.fst');
    expect(conn.waveName('/tmp/x.fst')).toBe('/tmp/x.fst');
    expect(conn.waveName(path.join(wavesDir, '..', 'outside', 'x.fst'))).toBe(path.join(outside, 'x.fst'));
  });
});

test('a harness started without --waves-dir writes no waveform at all', async () => {
  const endpoint = await freeTcpEndpoint();
  const child = spawn((await buildTop(counter)).harness, ['--bind', endpoint, '--insecure', '--once'], { stdio: 'ignore' });
  const c = new RawClient(endpoint);
  try {
    expect((await c.ask(hello)).type).toBe(Msg.HelloOk);
    const r = await c.ask(trace('x.fst'));
    expect(r.code).toBe(ErrCode.Trace);
    expect(r.message).toMatch(/TRACE path 'x\.fst' refused: this harness was started without --waves-dir, so it writes no waveforms/);
    expect((await c.ask(new Encoder().reset(Msg.Quit, 0, 3).frame())).type).toBe(Msg.Bye);
  } finally {
    c.vanish();
  }
  expect(await once(child, 'exit')).toEqual([0, null]);
});
