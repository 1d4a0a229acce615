// The signal names an FST waveform declares, read from its hierarchy block, as GTKWave names
// them (`TOP.top.u_sub.name[7:0]`): so a test can hold a GTKWave save file (make sim's, a failing
// property's) to the waveform it is for. Only the hierarchy is read, never the value changes.
// The format is GTKWave's (fstapi.c): blocks of a type byte and a big-endian u64 length (which
// counts itself), the hierarchy gzip-compressed (block 4) or LZ4 (6; 7 twice over, as Verilator's
// writer may choose), tokens of scopes, attributes and variables.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const BL_HIER = 4;
const BL_HIER_LZ4 = 6;
const BL_HIER_LZ4DUO = 7;
const ST_ATTRBEGIN = 252;
const ST_ATTREND = 253;
const ST_SCOPE = 254;
const ST_UPSCOPE = 255;

/** A file that is not an FST waveform, or whose hierarchy is unreadable. */
export class FstFormatError extends Error {
  override readonly name = 'FstFormatError';
}

/** Decodes one LZ4 block (the raw block format, no frame) of `size` bytes. */
function lz4Block(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let ip = 0;
  let op = 0;
  const length = (n: number): number => {
    if (n !== 15) return n;
    for (let b = 255; b === 255; n += b) b = src[ip++]!;
    return n;
  };
  while (ip < src.length) {
    const token = src[ip++]!;
    const lit = length(token >> 4);
    out.set(src.subarray(ip, ip + lit), op);
    ip += lit;
    op += lit;
    if (ip >= src.length) break;
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new FstFormatError(`LZ4: a match offset ${offset} at output byte ${op}`);
    const n = length(token & 15) + 4;
    for (let k = 0; k < n; k++, op++) out[op] = out[op - offset]!;
  }
  if (op !== size) throw new FstFormatError(`LZ4: ${op} bytes decoded, the block says ${size}`);
  return out;
}

/** Reads a LEB128 varint at `at.i`. */
function varint(b: Uint8Array, at: { i: number }): number {
  let v = 0;
  for (let shift = 1; ; shift *= 128) {
    const x = b[at.i++]!;
    v += (x & 0x7f) * shift;
    if (!(x & 0x80)) return v;
  }
}

function cstr(b: Uint8Array, at: { i: number }): string {
  const end = b.indexOf(0, at.i);
  if (end < 0) throw new FstFormatError('a name without its terminating NUL');
  const s = Buffer.from(b.subarray(at.i, end)).toString('latin1');
  at.i = end + 1;
  return s;
}

/** The hierarchy block's bytes, uncompressed; only block headers and that block are read (a waveform may be gigabytes). */
function hierarchy(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(9);
    for (let at = 0; at + 9 <= size;) {
      readSync(fd, head, 0, 9, at);
      const type = head[0]!;
      const len = Number(head.readBigUInt64BE(1));
      if (len < 8 || at + 1 + len > size) throw new FstFormatError(`${file}: block ${type} at byte ${at} runs past the end (length ${len}): not an FST file, or not closed`);
      if (type === BL_HIER || type === BL_HIER_LZ4 || type === BL_HIER_LZ4DUO) {
        const body = Buffer.alloc(len - 8);
        readSync(fd, body, 0, body.length, at + 9);
        if (type === BL_HIER) return gunzipSync(body.subarray(8));
        const bytes = Number(body.readBigUInt64BE(0));
        if (type === BL_HIER_LZ4) return lz4Block(body.subarray(8), bytes);
        const p = { i: 8 };
        const mid = varint(body, p);
        return lz4Block(lz4Block(body.subarray(p.i), mid), bytes);
      }
      at += 1 + len;
    }
  } finally {
    closeSync(fd);
  }
  throw new FstFormatError(`${file}: no hierarchy block (an FST file still being written has none)`);
}

/**
 * Every variable `file` declares, as GTKWave shows it: the scopes joined by '.', then the name
 * with its bit range (`TOP.system_tb.c0_apb_paddr_i[11:0]`).
 */
export function fstSignals(file: string): string[] {
  const h = hierarchy(file);
  const at = { i: 0 };
  const scopes: string[] = [];
  const names: string[] = [];
  while (at.i < h.length) {
    const tag = h[at.i++]!;
    if (tag === ST_SCOPE) {
      at.i++;  // scope type
      scopes.push(cstr(h, at));
      cstr(h, at);  // component
    } else if (tag === ST_UPSCOPE) {
      scopes.pop();
    } else if (tag === ST_ATTRBEGIN) {
      at.i += 2;  // attribute type and subtype
      cstr(h, at);
      varint(h, at);
    } else if (tag === ST_ATTREND) {
      // nothing
    } else {
      at.i++;  // direction
      const name = cstr(h, at).replace(/ +\[/, '[');
      varint(h, at);  // width
      varint(h, at);  // alias of an earlier handle, or 0
      names.push([...scopes, name].join('.'));
    }
  }
  return names;
}
