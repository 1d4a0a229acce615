// `make sim`: the headline scenario — a cellular system whose errored cells heal each other's
// firmware — with a timeline as it runs, a report (reports/sim.{md,html,svg}) and, on the RTL, a
// waveform. `npx tsx sim/cli.ts --help` lists the options; `make sim CELLS=… IMAGE=… ERRORED=…
// SEED=… MODELS=1` passes them.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../bridge/src/paths.js';
import { HeadlineError, parseErrored, parseSize, type Headline } from './headline.js';
import type { SimEvent } from './events.js';
import { runOnModels } from './models.js';
import { runOnRtl } from './rtl.js';
import { writeReport } from './report.js';
import { Timeline } from './timeline.js';

const USAGE = `usage: make sim [CELLS=n] [IMAGE=size] [ERRORED=cell:kind,…] [SEED=s] [MODELS=1] [WAVES=0] [LANES=1]
   or: npx tsx sim/cli.ts [--cells n] [--image size] [--errored cell:kind,…] [--seed s] [--models]
                          [--no-waves] [--lanes] [--limit cycles] [--report dir]

  --cells     cells in the system, 2..16 (default 4)
  --image     the image's size with its header: bytes, or K/M (default 64K)
  --errored   which cells are errored and how: missing, corrupt (body), corrupt-header,
              corrupt-body, outdated (default 1:missing,2:corrupt,3:outdated)
  --seed      the run's seed: images, back-offs, jitter (default 1)
  --models    run on the fleet model (models/fleet) instead of the RTL
  --no-waves  on the RTL, write no waveform (default: waves/system.fst and system.gtkw)
  --lanes     trace the lanes' scramblers, block lock and fault channels too (a bigger file)
  --limit     give up after this many cycles (default: 40 heal bounds)
  --report    where the report goes (default reports/)`;

function options(): { h: Headline; models: boolean; waves: boolean; lanes: boolean; limit?: number; report: string } {
  const { values } = parseArgs({
    options: {
      cells: { type: 'string', default: '4' }, image: { type: 'string', default: '64K' },
      errored: { type: 'string', default: '1:missing,2:corrupt,3:outdated' }, seed: { type: 'string', default: '1' },
      models: { type: 'boolean', default: false }, 'no-waves': { type: 'boolean', default: false }, lanes: { type: 'boolean', default: false }, limit: { type: 'string' }, report: { type: 'string', default: 'reports' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (name: string, text: string, min: number, max: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new HeadlineError(`--${name} ${text}: give a whole number from ${min} to ${max}`);
    return n;
  };
  const cells = whole('cells', values.cells, 2, 16);
  const h: Headline = { cells, imageBytes: parseSize(values.image), errored: parseErrored(values.errored, cells), seed: whole('seed', values.seed, 0, 2 ** 31 - 1), version: 3 };
  return { h, models: values.models, waves: !values['no-waves'], lanes: values.lanes, limit: values.limit === undefined ? undefined : whole('limit', values.limit, 1, Number.MAX_SAFE_INTEGER), report: path.resolve(ROOT, values.report) };
}

let o: ReturnType<typeof options>;
try {
  o = options();
} catch (e) {
  console.error(`make sim: ${(e as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const { h } = o;
console.log(`make sim: ${h.cells} cells, a ${h.imageBytes}-byte image (v${h.version}), errored ${[...h.errored].map(([c, k]) => `${c}:${k}`).join(', ')}, seed ${h.seed}\n`);
const timeline = new Timeline(h.imageBytes);
// A heal takes about 140 cycles a byte on the benches' flash part; 40 of them is room for retries and faults.
const limit = o.limit ?? 40 * (140 * h.imageBytes + 1_000_000);
const onEvent = (e: SimEvent): void => timeline.event(e);
const wave = 'waves/system.fst';
const rtl = o.models ? undefined : await runOnRtl(h, onEvent, limit, { waves: o.waves ? wave : undefined, lanes: o.lanes });
const run = rtl ?? await runOnModels(h, onEvent, limit);
timeline.end();
const files = writeReport(run, o.report);
console.log('');
let ok = true;
for (const c of run.cells) {
  if (c.errored === undefined) continue;
  if (c.healedAt === undefined) {
    ok = false;
    console.log(`make sim: cell ${c.cell} (${c.errored}) NOT healed by cycle ${run.end.toLocaleString('en-US')}`);
    continue;
  }
  const ratio = c.bound ? ` = ${(c.healedAt / c.bound.total).toFixed(3)} x its bound ${c.bound.total.toLocaleString('en-US')}` : '';
  console.log(`make sim: cell ${c.cell} (${c.errored}) healed by cell ${c.updater} at cycle ${c.healedAt.toLocaleString('en-US')}${ratio}`);
}
console.log(`make sim: ${run.end.toLocaleString('en-US')} cycles simulated in ${run.wallSeconds.toFixed(2)} s on the ${run.engine === 'models' ? 'fleet model' : 'RTL'}`);
if (rtl) {
  console.log(`make sim: ${rtl.roundTrips.toLocaleString('en-US')} round trips for ${rtl.messages} messages on the line (${(rtl.roundTrips / Math.max(1, rtl.messages)).toFixed(1)} a message); vc 0 traffic: ${rtl.traffic.delivered} of ${rtl.traffic.sent} frames delivered intact`);
  const healed = run.cells.filter((c) => c.healedAt !== undefined).map((c) => c.cell);
  const differ = healed.filter((c) => !rtl.intact.includes(c));
  if (differ.length) ok = false;
  console.log(differ.length ? `make sim: cell(s) ${differ.join(', ')} announced the image valid but their flash differs from it` : `make sim: the flash of cell(s) ${healed.join(', ')} holds the image byte for byte (a backdoor read)`);
  if (rtl.waves) console.log(`make sim: waveform ${rtl.waves} (open with: gtkwave ${rtl.waves.replace(/\.fst$/, '.gtkw')})`);
}
console.log(`make sim: report ${path.relative(process.cwd(), files.html)} (and ${path.relative(process.cwd(), files.md)}, ${path.relative(process.cwd(), files.svg)})`);
process.exit(ok ? 0 : 1);
