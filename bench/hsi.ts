// `make bench`, HSI link part: bench/out/hsi.json and bench/out/hsi_ber.svg. One link
// (hsi_link_tb: two hsi_link endpoints, two hsi_channel lanes of latency 4) with the protocol
// checker's taps bound in (hsiLinkTapTb); every run is checked by tb/hsi/checker.ts and by the
// account of the frames that arrived (each payload names its frame), and fails on a protocol
// violation, on anything out of order, duplicated or corrupted at any BER, on a loss at
// BER <= 1e-5, and on a figure above its physical bound.
//   efficiency_512:   one-way back-to-back 512-byte frames (1 MiB), error-free; bound 64/66
//   efficiency_fw:    firmware frames (4-byte offset + 512 image bytes) on vc 1, image bytes; bound 64/67
//   efficiency_bidir: 512-byte frames both ways at once; each direction against 64/66
//   ber_sweep:        one-way 512-byte frames (1 MiB) with both lanes at BER 1e-8 .. 1e-4
//   tb_speed_ratio:   a randomized run with the checker on against the top free-running (ClockCycles only)
//   native_cycles_per_s: the link top in a plain Verilator loop (bench/native/hsi_link_main.cpp)
//   xbar_4to1_*:      hsi_xbar_tb (4 cells): cells 0..3 each send 256 512-byte frames to cell 0 at
//                     once; output 0's rate over 64/66 and each source's share (tb/hsi/xbar_traffic.ts)
//   xbar_permutation_efficiency: cell i to cell i + 1 (mod 4), all at once; each flow over 64/66
// Efficiency = payload (image) bytes of frames 2..N / (cycles between the deliveries of frame 1
// and frame N x 8), from the sink's stamps.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { ClockCycles, type SignalHandle, Simulator, Until } from '../bridge/src/index.js';
import { ROOT } from '../bridge/src/paths.js';
import { TAP_LATENCY } from '../tb/hsi/check_env.js';
import { LinkChecker } from '../tb/hsi/checker.js';
import type { HsiLinkTbDut } from '../tb/hsi/gen/hsi_link_tb.js';
import { berRate } from '../tb/hsi/hsi_channel.js';
import { RX_BUFFERS, REPLAY_TIMEOUT } from '../tb/hsi/link_params.js';
import { type LaneDecoder, LaneTap, tapPins } from '../tb/hsi/tap.js';
import { hsiLinkTb, hsiLinkTapTb, hsiXbarTb } from '../tb/hsi/tops.js';
import { fourToOne, permutation } from '../tb/hsi/xbar_traffic.js';
import { type Account, efficiency, Flow, resetLink } from '../tb/hsi/traffic.js';
import { atMostBound } from './check.js';
import { median, nativeBinary, run } from './native.js';

const MIB = 1 << 20;
const FRAMES = Number(process.env.BENCH_HSI_FRAMES ?? MIB / 512);
const BOUND_512 = 64 / 66;
const BOUND_FW = 64 / 67;
const BERS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4];

const sim = await Simulator.start(hsiLinkTapTb);
const dut = sim.dut;
const clk = dut.clk_i;

interface FlowSpec {
  readonly from: 'a' | 'b';
  readonly vc: 0 | 1;
  readonly lengths: readonly number[];
  readonly sinkThrottle?: number;
}

interface RunResult {
  readonly flows: Flow[];
  readonly accounts: Account[];
  readonly checker: LinkChecker;
  readonly cycles: number;
  readonly seconds: number;
  readonly down: boolean;
  readonly lanes: readonly [LaneDecoder, LaneDecoder];
}

/** A fresh model, reset, checker taps open, the link up. */
async function fresh(seed: number, taps: boolean): Promise<LaneTap[]> {
  await sim.restart();
  await resetLink(sim as Simulator<HsiLinkTbDut>, seed);
  const t = taps ? (['tx_a', 'tx_b'] as const).map((p) => new LaneTap(sim as Simulator<unknown>, clk, tapPins(dut.u_taps, p))) : [];
  await Until(clk, dut.a_link_up_o, 1);
  if (!dut.b_link_up_o.value) await Until(clk, dut.b_link_up_o, 1);
  return t;
}

