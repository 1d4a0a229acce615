/**
 * The report of a `make sim` run: `reports/sim.md` and `reports/sim.html`, each with an SVG
 * timeline of the heal (a lane per cell, each message an arrow from sender to receiver over its
 * time on the line, each transfer a bar on its receiver's lane, each ANNOUNCE a dot coloured by
 * what the cell's checker found: red errored, amber outdated, green valid) and each errored cell's heal time against its bound.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImageStatus } from '../models/cell/image_check_pkg.js';
import { framedChars } from '../models/fleet/heal_bound.js';
import { ANNOUNCE_FLAGS } from '../models/mgmt/messages.js';
import { AnnounceNews, describe } from './describe.js';
import type { ChunkEvent } from './events.js';
import type { SimRun } from './run.js';

const W = 1200;
const LEFT = 70;
const RIGHT = 60;
const TOP = 30;
const LANE = 56;
const AXIS = 34;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number): string => n.toLocaleString('en-US');

/** A transfer as the report draws it: first and last piece at its receiver. */
interface Bar {
  readonly src: number;
  readonly dst: number;
  readonly from: number;
  readonly to: number;
  readonly path: ChunkEvent['path'];
  readonly bytes: number;
}

function bars(run: SimRun): Bar[] {
  const out = new Map<string, { src: number; dst: number; from: number; to: number; path: ChunkEvent['path']; offsets: Set<number>; bytes: number }>();
  for (const e of run.events) {
    if (e.kind !== 'chunk') continue;
    const key = `${e.src}>${e.dst}>${e.path}`;
    const b = out.get(key) ?? { src: e.src, dst: e.dst, from: e.time, to: e.time, path: e.path, offsets: new Set<number>(), bytes: 0 };
    b.to = e.time;
    if (!b.offsets.has(e.offset)) b.bytes += e.bytes;
    b.offsets.add(e.offset);
    out.set(key, b);
  }
  return [...out.values()].map(({ offsets: _o, ...b }) => b);
}

/** Round tick spacing: about eight ticks over `end` cycles. */
function tickStep(end: number): number {
  const raw = end / 8;
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
}

