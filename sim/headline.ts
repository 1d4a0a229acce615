/**
 * `make sim`'s scenario, as data: N cells, cell 0 (and any cell not named) holding the newest
 * valid image, the errored ones as `ERRORED` names them (DESIGN.md section 4's variants), a seed.
 */
import { buildImage, patternBody, variant, type ImageVariant } from '../models/image.js';

/** The variants `ERRORED` may name. */
export const ERRORED_KINDS = ['missing', 'corrupt', 'corrupt-header', 'corrupt-body', 'outdated'] as const;
export type ErroredKind = (typeof ERRORED_KINDS)[number];

/** The headline scenario. */
export interface Headline {
  readonly cells: number;
  /** The image's length, header included. */
  readonly imageBytes: number;
  /** Errored cell → what its flash holds. */
  readonly errored: ReadonlyMap<number, ErroredKind>;
  readonly seed: number;
  /** The newest valid image's version. */
  readonly version: number;
}

/** A bad option: the message names it and what to give. */
export class HeadlineError extends Error {
  override name = 'HeadlineError';
}

/** `64K`, `256K`, `1M`, `8192`: bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+)([KkMm]?)$/.exec(text.trim());
  if (!m) throw new HeadlineError(`IMAGE=${text}: give a size in bytes, or with K or M (e.g. 64K)`);
  const n = Number(m[1]) * (m[2] ? (m[2].toUpperCase() === 'K' ? 1024 : 1 << 20) : 1);
  if (n < 1024 || n % 512 !== 0) throw new HeadlineError(`IMAGE=${text}: an image is at least 1K and a multiple of 512 bytes (whole firmware frames)`);
  return n;
}

/** `1:missing,2:corrupt,3:outdated` for `cells` cells. */
export function parseErrored(text: string, cells: number): Map<number, ErroredKind> {
  const out = new Map<number, ErroredKind>();
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+):([a-z-]+)$/.exec(part);
    if (!m) throw new HeadlineError(`ERRORED=${text}: "${part}" is not <cell>:<kind> (e.g. 1:missing)`);
    const cell = Number(m[1]);
    const kind = m[2] as ErroredKind;
    if (!ERRORED_KINDS.includes(kind)) throw new HeadlineError(`ERRORED=${text}: "${m[2]}" is not one of ${ERRORED_KINDS.join(', ')}`);
    if (cell >= cells) throw new HeadlineError(`ERRORED=${text}: cell ${cell} does not exist in a system of ${cells} cells (0..${cells - 1})`);
    if (out.has(cell)) throw new HeadlineError(`ERRORED=${text}: cell ${cell} is named twice`);
    out.set(cell, kind);
  }
  if (out.size >= cells) throw new HeadlineError(`ERRORED=${text}: every cell is errored; at least one must hold the valid image`);
  return out;
}

/** What the scenario's cells hold at power-on (undefined: erased flash). */
export function headlineImages(h: Headline): { image: Uint8Array; images: (Uint8Array | undefined)[] } {
  const image = buildImage(h.version, patternBody(h.imageBytes - 24, h.seed));
  const images = Array.from({ length: h.cells }, (_, i) => {
    const kind = h.errored.get(i);
    if (kind === undefined) return image;
    if (kind === 'missing') return undefined;
    const v: ImageVariant = kind === 'corrupt' ? 'corrupt-body' : kind;
    return variant(image, v, h.seed * 7919 + i);
  });
  return { image, images };
}
