// `make sim`'s headline on the fleet model, small (four cells, an 8 KiB image): every errored cell
// heals, and the report has the structure the issue asks for — the SVG parses, a lane per cell,
// an arrow per unicast message, a bar per transfer, a dot per ANNOUNCE — plus the options' errors.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { HeadlineError, parseErrored, parseSize, type Headline } from '../../sim/headline.js';
import { runOnModels } from '../../sim/models.js';
import { writeReport } from '../../sim/report.js';
import { Timeline } from '../../sim/timeline.js';

const HEADLINE: Headline = { cells: 4, imageBytes: 8192, errored: parseErrored('1:missing,2:corrupt,3:outdated', 4), seed: 1, version: 3 };

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (v === undefined ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);

describe('make sim on the fleet model', () => {
  test('the headline heals every errored cell, and the report has a lane per cell and an arrow per message', async () => {
    const printed: string[] = [];
    const timeline = new Timeline(HEADLINE.imageBytes, { isTTY: false, write: (s: string) => printed.push(s) });
    const run = await runOnModels(HEADLINE, (e) => timeline.event(e), 40_000_000);
    timeline.end();
    for (const c of run.cells.filter((c) => c.errored)) {
      expect(c.healedAt, `cell ${c.cell} (${c.errored}) healed`).toBeDefined();
      expect(c.updater, `cell ${c.cell}: the image came from cell 0, the only holder of v3`).toBe(0);
      expect(c.healedAt! / c.bound!.total, `cell ${c.cell}: heal over its bound`).toBeGreaterThan(1);
    }
    const text = printed.join('');
    for (const want of ['FW_ERROR_NOTIFY', 'the acknowledgement (claim 35)', 'HSI_LINK_ENABLE', '100 % (8192 of 8192 bytes)', 'ActivateFirmware Success: activated'])
      expect(text, `the timeline says "${want}"`).toContain(want);

    const dir = mkdtempSync(path.join(tmpdir(), 'cellbench-sim-'));
    const files = writeReport(run, dir);
    const svg = readFileSync(files.svg, 'utf8');
    expect(XMLValidator.validate(svg), 'the SVG is well-formed XML').toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as { svg: Node };
    const root = doc.svg;
    const lanes = list(root.g).filter((g) => g.class === 'lane');
    expect(lanes.map((g) => g['data-cell'])).toEqual(['0', '1', '2', '3']);
    const messages = run.events.flatMap((e) => (e.kind === 'message' ? [e] : []));
    const arrows = list(root.line).filter((l) => l.class === 'message');
    expect(arrows.length, 'an arrow per unicast message').toBe(messages.filter((m) => m.dst !== undefined).length);
    expect(arrows.every((a) => a['marker-end'] === 'url(#arrow)')).toBe(true);
    expect(list(root.circle).filter((c) => c.class === 'announce').length, 'a dot per ANNOUNCE').toBe(messages.filter((m) => m.name === 'Announce').length);
    const bars = list(root.rect).filter((r) => r.class === 'transfer');
    expect(bars.map((b) => `${b['data-src']}>${b['data-dst']}`).sort()).toEqual(['0>1', '0>2', '0>3']);

    const md = readFileSync(files.md, 'utf8');
    expect(md).toContain('![timeline](sim.svg)');
    expect(md.match(/^\| [123] \| (missing|corrupt|outdated) \| [\d,]+ \| cell 0 \| [\d,]+ \| 1\.\d{3} \|$/gm)?.length, 'a healed row per errored cell').toBe(3);
    const html = readFileSync(files.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html.match(/<tr>/g)?.length, 'a header and a row per cell').toBe(5);
  });
});

describe('make sim options', () => {
  test('bad ERRORED and IMAGE values name what is wrong', () => {
    expect(() => parseErrored('1:missing,1:corrupt', 4)).toThrow(/cell 1 is named twice/);
    expect(() => parseErrored('4:missing', 4)).toThrow(/cell 4 does not exist in a system of 4 cells/);
    expect(() => parseErrored('1:gone', 4)).toThrow(/"gone" is not one of missing, corrupt/);
    expect(() => parseErrored('0:missing,1:missing', 2)).toThrow(/every cell is errored/);
    expect(() => parseErrored('x', 4)).toThrow(HeadlineError);
    expect(parseSize('64K')).toBe(65536);
    expect(parseSize('1M')).toBe(1 << 20);
    expect(() => parseSize('1000')).toThrow(/multiple of 512/);
    expect(() => parseSize('big')).toThrow(/give a size in bytes/);
  });
});
