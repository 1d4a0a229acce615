/**
 * Firmware images (DESIGN.md section 4): build and parse the image the flash's region holds at
 * offset 0, `magic "CFW1" · hdr_version u16 · flags u16 · fw_version u32 · body_len u32 ·
 * body_crc32 u32 · hdr_crc32 u32` (over the 20 bytes before it), then the body, and the errored
 * variants the healing method must recognise: missing (erased), corrupt header, corrupt body,
 * outdated. The layout and codes are the image checker's description's (`ImageHeader`,
 * `ImageStatus` in rtl/cell/image_check_desc.json), so the RTL checker, this model and the
 * firmware read one header.
 */
import { crc32 } from './common/crc.js';
import { Rng } from './common/rng.js';
import {
  IMAGE_HDR_CRC_BYTES,
  IMAGE_HDR_VERSION,
  IMAGE_HEADER_BYTES,
  IMAGE_MAGIC,
  ImageHeader,
  ImageStatus,
} from './cell/image_check_pkg.js';
import { IMAGE_REGION_BYTES } from './cell/cell_pkg.js';

export { ImageStatus };

/** What an image says about itself. */
export interface ImageInfo {
  readonly fwVersion: number;
  readonly bodyLen: number;
  readonly bodyCrc32: number;
  /** @defaultValue 0 */
  readonly flags?: number;
  /** @defaultValue IMAGE_HDR_VERSION */
  readonly hdrVersion?: number;
}

/** The image of `body` at `fwVersion`: header with both CRCs, then the body. */
export function buildImage(fwVersion: number, body: Uint8Array, flags = 0): Uint8Array {
  const head = ImageHeader.toBytes({
    magic: IMAGE_MAGIC, hdrVersion: IMAGE_HDR_VERSION, flags, fwVersion: fwVersion >>> 0,
    bodyLen: body.length, bodyCrc32: crc32(body), hdrCrc32: 0,
  });
  new DataView(head.buffer).setUint32(IMAGE_HDR_CRC_BYTES, crc32(head.subarray(0, IMAGE_HDR_CRC_BYTES)), true);
  const out = new Uint8Array(IMAGE_HEADER_BYTES + body.length);
  out.set(head);
  out.set(body, IMAGE_HEADER_BYTES);
  return out;
}

/** A deterministic body of `len` bytes for `seed` (images of tests and benches). */
export function patternBody(len: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  return Uint8Array.from({ length: len }, () => r.next() & 0xff);
}

/** The result of checking the bytes at the start of the image region, as the checker reports it. */
export interface ImageCheck {
  readonly status: ImageStatus;
  /** The header's fields (valid and corrupt-body results only). */
  readonly info?: ImageInfo;
  /** The CRC-32 computed over the body (valid and corrupt-body results only). */
  readonly crcRead?: number;
  /** Bytes of the image, header included (valid and corrupt-body results only). */
  readonly imageBytes?: number;
}

/** The header's verdict: missing or corrupt, or the fields of a good header. */
export type HeaderVerdict = { readonly status: ImageStatus.Missing | ImageStatus.CorruptHeader } | { readonly status: ImageStatus.Valid; readonly info: ImageInfo };

/**
 * The checker's rule over the 24 header bytes: all FFh = missing; another bad magic, a bad
 * header CRC, or a body beyond `regionBytes` = corrupt header; else the header's fields (the
 * body's CRC decides the rest).
 */
export function judgeHeader(head: ArrayLike<number>, regionBytes: number): HeaderVerdict {
  const h8 = Uint8Array.from({ length: IMAGE_HEADER_BYTES }, (_, i) => head[i] ?? 0xff);
  if (h8.every((b) => b === 0xff)) return { status: ImageStatus.Missing };
  const h = ImageHeader.fromBytes(h8);
  const hdrOk = h.magic === IMAGE_MAGIC && h.hdrCrc32 === crc32(h8.subarray(0, IMAGE_HDR_CRC_BYTES));
  if (!hdrOk || IMAGE_HEADER_BYTES + h.bodyLen > regionBytes) return { status: ImageStatus.CorruptHeader };
  return { status: ImageStatus.Valid, info: { fwVersion: h.fwVersion, bodyLen: h.bodyLen, bodyCrc32: h.bodyCrc32, flags: h.flags, hdrVersion: h.hdrVersion } };
}

/**
 * The image checker's rule over `flash` (the region from offset 0; bytes past its end read as
 * erased): {@link judgeHeader}, then corrupt body when the body's CRC differs, else valid.
 * @defaultValue regionBytes IMAGE_REGION_BYTES
 */
export function checkImage(flash: Uint8Array, regionBytes = IMAGE_REGION_BYTES): ImageCheck {
  const v = judgeHeader(flash.subarray(0, IMAGE_HEADER_BYTES), regionBytes);
  if (v.status !== ImageStatus.Valid) return { status: v.status };
  const { info } = v;
  const body = Uint8Array.from({ length: info.bodyLen }, (_, i) => flash[IMAGE_HEADER_BYTES + i] ?? 0xff);
  const crcRead = crc32(body);
  return { status: crcRead === info.bodyCrc32 ? ImageStatus.Valid : ImageStatus.CorruptBody, info, crcRead, imageBytes: IMAGE_HEADER_BYTES + info.bodyLen };
}

/** The header fields of a built image (throws on bytes without a good header: a test's mistake). */
export function imageInfo(image: Uint8Array): ImageInfo {
  const c = checkImage(image, image.length);
  if (!c.info) throw new Error(`imageInfo: the bytes are ${ImageStatus[c.status]}, not an image with a good header`);
  return c.info;
}

/** The errored variants of a good image, as a flash region would hold them. */
export type ImageVariant = 'valid' | 'missing' | 'corrupt-header' | 'corrupt-body' | 'outdated';

/**
 * `image` as variant `v`: missing is erased flash (FFh) of its length; corrupt header flips a bit
 * of the header (byte `at % 24`); corrupt body flips a bit of the body (byte `at % body_len`); outdated
 * is a valid image of the same body one version lower. `at` chooses the byte.
 * @defaultValue at 0
 */
export function variant(image: Uint8Array, v: ImageVariant, at = 0): Uint8Array {
  const out = image.slice();
  const info = imageInfo(image);
  switch (v) {
    case 'valid':
      return out;
    case 'missing':
      return out.fill(0xff);
    case 'corrupt-header':
      out[at % IMAGE_HEADER_BYTES]! ^= 1 << (at & 7);
      // An all-FFh header would read as missing, not corrupt: flip another bit then.
      if (out.subarray(0, IMAGE_HEADER_BYTES).every((b) => b === 0xff)) out[0]! ^= 1;
      return out;
    case 'corrupt-body':
      if (info.bodyLen === 0) throw new RangeError('variant corrupt-body: the image has no body to corrupt');
      out[IMAGE_HEADER_BYTES + (at % info.bodyLen)]! ^= 1 << (at & 7);
      return out;
    case 'outdated':
      if (info.fwVersion === 0) throw new RangeError('variant outdated: version 0 has no older version');
      return buildImage(info.fwVersion - 1, image.subarray(IMAGE_HEADER_BYTES), info.flags);
  }
}