/** Sends the flows, waits until everything arrived or the link went down (or `limit` cycles), and checks. */
async function runFlows(what: string, specs: readonly FlowSpec[], ber = 0, seed = 1): Promise<RunResult> {
  const taps = await fresh(seed, true);
  const wall0 = performance.now();
  const t0 = sim.now;
  const flows = specs.map((s, i) => new Flow(sim as Simulator<HsiLinkTbDut>, s.from, s.vc, seed * 16 + i, s.sinkThrottle !== undefined ? { sinkThrottle: s.sinkThrottle, seed: seed + i } : {}));
  (dut.ab_ber_i as SignalHandle<bigint>).value = berRate(ber);
  (dut.ba_ber_i as SignalHandle<bigint>).value = berRate(ber);
  flows.forEach((f, i) => f.send(specs[i]!.lengths));
  const blocks = specs.reduce((n, s) => n + s.lengths.reduce((m, l) => m + Math.ceil(l / 8) + 2, 0), 0);
  const limit = 20 * blocks + 20_000;
  let down = false;
  for (let t = 0; ; t += 2000) {
    await ClockCycles(clk, 2000);
    for (const f of flows) await f.drain();
    down ||= dut.a_link_down_o.value === 1 || dut.b_link_down_o.value === 1;
    if (flows.every((f) => f.got.length >= f.sent.length) || t > limit) break;
    // After a down nothing more comes: give what was on its way time to arrive.
    if (down) {
      await ClockCycles(clk, 4000);
      for (const f of flows) await f.drain();
      break;
    }
  }
  const cycles = Number((sim.now - t0) / 10_000n);
  const [txA, txB] = await Promise.all(taps.map((t) => t.close()));
  const checker = new LinkChecker({ latency: TAP_LATENCY, replayTimeout: REPLAY_TIMEOUT, buffers: RX_BUFFERS });
  checker.check(txA!, txB!);
  if (checker.violationCount) throw new Error(`bench ${what}: the protocol checker found ${checker.violationCount} violation(s):\n  ${checker.violations.join('\n  ')}`);
  const accounts = flows.map((f) => f.account());
  accounts.forEach((a, i) => {
    const name = `${what}, ${specs[i]!.from} vc${specs[i]!.vc}`;
    if (a.duplicated || a.corrupted || a.outOfOrder) throw new Error(`bench ${name}: ${a.duplicated} duplicated, ${a.corrupted} corrupted, ${a.outOfOrder} out of order frames (never allowed)`);
    if (a.lost && (ber <= 1e-5 || !down)) throw new Error(`bench ${name}: ${a.lost} of ${a.sent} frames lost at BER ${ber}${down ? '' : ' without the link going down'}`);
  });
  return { flows, accounts, checker, cycles, seconds: (performance.now() - wall0) / 1000, down, lanes: [txA!, txB!] };
}

const frames = (n: number, len: number): number[] => Array<number>(n).fill(len);
const totals = { lost: 0, duplicated: 0, corrupted: 0 };
const add = (r: RunResult, counted: boolean): void => {
  for (const a of r.accounts) {
    if (counted) totals.lost += a.lost;
    totals.duplicated += a.duplicated;
    totals.corrupted += a.corrupted;
  }
};

// One way, 512-byte frames.
const one = await runFlows('efficiency_512', [{ from: 'a', vc: 0, lengths: frames(FRAMES, 512) }]);
add(one, true);
const eff512 = efficiency(one.flows[0]!.got);
atMostBound('efficiency_512', eff512, BOUND_512);

// Firmware frames: a 4-byte offset then 512 image bytes, on vc 1; the image bytes count.
const fw = await runFlows('efficiency_fw', [{ from: 'a', vc: 1, lengths: frames(FRAMES, 516) }]);
add(fw, true);
const effFw = efficiency(fw.flows[0]!.got, (f) => f.data.length - 4);
atMostBound('efficiency_fw', effFw, BOUND_FW);

// Both ways at once.
const bi = await runFlows('efficiency_bidir', [{ from: 'a', vc: 0, lengths: frames(FRAMES, 512) }, { from: 'b', vc: 0, lengths: frames(FRAMES, 512) }]);
add(bi, true);
const effBi = { ab: efficiency(bi.flows[0]!.got), ba: efficiency(bi.flows[1]!.got) };
atMostBound('efficiency_bidir a->b', effBi.ab, BOUND_512);
atMostBound('efficiency_bidir b->a', effBi.ba, BOUND_512);
/**
 * What each lane carried in the bidirectional run: its frames' blocks, the control blocks (ACK,
 * NAK, FC) it carried for the other direction, and idle cycles; the bound those control blocks
 * leave is 64 x frames / (frame blocks + control blocks).
 */
const laneUse = (lane: 0 | 1) => {
  const own = lane === 0 ? bi.checker.ab.stats : bi.checker.ba.stats;
  const other = lane === 0 ? bi.checker.ba.stats : bi.checker.ab.stats;
  const frameBlocks = [...own.sizes].reduce((n, [len, k]) => n + k * (Math.ceil(len / 8) + 2), 0);
  const control = other.acks + other.naks + other.fcs;
  return { frames: own.framesNew, frame_blocks: frameBlocks, acks: other.acks, fcs: other.fcs, naks: other.naks, idle_blocks: bi.lanes[lane].idleCycles, control_per_frame: control / own.framesNew, bound_with_control: (64 * own.framesNew) / (frameBlocks + control) };
};
const bidirLanes = { a: laneUse(0), b: laneUse(1) };

