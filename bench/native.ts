// Builds and runs the native (no-bridge) baselines of the benchmarks, cached by content like
// the harness builds.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MAKE_VARS } from '../bridge/src/build.js';
import { cacheDir, ROOT, verilatorBin } from '../bridge/src/paths.js';

export const run = promisify(execFile);

async function keyOf(files: readonly string[], extra: string): Promise<string> {
  const h = createHash('sha256').update(extra);
  for (const f of files) h.update(await fs.readFile(f));
  return h.digest('hex').slice(0, 16);
}

/**
 * A Verilated `top` in a plain C++ loop (`main`, a bench/native/ file, including `Vtop.h`),
 * cached by content. @defaultValue the axis_slice baseline (bench/native/native_main.cpp)
 */
export async function nativeBinary(
  top = 'axis_slice',
  sources: readonly string[] = ['rtl/common/axis_slice.sv'],
  main = 'bench/native/native_main.cpp',
): Promise<string> {
  const files = [...sources, main].map((f) => path.join(ROOT, f));
  const { stdout: version } = await run(verilatorBin(), ['--version']);
  const dir = path.join(cacheDir(), `bench-native-${await keyOf(files, `${version} ${top}`)}`);
  const bin = path.join(dir, 'Vtop');
  if (existsSync(bin)) return bin;
  const tmp = `${dir}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  await run(verilatorBin(), ['--cc', '--exe', '--build', '-j', '2', '--prefix', 'Vtop', '--Mdir', tmp, '-Wno-fatal',
    '--timescale', '1ns/1ps', '-CFLAGS', '-O2', '-MAKEFLAGS', MAKE_VARS.join(' '), '--top-module', top, ...files], { maxBuffer: 64 << 20 });
  await fs.rename(tmp, dir);
  return bin;
}

/** The C++ ZeroMQ ping client (bench/native/zmq_ping.cpp). */
export async function zmqPingBinary(): Promise<string> {
  const src = path.join(ROOT, 'bench/native/zmq_ping.cpp');
  const bin = path.join(cacheDir(), `bench-zmq-ping-${await keyOf([src], 'g++ -O2')}`);
  if (!existsSync(bin)) {
    await fs.mkdir(cacheDir(), { recursive: true });
    await run('g++', ['-O2', '-std=c++17', '-o', `${bin}.tmp`, src, '-lzmq']);
    await fs.rename(`${bin}.tmp`, bin);
  }
  return bin;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
