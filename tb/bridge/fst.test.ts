// bridge/src/fst.ts: the names an FST waveform declares, as GTKWave shows them. Held to the
// waveform the harness writes (Verilator's FST writer, LZ4 hierarchy) and to hierarchy blocks
// built here in the other encodings the format has (gzip; LZ4 twice over).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test as plain } from 'vitest';
import { Clock, ClockCycles } from '../../bridge/src/index.js';
import { FstFormatError, fstSignals } from '../../bridge/src/fst.js';
import { simTest, wavePath } from '../../bridge/src/vitest.js';
import { counter } from './tops.js';

const test = simTest(counter);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'cellbench-fst-'));

/** The hierarchy of `top.u.x[3:0]` and `top.y`: scope, var, scope, var, upscope, upscope. */
function tokens(): Buffer {
  const s = (t: number, name: string): Buffer => Buffer.concat([Buffer.from([254, t]), Buffer.from(`${name}\0\0`, 'latin1')]);
  const v = (name: string, width: number): Buffer => Buffer.concat([Buffer.from([16, 0]), Buffer.from(`${name}\0`, 'latin1'), Buffer.from([width, 0])]);
  return Buffer.concat([s(0, 'top'), v('y', 1), Buffer.from([252, 0, 0]), Buffer.from('attr\0', 'latin1'), Buffer.from([0]), s(0, 'u'), v('x [3:0]', 4), Buffer.from([255, 253, 255])]);
}

/** An LZ4 block holding `data` as literals only (a valid block: one sequence, no match). */
function lz4Literals(data: Buffer): Buffer {
  const n = data.length;
  const ext: number[] = [];
  if (n >= 15) {
    let r = n - 15;
    for (; r >= 255; r -= 255) ext.push(255);
    ext.push(r);
  }
  return Buffer.concat([Buffer.from([Math.min(n, 15) << 4, ...ext]), data]);
}

function block(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head[0] = type;
  head.writeBigUInt64BE(BigInt(body.length + 8), 1);
  return Buffer.concat([head, body]);
}

const u64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

describe('fstSignals', () => {
  test('names what the harness traced, as GTKWave does: scopes joined by dots, bit ranges without the space', async ({ sim, dut, task }) => {
    const file = wavePath(task.file.filepath, task.name);
    await sim.trace(file);
    new Clock(dut.clk_i, 10, 'ns').start();
    await ClockCycles(dut.clk_i, 20);
    await sim.trace(undefined);
    const names = fstSignals(file);
    for (const n of ['TOP.clk_i', 'TOP.counter.count_o[7:0]', 'TOP.counter.wide_i[127:0]', 'TOP.counter.u_core.state_q[7:0]', 'TOP.counter.u_core.clk_i']) expect(names).toContain(n);
    expect(names.every((n) => !/ /.test(n)), names.find((n) => / /.test(n))).toBe(true);
    rmSync(file);
  });

  plain('reads a gzip hierarchy block and a doubly LZ4-compressed one, attributes skipped', () => {
    const t = tokens();
    const gz = path.join(scratch, 'gz.fst');
    writeFileSync(gz, Buffer.concat([block(0, Buffer.alloc(321)), block(4, Buffer.concat([u64(t.length), gzipSync(t)]))]));
    expect(fstSignals(gz)).toEqual(['top.y', 'top.u.x[3:0]']);
    const once = lz4Literals(t);
    const duo = path.join(scratch, 'duo.fst');
    writeFileSync(duo, Buffer.concat([block(0, Buffer.alloc(321)), block(7, Buffer.concat([u64(t.length), Buffer.from([once.length]), lz4Literals(once)]))]));
    expect(fstSignals(duo)).toEqual(['top.y', 'top.u.x[3:0]']);
  });

  plain('a file that is no FST, or one whose hierarchy was never written, is named in the error', () => {
    const junk = path.join(scratch, 'junk.fst');
    writeFileSync(junk, 'not a waveform at all');
    expect(() => fstSignals(junk)).toThrow(FstFormatError);
    expect(() => fstSignals(junk)).toThrow(/junk\.fst: block 110 at byte 0 runs past the end/);
    const open = path.join(scratch, 'open.fst');
    writeFileSync(open, block(0, Buffer.alloc(321)));
    expect(() => fstSignals(open)).toThrow(/open\.fst: no hierarchy block/);
    rmSync(scratch, { recursive: true, force: true });
  });
});