// The BER sweep.
const sweep = [];
for (const [k, ber] of BERS.entries()) {
  const r = await runFlows(`ber ${ber}`, [{ from: 'a', vc: 0, lengths: frames(FRAMES, 512) }], ber, 10 + k);
  add(r, ber <= 1e-5);
  const e = efficiency(r.flows[0]!.got);
  atMostBound(`efficiency at BER ${ber}`, e, BOUND_512);
  const a = r.accounts[0]!;
  sweep.push({
    ber, efficiency: e, replays: r.checker.ab.stats.framesReplayed + r.checker.ba.stats.framesReplayed, downs: r.down ? 1 : 0,
    lost: a.lost, duplicated: a.duplicated, corrupted: a.corrupted, delivered: a.delivered, sent: a.sent, cycles: r.cycles,
  });
}

// The randomized run with the checker on, then the same top free-running as many cycles.
const seed = 7;
const lengths = (i: number): number[] => fc.sample(fc.integer({ min: 1, max: 1024 }), { seed: seed + i, numRuns: 150 });
const randomized = await runFlows('randomized', ([['a', 0], ['a', 1], ['b', 0], ['b', 1]] as const).map(([from, vc], i) => ({ from, vc, lengths: lengths(i), sinkThrottle: 0.8 })), 0, seed);
add(randomized, true);
const checkedRate = randomized.cycles / randomized.seconds;
await fresh(seed, false);
const wall0 = performance.now();
await ClockCycles(clk, randomized.cycles);
const freeRate = randomized.cycles / ((performance.now() - wall0) / 1000);
await sim.close();

// The plain Verilator loop.
const nativeBin = await nativeBinary('hsi_link_tb', hsiLinkTb.sources, 'bench/native/hsi_link_main.cpp');
const nativeRuns: { cycles: number; seconds: number; frames: number }[] = [];
for (let i = 0; i < 3; i++) nativeRuns.push(JSON.parse((await run(nativeBin, ['400000'])).stdout) as { cycles: number; seconds: number; frames: number });
if (nativeRuns.some((r) => r.frames < 1000)) throw new Error(`bench self-check: the native loop delivered only ${nativeRuns.map((r) => r.frames).join(', ')} frames in 400000 cycles`);
const nativeRate = median(nativeRuns.map((r) => r.cycles / r.seconds));

// The crossbar: every frame checked by its scoreboard; figures are ratios to the framing bound.
const XBAR_FRAMES = Number(process.env.BENCH_XBAR_FRAMES ?? 256);
const xsim = await Simulator.start(hsiXbarTb);
const x41 = await fourToOne(xsim, XBAR_FRAMES);
const xperm = await permutation(xsim, XBAR_FRAMES);
await xsim.close();
atMostBound('xbar_4to1_efficiency', x41.efficiency, 1);
for (const [k, e] of xperm.entries()) atMostBound(`xbar_permutation_efficiency flow ${k}`, e, 1);
if (x41.frames !== 4 * XBAR_FRAMES) throw new Error(`bench self-check: four to one delivered ${x41.frames} of ${4 * XBAR_FRAMES} frames`);
const shareMin = Math.min(...x41.shares);
const shareMax = Math.max(...x41.shares);
const permMin = Math.min(...xperm);

