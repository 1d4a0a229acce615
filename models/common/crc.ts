/**
 * The project's CRCs, bit-reflected and table-driven: CRC-32 (IEEE 802.3, the image checker,
 * the image format and HSI frames), CRC-16/MCRF4XX (the FCS of DSP0253 MCTP serial framing,
 * RFC 1662's table without the final xor) and CRC-16/DNP (HSI control blocks).
 */

function reflectedTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}

const CRC32_TABLE = reflectedTable(0xedb88320);
const CRC16_TABLE = reflectedTable(0x8408);
const CRC16_DNP_TABLE = reflectedTable(0xa6bc);

/**
 * Continues a CRC-32 over `data`. The running state is the raw register (init FFFFFFFFh, no xor),
 * so a CRC can be computed in pieces; {@link crc32} finishes it.
 * @defaultValue state 0xFFFFFFFF
 */
export function crc32Update(data: ArrayLike<number>, state = 0xffffffff): number {
  let c = state >>> 0;
  for (let i = 0; i < data.length; i++) c = (CRC32_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)) >>> 0;
  return c;
}

/** CRC-32 (IEEE 802.3): init FFFFFFFFh, reflected, final xor FFFFFFFFh; "123456789" → CBF43926h. */
export function crc32(data: ArrayLike<number>): number {
  return (crc32Update(data) ^ 0xffffffff) >>> 0;
}

/**
 * CRC-16/MCRF4XX: poly 1021h reflected, init FFFFh, no final xor; "123456789" → 6F91h.
 * @defaultValue state 0xFFFF
 */
export function crc16Mcrf4xx(data: ArrayLike<number>, state = 0xffff): number {
  let c = state & 0xffff;
  for (let i = 0; i < data.length; i++) c = (CRC16_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)) & 0xffff;
  return c;
}

/**
 * CRC-16/DNP: poly 3D65h reflected, init 0000h, final xor FFFFh; "123456789" → EA82h. The HSI's
 * control-block CRC (rtl/hsi/README.md says why this one).
 */
export function crc16Dnp(data: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < data.length; i++) c = (CRC16_DNP_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)) & 0xffff;
  return c ^ 0xffff;
}