/** The SVG timeline. */
export function timelineSvg(run: SimRun): string {
  const n = run.headline.cells;
  const end = Math.max(run.end, 1);
  const h = TOP + n * LANE + AXIS;
  const x = (t: number): number => LEFT + (Math.max(0, t) / end) * (W - LEFT - RIGHT);
  const y = (cell: number): number => TOP + cell * LANE + LANE / 2;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif" font-size="12">`);
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker></defs>');
  parts.push(`<title>heal timeline: ${n} cells, ${fmt(run.end)} cycles (${run.engine})</title>`);
  for (let c = 0; c < n; c++) {
    const kind = run.headline.errored.get(c);
    parts.push(`<g class="lane" data-cell="${c}"><text x="8" y="${y(c) + 4}">cell ${c}</text><text x="8" y="${y(c) + 17}" font-size="10" fill="#666">${esc(kind ?? 'valid')}</text>`
      + `<line x1="${LEFT}" y1="${y(c)}" x2="${W - RIGHT}" y2="${y(c)}" stroke="#bbb"/></g>`);
  }
  for (const b of bars(run)) {
    parts.push(`<rect class="transfer" data-src="${b.src}" data-dst="${b.dst}" x="${x(b.from).toFixed(1)}" y="${y(b.dst) - 7}" width="${Math.max(2, x(b.to) - x(b.from)).toFixed(1)}" height="14" fill="${b.path === 'hsi' ? '#4a90d9' : '#e0a030'}" opacity="0.8">`
      + `<title>image cell ${b.src} → cell ${b.dst} over ${b.path === 'hsi' ? 'the HSI' : 'the management bus'}: ${fmt(b.bytes)} bytes, cycles ${fmt(b.from)}–${fmt(b.to)}</title></rect>`);
  }
  for (const e of run.events) {
    if (e.kind !== 'message') continue;
    const said = describe(e);
    const title = esc(`${fmt(e.time)}: cell ${e.src} ${said?.text ?? e.name}`);
    if (e.dst === undefined) {
      const valid = e.fields.status === ImageStatus.Valid;
      const outdated = ((e.fields.flags as number) & ANNOUNCE_FLAGS.OUTDATED) !== 0;
      parts.push(`<circle class="announce" data-cell="${e.src}" cx="${x(e.time).toFixed(1)}" cy="${y(e.src)}" r="4" fill="${!valid ? '#d22' : outdated ? '#e0a030' : '#2a2'}"><title>${title}</title></circle>`);
      continue;
    }
    const start = e.time - framedChars(e) * run.charCycles;
    parts.push(`<line class="message" data-name="${e.name}" data-src="${e.src}" data-dst="${e.dst}" x1="${x(start).toFixed(1)}" y1="${y(e.src)}" x2="${x(e.time).toFixed(1)}" y2="${y(e.dst)}" stroke="${e.request ? '#333' : '#888'}" marker-end="url(#arrow)"><title>${title}</title></line>`);
  }
  for (const c of run.cells) {
    if (c.healedAt === undefined) continue;
    parts.push(`<text class="healed" data-cell="${c.cell}" x="${x(c.healedAt).toFixed(1)}" y="${y(c.cell) - 10}" text-anchor="middle" fill="#2a2">healed</text>`);
  }
  const step = tickStep(end);
  const base = TOP + n * LANE;
  parts.push(`<g class="axis"><line x1="${LEFT}" y1="${base}" x2="${W - RIGHT}" y2="${base}" stroke="#333"/>`);
  for (let t = 0; t <= end; t += step) parts.push(`<line x1="${x(t).toFixed(1)}" y1="${base}" x2="${x(t).toFixed(1)}" y2="${base + 5}" stroke="#333"/><text x="${x(t).toFixed(1)}" y="${base + 18}" text-anchor="middle">${fmt(t)}</text>`);
  parts.push(`<text x="${W - RIGHT}" y="${base + 31}" text-anchor="end" fill="#666">cycles</text></g>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Each cell's row of the results table. */
function results(run: SimRun): string[][] {
  return run.cells.map((c) => {
    const ratio = c.healedAt !== undefined && c.bound ? (c.healedAt / c.bound.total).toFixed(3) : '—';
    return [String(c.cell), c.errored ?? 'valid', c.errored === undefined ? '—' : c.healedAt === undefined ? 'NOT healed' : fmt(c.healedAt),
      c.updater === undefined ? '—' : `cell ${c.updater}`, c.bound ? fmt(c.bound.total) : '—', ratio];
  });
}

const HEAD = ['cell', 'held', 'healed at (cycle)', 'image from', 'bound (cycles)', 'heal / bound'];

/** The run's parameters, as label/value pairs. */
function parameters(run: SimRun): [string, string][] {
  const h = run.headline;
  return [
    ['engine', run.engine === 'models' ? 'fleet model (models/fleet)' : 'RTL (Verilator)'],
    ['cells', String(h.cells)],
    ['image', `${fmt(h.imageBytes)} bytes, version ${h.version}`],
    ['errored', [...h.errored].map(([c, k]) => `${c}:${k}`).join(', ') || 'none'],
    ['seed', String(h.seed)],
    ['simulated', `${fmt(run.end)} cycles in ${run.wallSeconds.toFixed(2)} s`],
  ];
}

/** The timeline as text lines (what `make sim` printed, without the progress bars). */
function lines(run: SimRun): string[] {
  const out: string[] = [];
  const announces = new AnnounceNews();
  for (const e of run.events) {
    if (e.kind !== 'message' || !announces.news(e)) continue;
    const s = describe(e);
    if (s) out.push(`${fmt(e.time).padStart(13)}  cell ${String(s.cell).padEnd(2)}  ${s.text}`);
  }
  return out;
}

/** Writes `<dir>/sim.md`, `<dir>/sim.svg` and `<dir>/sim.html`; returns their paths. */
export function writeReport(run: SimRun, dir: string): { md: string; html: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const svg = timelineSvg(run);
  const files = { md: path.join(dir, 'sim.md'), html: path.join(dir, 'sim.html'), svg: path.join(dir, 'sim.svg') };
  writeFileSync(files.svg, `${svg}\n`);
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const md = [
    '# make sim: the heal', '',
    ...parameters(run).map(([k, v]) => `- **${k}**: ${v}`), '',
    '![timeline](sim.svg)', '',
    '## Each cell', '', row(HEAD), row(HEAD.map(() => '---')), ...results(run).map(row), '',
    'The bound: one image read (the boot check) + the handshake (each message once, its framed characters and one idle character) + the erase of the extent + the slowest stream + the verify read (`models/fleet/heal_bound.ts`).', '',
    '## Timeline', '', '```', ...lines(run), '```', '',
  ].join('\n');
  writeFileSync(files.md, md);
  const td = (cells: string[], tag = 'td'): string => `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('')}</tr>`;
  const html = [
    '<!doctype html>', '<html lang="en"><head><meta charset="utf-8"><title>make sim: the heal</title>',
    '<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}pre{background:#f6f6f6;padding:1em}</style></head><body>',
    '<h1>make sim: the heal</h1>', '<ul>', ...parameters(run).map(([k, v]) => `<li><b>${esc(k)}</b>: ${esc(v)}</li>`), '</ul>',
    svg, '<h2>Each cell</h2>', '<table>', td(HEAD, 'th'), ...results(run).map((r) => td(r)), '</table>',
    '<h2>Timeline</h2>', `<pre>${esc(lines(run).join('\n'))}</pre>`, '</body></html>', '',
  ].join('\n');
  writeFileSync(files.html, html);
  return files;
}