const at1e6 = sweep.find((s) => s.ber === 1e-6)!;
const out = {
  clock_ns: 10,
  frames_per_run: FRAMES,
  efficiency_512: eff512,
  framing_bound_512: BOUND_512,
  efficiency_fw: effFw,
  framing_bound_fw: BOUND_FW,
  efficiency_bidir: effBi,
  efficiency_bidir_lanes: bidirLanes,
  ber_sweep: sweep,
  tb_speed_ratio: checkedRate / freeRate,
  tb_speed_run: 'bench/hsi.ts randomized run: 150 frames of 1..1024 bytes on each vc each way, sinks ready 80 % of cycles, both taps sampled, decoded and checked; against ClockCycles on a fresh model of the same top',
  tb_checked_cycles_per_s: Math.round(checkedRate),
  tb_free_cycles_per_s: Math.round(freeRate),
  native_cycles_per_s: Math.round(nativeRate),
  xbar_frames_per_source: XBAR_FRAMES,
  xbar_4to1_efficiency: x41.efficiency,
  xbar_4to1_shares: x41.shares,
  xbar_4to1_share_min: shareMin,
  xbar_4to1_share_max: shareMax,
  xbar_permutation_efficiency: permMin,
  xbar_permutation_flows: xperm,
  lost: totals.lost,
  duplicated: totals.duplicated,
  corrupted: totals.corrupted,
  targets: {
    efficiency_512: { ok: eff512 >= 0.99 * BOUND_512, ratio: eff512 / BOUND_512, want: '>= 0.99 x 64/66' },
    efficiency_fw: { ok: effFw >= 0.99 * BOUND_FW, ratio: effFw / BOUND_FW, want: '>= 0.99 x 64/67' },
    efficiency_bidir: { ok: Math.min(effBi.ab, effBi.ba) >= 0.97 * BOUND_512, ratio: Math.min(effBi.ab, effBi.ba) / BOUND_512, want: '>= 0.97 x 64/66 each way', cause: 'see efficiency_bidir_lanes: control blocks and idle cycles per frame each lane carried' },
    ber_1e6: { ok: at1e6.efficiency >= 0.95 * BOUND_512, ratio: at1e6.efficiency / BOUND_512, want: '>= 0.95 x 64/66 at BER 1e-6' },
    tb_speed_ratio: { ok: checkedRate / freeRate >= 0.3, ratio: checkedRate / freeRate, want: '>= 0.3' },
    xbar_4to1_efficiency: { ok: x41.efficiency >= 0.97, ratio: x41.efficiency, want: '>= 0.97 of 64/66' },
    xbar_4to1_share: { ok: shareMin >= 0.25 - 0.0125 && shareMax <= 0.25 + 0.0125, want: 'each 0.25 +- 0.0125' },
    xbar_permutation_efficiency: { ok: permMin >= 0.97, ratio: permMin, want: '>= 0.97 of 64/66, each flow' },
    lost_duplicated_corrupted: { ok: totals.lost + totals.duplicated + totals.corrupted === 0, want: '0 (losses counted at BER <= 1e-5)' },
  },
};
mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'out', 'hsi.json'), `${JSON.stringify(out, null, 2)}\n`);
writeFileSync(path.join(ROOT, 'bench', 'out', 'hsi_ber.svg'), berSvg(sweep, BOUND_512));
const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
console.log(`bench: hsi efficiency_512 ${pct(eff512 / BOUND_512)} of 64/66, fw ${pct(effFw / BOUND_FW)} of 64/67, bidir ${pct(effBi.ab / BOUND_512)} / ${pct(effBi.ba / BOUND_512)}; ` +
  `BER ${sweep.map((s) => `${s.ber}: ${pct(s.efficiency / BOUND_512)}${s.downs ? ' (down)' : ''}`).join(', ')}; tb_speed_ratio ${out.tb_speed_ratio.toFixed(2)}, native ${out.native_cycles_per_s} cycles/s; ` +
  `xbar 4 to 1 ${pct(x41.efficiency)} of 64/66 (shares ${shareMin.toFixed(4)}..${shareMax.toFixed(4)}), permutation ${pct(permMin)} the least flow`);

/** The sweep as an SVG line plot: efficiency against log10(BER), with the framing bound. */
function berSvg(points: readonly { ber: number; efficiency: number; downs: number }[], bound: number): string {
  const W = 560, H = 360, L = 70, R = 20, T = 30, B = 50;
  const x = (ber: number): number => L + ((Math.log10(ber) + 8) / 4) * (W - L - R);
  const y = (e: number): number => T + (1 - e) * (H - T - B);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((e) => `<line x1="${L}" y1="${y(e)}" x2="${W - R}" y2="${y(e)}" stroke="#ddd"/><text x="${L - 8}" y="${y(e) + 4}" text-anchor="end" font-size="11">${e.toFixed(2)}</text>`).join('');
  const xt = BERS.map((b) => `<text x="${x(b)}" y="${H - B + 18}" text-anchor="middle" font-size="11">1e${Math.log10(b)}</text>`).join('');
  const line = points.map((p) => `${x(p.ber).toFixed(1)},${y(p.efficiency).toFixed(1)}`).join(' ');
  const dots = points.map((p) => `<circle cx="${x(p.ber).toFixed(1)}" cy="${y(p.efficiency).toFixed(1)}" r="4" fill="${p.downs ? '#c00' : '#06c'}"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">HSI link: efficiency of 512-byte frames against the lanes' BER</text>
${grid}${xt}
<line x1="${L}" y1="${y(bound)}" x2="${W - R}" y2="${y(bound)}" stroke="#888" stroke-dasharray="4 3"/><text x="${W - R}" y="${y(bound) - 4}" text-anchor="end" font-size="11">framing bound 64/66</text>
<polyline points="${line}" fill="none" stroke="#06c" stroke-width="2"/>${dots}
<text x="${W / 2}" y="${H - 10}" text-anchor="middle" font-size="12">bit error rate of each lane (red: the link went down)</text>
<text x="16" y="${H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${H / 2})">payload bytes / (cycles x 8)</text>
</svg>
`;
}
